package io.voicewire.client.internal.transport;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Opens {@link Connection}s with the JDK's {@code java.net.http.WebSocket}: handshake headers,
 * demand one message at a time ({@code request(1)}), a heartbeat ping with a pong deadline, and a
 * graceful close with a forced cancel after a timeout. Thread safe.
 */
public final class JdkWebSocketConnector implements Connector {
  private final HttpClient http;
  private final Executor writer;
  private final ConnectionTiming timing;
  /** Connections not ended yet, for {@link #awaitClosing}. */
  private final LiveConnections live = new LiveConnections();

  /**
   * @param http the client whose executor runs the reader callbacks
   * @param writer runs socket writes (never on a caller's thread)
   */
  public JdkWebSocketConnector(HttpClient http, Executor writer, ConnectionTiming timing) {
    this.http = Objects.requireNonNull(http, "http == null");
    this.writer = Objects.requireNonNull(writer, "writer == null");
    this.timing = Objects.requireNonNull(timing, "timing == null");
  }

  @Override
  public Connection connect(URI uri, Map<String, String> headers, ConnectionListener listener) {
    JdkWebSocketConnection c = live.add(new JdkWebSocketConnection(uri, listener, timing,
        writer));
    c.start(http, timing.connectTimeout(), headers);
    return c;
  }

  @Override
  public void awaitClosing() throws InterruptedException {
    live.awaitClosing(timing.closeTimeoutMillis());
  }
}
