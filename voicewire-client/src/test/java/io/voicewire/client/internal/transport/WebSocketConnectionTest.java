package io.voicewire.client.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.client.CodedSpeechProvider;
import io.voicewire.client.FaultProxy;
import io.voicewire.server.VoicewireServer;
import io.voicewire.testing.RawWs;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tier (c): the one-shot connection, on both transports (JDK and Jetty), against a real server:
 * heartbeat, close, cancel, refused handshakes, order of messages sent before the socket opens.
 */
@Timeout(30)
class WebSocketConnectionTest {
  CodedSpeechProvider provider;
  VoicewireServer server;
  FaultProxy proxy;
  ScheduledExecutorService scheduler;
  HttpClient http;

  @BeforeEach
  void start() throws Exception {
    provider = new CodedSpeechProvider(12, 0);
    server = VoicewireServer.create(c -> c.provider(provider));
    proxy = FaultProxy.start(server.start(0), 1);
    scheduler = Executors.newSingleThreadScheduledExecutor();
    http = HttpClient.newHttpClient();
  }

  @AfterEach
  void stop() {
    proxy.close();
    server.close();
    provider.close();
    for (AutoCloseable c : connectors) {
      try {
        c.close();
      } catch (Exception ignored) {
        // closing anyway
      }
    }
    scheduler.shutdownNow();
  }

  /** Records connection events (InlineReadsTest adds a listener that blocks). */
  static class Events implements ConnectionListener {
    final CompletableFuture<Connection> open = new CompletableFuture<>();
    final CompletableFuture<String> terminal = new CompletableFuture<>();
    final CopyOnWriteArrayList<String> messages = new CopyOnWriteArrayList<>();

    @Override
    public void onOpen(Connection c) {
      open.complete(c);
    }

    @Override
    public void onMessage(Connection c, String text) {
      messages.add(text);
    }

    @Override
    public void onClosed(Connection c, int code, String reason) {
      terminal.complete("closed " + code);
    }

    @Override
    public void onFailure(Connection c, Throwable error, int httpStatus) {
      terminal.complete("failed " + httpStatus + " " + error.getMessage());
    }
  }

  /** A connection under test and its heartbeat counters. */
  record Conn(Connection c, IntSupplier pings, IntSupplier pongs) {}

  final java.util.List<AutoCloseable> connectors = new CopyOnWriteArrayList<>();

  Connector connector(String transport, long pingMillis, long closeTimeoutMillis) {
    if (transport.equals("jetty")) {
      JettyWebSocketConnector j = new JettyWebSocketConnector(
          timing(scheduler, pingMillis, closeTimeoutMillis));
      connectors.add(j);
      return j;
    }
    return new JdkWebSocketConnector(http, Executors.newVirtualThreadPerTaskExecutor(),
        timing(scheduler, pingMillis, closeTimeoutMillis));
  }

  /** A client connection and the raw peer's socket at its other end; closing drops both. */
  record RawPeer(Connection connection, Socket socket) implements AutoCloseable {
    @Override
    public void close() throws java.io.IOException {
      socket.close();
      connection.cancel();
    }
  }

  /**
   * A connection to a raw peer listening on {@code ss}, which accepts its upgrade, once the
   * client has heard that it opened.
   */
  static RawPeer openedAgainstRawPeer(Connector connector, ServerSocket ss, Events e)
      throws Exception {
    Connection c = connector.connect(URI.create("ws://127.0.0.1:" + ss.getLocalPort() + "/x"),
        Map.of(), e);
    Socket peer = ss.accept();
    try {
      RawWs.acceptUpgrade(peer);
      e.open.get(10, TimeUnit.SECONDS);
      return new RawPeer(c, peer);
    } catch (Exception | Error failed) {
      peer.close();
      throw failed;
    }
  }

  /** A 5 s connect timeout and the system's clock. */
  static ConnectionTiming timing(ScheduledExecutorService scheduler, long pingMillis,
      long closeTimeoutMillis) {
    return new ConnectionTiming(scheduler, Duration.ofSeconds(5), pingMillis, closeTimeoutMillis,
        System::nanoTime);
  }

  Conn connect(String transport, long pingMillis, long closeTimeoutMillis, Events e) {
    Connection c = connector(transport, pingMillis, closeTimeoutMillis).connect(
        URI.create("ws://127.0.0.1:" + proxy.port() + "/v1/speech-to-text/realtime?model_id=m"),
        Map.of(), e);
    if (c instanceof JettyWebSocketConnection j) {
      return new Conn(c, j::sentPingCount, j::receivedPongCount);
    }
    JdkWebSocketConnection j = (JdkWebSocketConnection) c;
    return new Conn(c, j::sentPingCount, j::receivedPongCount);
  }

