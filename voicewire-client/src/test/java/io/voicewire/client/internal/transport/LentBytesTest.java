package io.voicewire.client.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.testing.RawWs;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tier (b): {@link Connection#sendUtf8} on the Jetty transport reads the caller's bytes until it
 * runs {@code done}, and never after. A relay sends a client's frame straight from its replay
 * ring's segment and gives the segment back to the pool (where another stream overwrites it) only
 * when {@code done} has run: if Jetty still read a frame after that, the upstream would receive
 * another stream's bytes.
 *
 * <p>The peer is a real socket that answers the handshake and then does not read, with a small
 * receive buffer, so thousands of messages wait in Jetty's flusher; each message's bytes are
 * overwritten the moment its {@code done} runs. Then the peer reads everything: every message
 * arrives as it was sent. (With {@code done} run when {@code sendUtf8} returns instead, message
 * 3,097 of one run arrived overwritten.)
 */
@Timeout(60)
class LentBytesTest {
  /**
   * Messages sent while the peer does not read: 10.8 MB, more than the socket buffers take
   * (Linux grows a send buffer to 4 MiB by default), less than the connection's queue bound.
   */
  private static final int MESSAGES = 12_000;
  /** Messages that must have waited in the transport for the test to mean something. */
  private static final int QUEUED_AT_LEAST = 1000;
  /** Bytes per message: about a 20 ms chunk of 16 kHz audio as a client frames it. */
  private static final int MESSAGE_BYTES = 900;

  @Test
  void bytesAreReadUntilDoneRunsAndNeverAfter() throws Exception {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try (ServerSocket ss = new ServerSocket()) {
      ss.setReceiveBufferSize(4096);
      ss.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      JettyWebSocketConnector connector = new JettyWebSocketConnector(
          WebSocketConnectionTest.timing(scheduler, 0, 1000));
      WebSocketConnectionTest.Events e = new WebSocketConnectionTest.Events();
      try (WebSocketConnectionTest.RawPeer opened =
          WebSocketConnectionTest.openedAgainstRawPeer(connector, ss, e)) {
        Connection c = opened.connection();
        Socket peer = opened.socket();

        byte[] buf = new byte[MESSAGES * MESSAGE_BYTES]; // one region per message, as segments
        List<String> sent = new ArrayList<>();
        CountDownLatch allDone = new CountDownLatch(MESSAGES);
        long maxQueued = 0;
        for (int i = 0; i < MESSAGES; i++) {
          String text = message(i);
          int off = i * MESSAGE_BYTES;
          byte[] b = text.getBytes(StandardCharsets.US_ASCII);
          System.arraycopy(b, 0, buf, off, b.length);
          sent.add(text);
          boolean taken = c.sendUtf8(buf, off, b.length, () -> {
            Arrays.fill(buf, off, off + MESSAGE_BYTES, (byte) '#'); // recycled at once
            allDone.countDown();
          });
          assertTrue(taken, "message " + i);
          maxQueued = Math.max(maxQueued, c.queuedChars()); // taken, not written yet
        }
        assertTrue(maxQueued >= (long) QUEUED_AT_LEAST * MESSAGE_BYTES, "messages waited in the "
            + "transport (" + maxQueued + " bytes), so the test saw lent bytes queued");

        List<String> got = readTexts(peer.getInputStream(), MESSAGES);
        assertTrue(allDone.await(10, TimeUnit.SECONDS), "done ran for every message");
        for (int i = 0; i < MESSAGES; i++) {
          assertEquals(sent.get(i), got.get(i), "message " + i);
        }
      } finally {
        connector.close();
      }
    } finally {
      scheduler.shutdownNow();
    }
  }

  private static String message(int i) {
    StringBuilder sb = new StringBuilder("{\"n\":").append(i).append(",\"p\":\"");
    while (sb.length() < MESSAGE_BYTES - 2) {
      sb.append((char) ('a' + (sb.length() + i) % 26));
    }
    return sb.append("\"}").toString();
  }

  /** Reads {@code n} text messages from the client (control frames skipped). */
  private static List<String> readTexts(InputStream raw, int n) throws IOException {
    DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 16));
    List<String> texts = new ArrayList<>();
    while (texts.size() < n) {
      RawWs.Frame f = RawWs.readFrom(in);
      assertTrue(f.opcode() != 0, "one frame per message");
      if (f.opcode() == 1) {
        texts.add(f.text());
      }
    }
    return texts;
  }
}
