package io.voicewire.client.internal.transport;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/**
 * Opens {@link Connection}s with the JDK's {@code java.net.http.WebSocket}: handshake headers,
 * demand one message at a time ({@code request(1)}), a heartbeat ping with a pong deadline, and a
 * graceful close with a forced cancel after a timeout. Thread safe.
 */
public final class JdkWebSocketConnector implements Connector {
  private final HttpClient http;
  private final ScheduledExecutorService scheduler;
  private final Executor writer;
  private final Duration connectTimeout;
  private final long pingIntervalMillis;
  /** Connections not ended yet, for {@link #awaitClosing}. */
  private final LiveConnections live = new LiveConnections();
  private final long closeTimeoutMillis;
  private final LongSupplier nanoClock;

  /**
   * @param http the client whose executor runs the reader callbacks
   * @param scheduler runs heartbeats and close timeouts
   * @param writer runs socket writes (never on a caller's thread)
   * @param pingIntervalMillis heartbeat interval; 0 disables it
   * @param closeTimeoutMillis how long a graceful close waits for the peer's close frame
   */
  public JdkWebSocketConnector(HttpClient http, ScheduledExecutorService scheduler,
      Executor writer, Duration connectTimeout, long pingIntervalMillis, long closeTimeoutMillis,
      LongSupplier nanoClock) {
    this.http = Objects.requireNonNull(http, "http == null");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler == null");
    this.writer = Objects.requireNonNull(writer, "writer == null");
    this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout == null");
    this.pingIntervalMillis = pingIntervalMillis;
    this.closeTimeoutMillis = closeTimeoutMillis;
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock == null");
  }

  @Override
  public Connection connect(URI uri, Map<String, String> headers, ConnectionListener listener) {
    JdkWebSocketConnection c = live.add(new JdkWebSocketConnection(uri, listener, scheduler,
        writer, pingIntervalMillis, closeTimeoutMillis, nanoClock));
    c.start(http, connectTimeout, headers);
    return c;
  }

  @Override
  public void awaitClosing() throws InterruptedException {
    live.awaitClosing(closeTimeoutMillis);
  }
}