  /** The heartbeat of {@link #clientPingsOnTheIntervalAndPongsCome}, in milliseconds. */
  static final long PING_MILLIS = 500;
  /** Round trips that test waits for. */
  static final int PONGS_SEEN = 3;

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "jetty"})
  void clientPingsOnTheIntervalAndPongsCome(String transport) throws Exception {
    Events e = new Events();
    // counted events, no wall-clock window: the heartbeat beats every PING_MILLIS and fails the
    // connection when a pong is a whole beat late, so the beat is long enough for a pong over
    // loopback on a busy machine; the test waits (bounded) until PONGS_SEEN round trips are done
    Conn k = connect(transport, PING_MILLIS, 1000, e);
    Connection c = k.c();
    e.open.get(5, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (k.pongs().getAsInt() < PONGS_SEEN && !e.terminal.isDone()
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertFalse(e.terminal.isDone(), () -> "the heartbeat ended the connection: " + e.terminal);
    int pongs = k.pongs().getAsInt();
    int pings = k.pings().getAsInt();
    assertTrue(pongs >= PONGS_SEEN, "pongs " + pongs + " of pings " + pings);
    // one ping a beat, each answered before the next goes out: at most the latest one waits
    assertTrue(pings >= pongs && pings <= pongs + 1, "pings " + pings + ", pongs " + pongs);
    assertTrue(c.close(1000, "bye"));
    assertFalse(c.close(1000, "again"), "a second close returns false");
    assertEquals("closed 1000", e.terminal.get(5, TimeUnit.SECONDS));
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "jetty"})
  void anUnacknowledgedPingFailsTheConnectionWithCounts(String transport) throws Exception {
    Events e = new Events();
    Connection c = connect(transport, 100, 1000, e).c();
    e.open.get(5, TimeUnit.SECONDS);
    Thread.sleep(350);
    proxy.stall(Duration.ofSeconds(3));
    String t = e.terminal.get(5, TimeUnit.SECONDS);
    assertTrue(t.startsWith("failed 0 sent ping but didn't receive pong within 100ms (after "),
        t);
    assertTrue(t.endsWith(" successful ping/pongs)"), t);
    assertFalse(c.send("{}"), "a failed connection takes nothing");
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "jetty"})
  void aPeerThatNeverAnswersTheCloseIsCancelledAfterTheTimeout(String transport)
      throws Exception {
    Events e = new Events();
    Connection c = connect(transport, 0, 300, e).c();
    e.open.get(5, TimeUnit.SECONDS);
    proxy.stall(Duration.ofSeconds(5));
    long t0 = System.nanoTime();
    assertTrue(c.close(1000, "bye"));
    String t = e.terminal.get(5, TimeUnit.SECONDS);
    assertEquals("failed 0 peer did not close within 300 ms of our close frame", t);
    assertTrue(System.nanoTime() - t0 >= 250_000_000L);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "jetty"})
  void aRefusedHandshakeReportsItsStatus(String transport) throws Exception {
    Events e = new Events();
    connector(transport, 0, 1000).connect(
        URI.create("ws://127.0.0.1:" + proxy.port() + "/no/such/endpoint"), Map.of(), e);
    String t = e.terminal.get(5, TimeUnit.SECONDS);
    assertTrue(t.startsWith("failed 404"), t);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "jetty"})
  void messagesSentBeforeTheSocketOpensGoFirstAndInOrder(String transport) throws Exception {
    Events e = new Events();
    Connection c = connect(transport, 0, 1000, e).c();
    String commit = "{\"message_type\":\"input_audio_chunk\",\"audio_base_64\":\"\","
        + "\"commit\":true,\"sample_rate\":16000}";
    String chunk = "{\"message_type\":\"input_audio_chunk\",\"audio_base_64\":\""
        + java.util.Base64.getEncoder().encodeToString(new byte[640]) + "\",\"commit\":false,"
        + "\"sample_rate\":16000}";
    assertTrue(c.send(chunk), "queued while connecting");
    assertTrue(c.send(commit));
    e.open.get(5, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (e.messages.stream().noneMatch(m -> m.contains("committed_transcript"))) {
      assertTrue(System.nanoTime() < deadline, "no commit answer: " + e.messages);
      Thread.sleep(10);
    }
    assertTrue(e.messages.get(0).contains("session_started"), e.messages.toString());
    long deadline2 = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (c.queuedChars() != 0) {
      assertTrue(System.nanoTime() < deadline2, "queued " + c.queuedChars());
      Thread.sleep(10);
    }
    assertTrue(c.close(1000, "bye"));
    assertEquals("closed 1000", e.terminal.get(5, TimeUnit.SECONDS));
  }
}
