package io.voicewire.client.internal.transport;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * Opens {@link Connection}s on Jetty's WebSocket client (see {@link JettyWebSocketConnection}):
 * the transport for servers that relay many streams. Owns one started {@link WebSocketClient}
 * (its own selector and a small named thread pool) until {@link #close()}. With inline reads (the
 * relay's upstream client asks for them; {@value InlineReadClientConnector#PROPERTY}, when set,
 * decides for every connector of the JVM) its WebSocket connections read on the selector threads
 * ({@link InlineReadClientConnector}). Thread safe.
 */
public final class JettyWebSocketConnector implements Connector, AutoCloseable {
  /** Most threads of the client's pool (selector, reads and completions; sends need none). */
  public static final int MAX_THREADS = 32;

  private final WebSocketClient client;
  private final ConnectionTiming timing;
  /** Connections not ended yet, for {@link #awaitClosing}. */
  private final LiveConnections live = new LiveConnections();

  /**
   * Starts the client, with every read handed to a pool thread unless {@value
   * InlineReadClientConnector#PROPERTY}{@code =true}.
   */
  public JettyWebSocketConnector(ConnectionTiming timing) {
    this(timing, false);
  }

  /**
   * Starts the client.
   *
   * @param inlineReads read WebSocket frames on the selector threads: only for listeners that
   *     never block ({@link InlineReadClientConnector}); {@value
   *     InlineReadClientConnector#PROPERTY}, when set, decides instead
   */
  public JettyWebSocketConnector(ConnectionTiming timing, boolean inlineReads) {
    this(timing, InlineReadClientConnector.enabled(inlineReads),
        InlineReadClientConnector.selectors(), null);
  }

  /**
   * For tests: {@code selectors} selector threads for inline reads, and TLS connections that
   * trust {@code tls} (else the JVM's default trust).
   */
  JettyWebSocketConnector(ConnectionTiming timing, boolean inlineReads, int selectors,
      SSLContext tls) {
    this.timing = Objects.requireNonNull(timing, "timing == null");
    QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, 2);
    pool.setName("VoiceClient jetty");
    pool.setDaemon(true);
    ClientConnector io = inlineReads
        ? new InlineReadClientConnector(selectors) : new ClientConnector();
    io.setExecutor(pool);
    if (tls != null) {
      SslContextFactory.Client f = new SslContextFactory.Client();
      f.setSslContext(tls);
      io.setSslContextFactory(f);
    }
    HttpClient http = new HttpClient(new HttpClientTransportOverHTTP(io));
    http.setExecutor(pool);
    http.setConnectTimeout(timing.connectTimeout().toMillis());
    WebSocketClient c = new WebSocketClient(http);
    c.setConnectTimeout(timing.connectTimeout().toMillis());
    c.setIdleTimeout(Duration.ZERO); // liveness is the heartbeat's job, as on the JDK transport
    c.setMaxTextMessageSize(JdkWebSocketConnection.MAX_MESSAGE_CHARS);
    c.setStopAtShutdown(false);
    try {
      c.start();
    } catch (Exception e) {
      throw new IllegalStateException("could not start the Jetty WebSocket client", e);
    }
    this.client = c;
  }

  @Override
  public Connection connect(URI uri, Map<String, String> headers, ConnectionListener listener) {
    JettyWebSocketConnection c = live.add(new JettyWebSocketConnection(uri, listener, timing));
    c.start(client, headers);
    return c;
  }

  /** Stops the client: its connections drop. */
  @Override
  public void close() {
    try {
      client.stop();
    } catch (Exception ignored) {
      // stopping anyway
    }
  }

  @Override
  public void awaitClosing() throws InterruptedException {
    live.awaitClosing(timing.closeTimeoutMillis());
  }
}
