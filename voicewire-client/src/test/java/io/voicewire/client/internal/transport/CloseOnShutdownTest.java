package io.voicewire.client.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.voicewire.testing.RawWs;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tier (b): a connection whose graceful close is under way when its client shuts down (a stream
 * that ended normally, then {@code VoiceClient.close()} at once, as the CLI does) finishes its
 * close handshake first: the server gets our close frame and answers it, instead of seeing the
 * socket drop (which a resumable server takes for a lost connection, and parks the session). The
 * peer is a real socket that answers the close after {@link #PEER_CLOSE_DELAY_MILLIS}, as a
 * relay closing its upstream first does.
 */
@Timeout(30)
class CloseOnShutdownTest {
  /** How long the peer takes to answer our close frame. */
  static final long PEER_CLOSE_DELAY_MILLIS = 300;
  /** The connector's close timeout: the longest a shutdown waits for a close under way. */
  static final long CLOSE_TIMEOUT_MILLIS = 3_000;

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "jetty"})
  void aCloseUnderWayFinishesBeforeTheConnectorStops(String transport) throws Exception {
    closeThenStop(transport, false);
  }

  /**
   * A stream announces its close under its lock and sends the close frame after releasing it;
   * a client closed in between (its listener heard of the end) waits for that close too.
   */
  @ParameterizedTest
  @ValueSource(strings = {"jdk", "jetty"})
  void anAnnouncedCloseIsWaitedForAsWell(String transport) throws Exception {
    closeThenStop(transport, true);
  }

  private void closeThenStop(String transport, boolean announced) throws Exception {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    HttpClient http = HttpClient.newHttpClient();
    try (ServerSocket ss = new ServerSocket()) {
      ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      Connector connector = transport.equals("jetty")
          ? new JettyWebSocketConnector(
              WebSocketConnectionTest.timing(scheduler, 0, CLOSE_TIMEOUT_MILLIS))
          : new JdkWebSocketConnector(http, Executors.newVirtualThreadPerTaskExecutor(),
              WebSocketConnectionTest.timing(scheduler, 0, CLOSE_TIMEOUT_MILLIS));
      WebSocketConnectionTest.Events e = new WebSocketConnectionTest.Events();
      try (WebSocketConnectionTest.RawPeer opened =
          WebSocketConnectionTest.openedAgainstRawPeer(connector, ss, e)) {
        Connection c = opened.connection();
        Socket peer = opened.socket();
        CompletableFuture<Integer> peerGot = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> peerGot.complete(peerReadsTheClose(peer)));

        if (announced) {
          c.closeFollows();
          Thread.ofVirtual().start(() -> {
            sleep(200); // the stream's lock is released a little later
            c.close(1000, "bye");
          });
        } else {
          c.close(1000, "bye"); // the stream ended normally, and the client is closed at once:
        }
        connector.awaitClosing(); // what ClientRuntime.close does first, then it stops
        if (connector instanceof JettyWebSocketConnector j) {
          j.close();
        } else {
          http.shutdownNow();
        }

        assertEquals(1000, peerGot.get(10, TimeUnit.SECONDS), "the peer got our close frame");
        assertEquals("closed 1000", e.terminal.get(10, TimeUnit.SECONDS),
            "the handshake finished: the peer's close arrived before the connector stopped");
      }
    } finally {
      scheduler.shutdownNow();
      http.shutdownNow();
    }
  }

  /** The peer: reads up to our close frame, answers it late; its code, or -1 if dropped. */
  private static int peerReadsTheClose(Socket peer) {
    try {
      DataInputStream in = new DataInputStream(new BufferedInputStream(peer.getInputStream()));
      RawWs.Frame f;
      do {
        f = RawWs.readFrom(in);
      } while (f.opcode() != 8);
      Thread.sleep(PEER_CLOSE_DELAY_MILLIS);
      OutputStream out = peer.getOutputStream();
      out.write(new byte[] {(byte) 0x88, 2, 0x03, (byte) 0xe8}); // close 1000, unmasked
      out.flush();
      return f.closeCode();
    } catch (Exception ex) {
      return -1; // the socket dropped before our close frame arrived
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
