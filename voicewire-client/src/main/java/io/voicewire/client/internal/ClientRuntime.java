package io.voicewire.client.internal;

import io.voicewire.client.internal.http.HttpApi;
import io.voicewire.client.internal.transport.ConnectionTiming;
import io.voicewire.client.internal.transport.Connector;
import io.voicewire.client.internal.transport.JdkWebSocketConnector;
import io.voicewire.client.internal.transport.JettyWebSocketConnector;
import java.net.http.HttpClient;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one {@code VoiceClient} owns and starts from its {@link ClientConfig}: the scheduler
 * thread, the HTTP client and its reader threads, the virtual-thread executor for callbacks and
 * blocking work, and the WebSocket connector; and what it builds on them: the streams'
 * {@link ClientContext} and the REST {@link HttpApi}, handed out only while the client is open
 * (the one place that refuses a closed client). What the caller gave (a scheduler, an HTTP
 * client) is used and never shut down. Thread safe; {@link #close()} is idempotent.
 */
public final class ClientRuntime implements AutoCloseable {
  private final ClientContext context;
  private final HttpApi api;
  private final HttpClient http;
  private final ExecutorService ownedHttpExecutor;
  private final ScheduledExecutorService ownedScheduler;
  private final AutoCloseable ownedConnector;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Starts the threads that {@code c} does not supply. */
  public ClientRuntime(ClientConfig c) {
    ExecutorService httpExec = null;
    HttpClient h = c.httpClient();
    if (h == null) {
      httpExec = Executors.newCachedThreadPool(named("VoiceClient http-"));
      h = HttpClient.newBuilder().connectTimeout(c.connectTimeout()).executor(httpExec)
          .followRedirects(HttpClient.Redirect.NORMAL).build();
    }
    this.ownedHttpExecutor = httpExec;
    this.http = h;
    ScheduledExecutorService sched = c.scheduler();
    if (sched == null) {
      ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1,
          named("VoiceClient scheduler"));
      s.setRemoveOnCancelPolicy(true);
      sched = s;
      this.ownedScheduler = s;
    } else {
      this.ownedScheduler = null;
    }
    ExecutorService virt = Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name("VoiceClient task-", 0).factory());
    Executor callbacks = c.callbackExecutor() != null ? c.callbackExecutor() : virt;
    Connector connector = c.connector();
    AutoCloseable owned = null;
    ConnectionTiming timing = new ConnectionTiming(sched, c.connectTimeout(),
        c.pingInterval().toMillis(), c.closeTimeout().toMillis(), c.nanoClock());
    if (connector == null && c.jetty()) {
      JettyWebSocketConnector jetty = new JettyWebSocketConnector(timing, c.inlineReads());
      connector = jetty;
      owned = jetty;
    } else if (connector == null) {
      connector = new JdkWebSocketConnector(h, virt, timing);
    }
    this.ownedConnector = owned;
    this.context = new ClientContext(c.baseUrl(), c.apiKey(), c.tokenSupplier(), connector,
        sched, callbacks, virt, c.random(), c.nanoClock(), c.reconnectPolicy(),
        c.finishTimeout(), c.ttsInactivityTimeout(), c.sttKeepAlive(), c.sttReplayLimit(),
        c.contextWaitTimeout(), c.sttResume().appliesTo(c.baseUrl()));
    this.api = new HttpApi(h, c.baseUrl(), c.apiKey(), c.requestTimeout());
  }

  /** A daemon thread factory; a prefix ending in {@code -} gets a counter. */
  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix.endsWith("-") ? prefix + n.incrementAndGet() : prefix);
      t.setDaemon(true);
      return t;
    };
  }

  /** Whether Jetty's WebSocket client, the optional transport, is on the class path. */
  public static boolean jettyOnClassPath() {
    try {
      Class.forName("org.eclipse.jetty.websocket.client.WebSocketClient", false,
          ClientRuntime.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * What the streams share: every stream starts here.
   *
   * @throws IllegalStateException when the client is closed
   */
  public ClientContext context() {
    checkOpen();
    return context;
  }

  /**
   * The REST endpoints: every HTTP call starts here.
   *
   * @throws IllegalStateException when the client is closed
   */
  public HttpApi api() {
    checkOpen();
    return api;
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("VoiceClient is closed");
    }
  }

  /**
   * Stops the owned threads; open streams fail. First, connections whose graceful close is under
   * way (a stream that ended just before) get up to the close timeout to finish it. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      context.connector().awaitClosing();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // stopping at once, as asked
    }
    if (ownedScheduler != null) {
      ownedScheduler.shutdownNow(); // first: streams that lose their socket then cannot retry
    }
    if (ownedConnector != null) {
      try {
        ownedConnector.close();
      } catch (Exception ignored) {
        // closing anyway
      }
    }
    // the virtual-thread executor holds no threads when idle and is not shut down: streams that
    // fail because of this close still deliver their terminal callback through it
    if (ownedHttpExecutor != null) {
      http.shutdownNow();
      ownedHttpExecutor.shutdownNow();
    }
  }
}
