package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket on a plain socket, for tests that must send what a WebSocket client will not (a
 * code point split across frames, bad UTF-8) or not answer what it would (a close frame): the
 * upgrade, masked client frames and the server's frames, every read bounded by the socket's
 * timeout.
 */
final class RawWebSocket {
  private RawWebSocket() {}

  /** A server frame. */
  record Frame(int opcode, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }

  /** Opens {@code path} and completes the upgrade (asserting 101); reads time out after 20 s. */
  static Socket upgrade(int port, String path) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(20_000);
    s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    InputStream in = s.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed during the handshake: " + head);
      }
      head.append((char) b);
    }
    assertTrue(head.toString().startsWith("HTTP/1.1 101"), head.toString());
    return s;
  }

  /** A masked client frame (payloads under 126 bytes). */
  static byte[] frame(int opcode, boolean fin, byte[] payload) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write((fin ? 0x80 : 0) | opcode);
    b.write(0x80 | payload.length);
    byte[] mask = {0x11, 0x22, 0x33, 0x44};
    b.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      b.write(payload[i] ^ mask[i & 3]);
    }
    return b.toByteArray();
  }

  /** The server's next frame (unmasked, under 64 KiB), or null when it closed the connection. */
  static Frame read(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    int b0 = in.read();
    if (b0 < 0) {
      return null;
    }
    int len = in.read() & 0x7F;
    if (len == 126) {
      len = (in.read() << 8) | in.read();
    }
    return new Frame(b0 & 0x0F, in.readNBytes(len));
  }
}
