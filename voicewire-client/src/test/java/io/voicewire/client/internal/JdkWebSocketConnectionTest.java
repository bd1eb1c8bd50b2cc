package io.voicewire.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.client.CodedSpeechProvider;
import io.voicewire.client.FaultProxy;
import io.voicewire.server.VoicewireServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tier (c): the one-shot JDK connection against a real server: heartbeat, close, cancel. */
@Timeout(30)
class JdkWebSocketConnectionTest {
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
    scheduler.shutdownNow();
  }

  /** Records connection events. */
  static final class Events implements ConnectionListener {
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

  JdkWebSocketConnection connect(long pingMillis, long closeTimeoutMillis, Events e) {
    JdkWebSocketConnector connector = new JdkWebSocketConnector(http, scheduler,
        Executors.newVirtualThreadPerTaskExecutor(), Duration.ofSeconds(5), pingMillis,
        closeTimeoutMillis, System::nanoTime);
    return (JdkWebSocketConnection) connector.connect(URI.create("ws://127.0.0.1:" + proxy.port()
        + "/v1/speech-to-text/realtime?model_id=m"), Map.of(), e);
  }

  @Test
  void clientPingsOnTheIntervalAndPongsCome() throws Exception {
    Events e = new Events();
    JdkWebSocketConnection c = connect(50, 1000, e);
    e.open.get(5, TimeUnit.SECONDS);
    Thread.sleep(600);
    assertTrue(c.sentPingCount() >= 5, "pings " + c.sentPingCount());
    assertTrue(c.receivedPongCount() >= c.sentPingCount() - 1, "pongs " + c.receivedPongCount());
    assertFalse(e.terminal.isDone());
    assertTrue(c.close(1000, "bye"));
    assertFalse(c.close(1000, "again"), "a second close returns false");
    assertEquals("closed 1000", e.terminal.get(5, TimeUnit.SECONDS));
  }

  @Test
  void anUnacknowledgedPingFailsTheConnectionWithCounts() throws Exception {
    Events e = new Events();
    JdkWebSocketConnection c = connect(100, 1000, e);
    e.open.get(5, TimeUnit.SECONDS);
    Thread.sleep(350);
    proxy.stall(Duration.ofSeconds(3));
    String t = e.terminal.get(5, TimeUnit.SECONDS);
    assertTrue(t.startsWith("failed 0 sent ping but didn't receive pong within 100ms (after "),
        t);
    assertTrue(t.endsWith(" successful ping/pongs)"), t);
    assertFalse(c.send("{}"), "a failed connection takes nothing");
  }

  @Test
  void aPeerThatNeverAnswersTheCloseIsCancelledAfterTheTimeout() throws Exception {
    Events e = new Events();
    JdkWebSocketConnection c = connect(0, 300, e);
    e.open.get(5, TimeUnit.SECONDS);
    proxy.stall(Duration.ofSeconds(5));
    long t0 = System.nanoTime();
    assertTrue(c.close(1000, "bye"));
    String t = e.terminal.get(5, TimeUnit.SECONDS);
    assertEquals("failed 0 peer did not close within 300 ms of our close frame", t);
    assertTrue(System.nanoTime() - t0 >= 250_000_000L);
  }

  @Test
  void aRefusedHandshakeReportsItsStatus() throws Exception {
    server.close();
    VoicewireServer keyed = VoicewireServer.create(c -> c.provider(provider)
        .apiKeys(java.util.List.of("k")));
    int port = keyed.start(0);
    try {
      Events e = new Events();
      JdkWebSocketConnector connector = new JdkWebSocketConnector(http, scheduler,
          Executors.newVirtualThreadPerTaskExecutor(), Duration.ofSeconds(5), 0, 1000,
          System::nanoTime);
      connector.connect(URI.create("ws://127.0.0.1:" + port + "/no/such/endpoint"), Map.of(), e);
      String t = e.terminal.get(5, TimeUnit.SECONDS);
      assertTrue(t.startsWith("failed 404") || t.startsWith("failed 401"), t);
    } finally {
      keyed.close();
    }
  }
}
