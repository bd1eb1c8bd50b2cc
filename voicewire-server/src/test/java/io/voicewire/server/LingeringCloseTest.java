package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.testing.RawWs;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A connection the server closes while its client is still sending: the client reads the close
 * frame that says why, and the server reads and drops what still comes for a bounded time and
 * size, never parsing it (docs/LIMITS.md, {@code LingeringEndPoint}).
 */
class LingeringCloseTest {
  /**
   * @param pauseMillis between the client's 64 KiB writes: 0 ends the lingering at its byte
   *     bound, 50 (a trickle) at its time bound
   */
  @ParameterizedTest(name = "a write every {0} ms")
  @ValueSource(ints = {0, 50})
  void aClientThatKeepsSendingAfterItsMessageWasRefusedReads1009AndIsCutWithinTheBound(
      int pauseMillis) throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.builder().build();
    try (ServerFixture f = ServerFixture.start(p);
        Socket s = RawWs.socket("127.0.0.1", f.port)) {
      double before = metric(f, "voicewire_connections_lingered_total");
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      out.write(("GET /v1/text-to-speech/" + ToneSpeechProvider.VOICE + "/stream-input "
          + "HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertEquals(101, RawWs.readStatus(in));
      // one text frame announcing 1 GiB, masked with a zero key so that its bytes stay "a"
      // (valid UTF-8: the refusal is for the size, 1009, not the encoding)
      byte[] head = {(byte) 0x81, (byte) (0x80 | 127), 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0, 0};
      out.write(head);
      long started = System.nanoTime();
      CompletableFuture<Long> writer = CompletableFuture.supplyAsync(() -> {
        byte[] a = new byte[64 * 1024];
        Arrays.fill(a, (byte) 'a');
        long sent = 0;
        try {
          while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(30)) {
            out.write(a);
            sent += a.length;
            if (pauseMillis > 0) {
              Thread.sleep(pauseMillis);
            }
          }
        } catch (IOException cut) {
          return sent; // the server closed the connection at last
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return -1L;
      });
      s.setSoTimeout(30_000);
      DataInputStream d = new DataInputStream(in);
      int op = d.readUnsignedByte() & 0x0f;
      int len = d.readUnsignedByte() & 0x7f;
      assertEquals(8, op, "a close frame, while the client is still writing");
      byte[] payload = new byte[len];
      d.readFully(payload);
      assertEquals(1009, ((payload[0] & 0xff) << 8) | (payload[1] & 0xff),
          new String(payload, 2, len - 2, StandardCharsets.UTF_8));
      long sent = writer.get(30, TimeUnit.SECONDS);
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(sent > 0, "the server never cut the client off");
      assertTrue(tookMillis < 15_000, "lingered " + tookMillis + " ms");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (metric(f, "voicewire_connections_lingering") > 0) {
        assertTrue(System.nanoTime() < deadline, "a connection still lingers");
        Thread.sleep(20);
      }
      assertTrue(metric(f, "voicewire_connections_lingered_total") > before,
          "this connection lingered");
    } finally {
      p.close();
    }
  }

  private static double metric(ServerFixture f, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(f.server.metrics());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
