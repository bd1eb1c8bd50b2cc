package io.voicewire.client.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.client.CodedSpeechProvider;
import io.voicewire.server.VoicewireServer;
import java.net.URI;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tier (c): the Jetty transport's inline reads ({@link InlineReadClientConnector}), over plain TCP
 * and over real TLS (the JDK's, in front of a real voicewire server), against the same
 * transport with Jetty's dispatch. Which mode reads is shown by what only inline reads do: a
 * listener that blocks holds every connection of its selector.
 */
@Timeout(60)
class InlineReadsTest {
  /** How long the test shows that a held selector reads nothing (the opposite is waited for). */
  static final long HELD_MILLIS = 400;
  /** Longest wait for an answer that must come. */
  static final long ANSWER_SECONDS = 15;
  /** Most commit round trips {@link Events#settle} makes. */
  static final int SETTLE_ROUNDS = 20;
  /** Audio chunks of a session in {@link #aWholeSessionIsReadInOrder}. */
  static final int CHUNKS = 200;

  @TempDir Path dir;
  CodedSpeechProvider provider;
  VoicewireServer server;
  TlsFront tls;
  ScheduledExecutorService scheduler;
  final List<AutoCloseable> connectors = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    provider = new CodedSpeechProvider(12, 0);
    server = VoicewireServer.create(c -> c.provider(provider));
    int port = server.start(0);
    tls = TlsFront.start(dir, port);
    scheduler = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterEach
  void stop() {
    for (AutoCloseable c : connectors) {
      try {
        c.close();
      } catch (Exception ignored) {
        // closing anyway
      }
    }
    tls.close();
    server.close();
    provider.close();
    scheduler.shutdownNow();
  }

  /**
   * Connection events, as {@link WebSocketConnectionTest.Events} records them, with how each
   * commit answer was read. Jetty reads the first frames of a connection in the HTTP upgrade's
   * own fill loop, on the thread the upgrade response was dispatched to, and keeps reading there
   * for as long as data is waiting; only when that loop finds nothing does the connection ask its
   * selector, as every frame of a long session is read. So a test that blocks a listener must
   * block it on a frame read the selector's way: {@link #settle} makes commit round trips until
   * one answer is read outside the upgrade (the upgrade's loop has then ended, as a connection
   * reads on one thread at a time), and a listener armed with {@link #holdNextCommit} blocks on
   * the next commit answer only.
   */
  static final class Events extends WebSocketConnectionTest.Events {
    final CountDownLatch holding = new CountDownLatch(1);
    /** Commit answers, and how many of them the upgrade's fill loop read. */
    final AtomicInteger commits = new AtomicInteger();
    final AtomicInteger commitsInUpgrade = new AtomicInteger();
    private volatile CountDownLatch hold;

    @Override
    public void onMessage(Connection c, String text) {
      super.onMessage(c, text);
      if (!committed(text)) {
        return;
      }
      if (inUpgrade()) {
        commitsInUpgrade.incrementAndGet();
      }
      commits.incrementAndGet();
      CountDownLatch h = hold;
      if (h != null && holding.getCount() > 0) {
        holding.countDown();
        try {
          // blocks the reading thread on purpose; bounded so that a failure cannot hang
          h.await(ANSWER_SECONDS * 2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    /** Whether this thread reads in the HTTP upgrade's fill loop (not for its selector). */
    static boolean inUpgrade() {
      return StackWalker.getInstance().walk(frames -> frames.anyMatch(f ->
          f.getClassName().equals("org.eclipse.jetty.websocket.core.WebSocketConnection")
              && f.getMethodName().equals("onOpen")));
    }

    /** Commit round trips on {@code c} until an answer is read the selector's way. */
    void settle(Connection c) throws InterruptedException {
      for (int i = 0; i < SETTLE_ROUNDS; i++) {
        int before = commits.get();
        int inUpgrade = commitsInUpgrade.get();
        assertTrue(c.send(chunk(true)), "a commit");
        await(m -> commits.get() > before, "commit answer " + i);
        if (commitsInUpgrade.get() == inUpgrade) {
          return;
        }
      }
      throw new AssertionError(SETTLE_ROUNDS + " commit answers all read by the upgrade");
    }

    /** Blocks the listener on the next commit answer until {@code release}. */
    void holdNextCommit(CountDownLatch release) {
      hold = release;
    }

    void await(Predicate<String> what, String name) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ANSWER_SECONDS);
      while (messages.stream().noneMatch(what)) {
        assertFalse(terminal.isDone(), () -> "ended before " + name + ": " + terminal);
        assertTrue(System.nanoTime() < deadline, () -> "no " + name + " in " + messages);
        Thread.sleep(5);
      }
    }
  }

  JettyWebSocketConnector connector(boolean inline, int selectors) {
    JettyWebSocketConnector j = new JettyWebSocketConnector(
        WebSocketConnectionTest.timing(scheduler, 0, 1000), inline, selectors, tls.trust());
    connectors.add(j);
    return j;
  }

  Connection connect(JettyWebSocketConnector j, String scheme, Events e) {
    int port = scheme.equals("wss") ? tls.port() : server.port();
    return j.connect(URI.create(scheme + "://127.0.0.1:" + port
        + "/v1/speech-to-text/realtime?model_id=m"), Map.of(), e);
  }

  static String chunk(boolean commit) {
    return "{\"message_type\":\"input_audio_chunk\",\"audio_base_64\":\""
        + (commit ? "" : Base64.getEncoder().encodeToString(new byte[640]))
        + "\",\"commit\":" + commit + ",\"sample_rate\":16000}";
  }

  static boolean committed(String m) {
    return m.contains("committed_transcript");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "wss"})
  void aWholeSessionIsReadInOrder(String scheme) throws Exception {
    Events e = new Events();
    Connection c = connect(connector(true, 2), scheme, e);
    e.open.get(ANSWER_SECONDS, TimeUnit.SECONDS);
    for (int i = 0; i < CHUNKS; i++) {
      assertTrue(c.send(chunk(false)), "chunk " + i);
    }
    assertTrue(c.send(chunk(true)));
    e.await(InlineReadsTest::committed, "commit answer");
    assertTrue(e.messages.get(0).contains("session_started"), e.messages.toString());
    assertTrue(c.close(1000, "bye"));
    assertEquals("closed 1000", e.terminal.get(ANSWER_SECONDS, TimeUnit.SECONDS));
  }

  @ParameterizedTest
  @CsvSource({"ws,true", "wss,true", "ws,false", "wss,false"})
  void aListenerThatBlocksHoldsItsSelectorOnlyWithInlineReads(String scheme, boolean inline)
      throws Exception {
    JettyWebSocketConnector j = connector(inline, 1); // both connections on one selector
    Events other = new Events();
    Connection b = connect(j, scheme, other);
    other.await(m -> m.contains("session_started"), "session_started");
    other.settle(b);
    Events blocking = new Events();
    Connection a = connect(j, scheme, blocking);
    CountDownLatch release = new CountDownLatch(1);
    int answered = other.commits.get();
    try {
      blocking.open.get(ANSWER_SECONDS, TimeUnit.SECONDS);
      blocking.await(m -> m.contains("session_started"), "session_started");
      blocking.settle(a);
      blocking.holdNextCommit(release);
      assertTrue(a.send(chunk(true)), "a commit, whose answer the listener blocks on");
      assertTrue(blocking.holding.await(ANSWER_SECONDS, TimeUnit.SECONDS),
          "the blocking listener got its commit answer");
      assertTrue(b.send(chunk(true)), "a commit, which the server answers");
      if (inline) {
        // the selector that read the blocked message is held: nothing of the other connection
        // is read. Not timing-dependent: the answer cannot be read until the release
        Thread.sleep(HELD_MILLIS);
        assertEquals(answered, other.commits.get(),
            () -> "read while its selector was held: " + other.messages);
      } else {
        other.await(m -> other.commits.get() > answered,
            "commit answer while another listener blocks");
      }
    } finally {
      release.countDown();
    }
    other.await(m -> other.commits.get() > answered, "commit answer after the release");
    assertTrue(b.close(1000, "bye"));
    assertEquals("closed 1000", other.terminal.get(ANSWER_SECONDS, TimeUnit.SECONDS));
  }
}
