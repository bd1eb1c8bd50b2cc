package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Closing has two phases: the server's close frame, then a forced disconnect when the peer never
 * answers it ({@code Outbox.CANCEL_AFTER_CLOSE_MILLIS}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CloseHandshakeTest {

  @Test
  void aPeerThatNeverAnswersTheCloseIsDisconnected() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.create();
    try (ServerFixture f = ServerFixture.start(p);
         Socket s = new Socket("127.0.0.1", f.port)) {
      s.setSoTimeout(20_000);
      // a raw WebSocket handshake; the bad query makes the server send an error and close
      s.getOutputStream().write(("GET /v1/speech-to-text/realtime HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        head.append((char) in.read());
      }
      assertTrue(head.toString().startsWith("HTTP/1.1 101"), head.toString());
      boolean sawClose = false;
      long start = System.nanoTime();
      while (true) {
        int b0 = in.read();
        if (b0 < 0) {
          break; // the server cut the connection
        }
        int len = in.read() & 0x7F;
        if (len == 126) {
          len = (in.read() << 8) | in.read();
        }
        in.readNBytes(len);
        if ((b0 & 0x0F) == 0x8) {
          sawClose = true; // and we never answer it
        }
      }
      assertTrue(sawClose, "the server sent a close frame first");
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(waited < 15_000, "disconnected after " + waited + " ms");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!f.server.metrics().contains("voicewire_sessions_active{kind=\"stt_realtime\"} 0")) {
        assertTrue(System.nanoTime() < deadline, "the session was not released");
        Thread.sleep(20);
      }
    } finally {
      p.close();
    }
  }
}
