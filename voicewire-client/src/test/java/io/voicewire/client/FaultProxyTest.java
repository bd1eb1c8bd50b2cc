package io.voicewire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Tier (a): the proxy's WebSocket frame scanner on constructed byte streams. */
class FaultProxyTest {

  static byte[] frame(int opcode, int len, boolean masked) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x80 | opcode);
    int m = masked ? 0x80 : 0;
    if (len < 126) {
      out.write(m | len);
    } else if (len < 65536) {
      out.write(m | 126);
      out.write(len >> 8);
      out.write(len & 0xff);
    } else {
      out.write(m | 127);
      for (int k = 7; k >= 0; k--) {
        out.write((int) ((long) len >> (8 * k)) & 0xff);
      }
    }
    if (masked) {
      out.writeBytes(new byte[] {1, 2, 3, 4});
    }
    byte[] payload = new byte[len];
    java.util.Arrays.fill(payload, (byte) 0x88); // payload bytes that look like a close header
    out.writeBytes(payload);
    return out.toByteArray();
  }

  @Test
  void findsTheCloseFrameAfterTheUpgradeWhateverTheReadBoundaries() {
    for (boolean masked : new boolean[] {false, true}) {
      ByteArrayOutputStream s = new ByteArrayOutputStream();
      s.writeBytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      s.writeBytes(frame(1, 5, masked));
      s.writeBytes(frame(1, 300, masked));
      s.writeBytes(frame(9, 0, masked));
      s.writeBytes(frame(2, 70_000, masked));
      int closeAt = s.size();
      s.writeBytes(frame(8, 2, masked));
      byte[] all = s.toByteArray();
      Random r = new Random(masked ? 1 : 2);
      for (int trial = 0; trial < 50; trial++) {
        FaultProxy.FrameScanner f = new FaultProxy.FrameScanner();
        int pos = 0;
        int found = -1;
        while (pos < all.length && found < 0) {
          int n = Math.min(all.length - pos, 1 + r.nextInt(3000));
          int k = f.scan(all, pos, n);
          if (k >= 0) {
            found = k;
          }
          pos += n;
        }
        assertEquals(closeAt, found, "trial " + trial);
      }
    }
  }
}
