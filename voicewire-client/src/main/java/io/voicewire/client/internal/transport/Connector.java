package io.voicewire.client.internal.transport;

import java.net.URI;
import java.util.Map;

/** Opens connections. The JDK WebSocket in production; an in-memory pair in tier-(b) tests. */
public interface Connector {
  /**
   * Starts opening a connection; events follow on {@code listener}. Never blocks on the network.
   *
   * @param headers handshake headers (e.g. {@code xi-api-key})
   */
  Connection connect(URI uri, Map<String, String> headers, ConnectionListener listener);

  /**
   * Waits, at most the connector's close timeout, for its connections whose graceful close is under
   * way (our close frame asked for, or announced by {@link Connection#closeFollows}) to end. The
   * client's close calls it before it stops its threads, so that a stream that ended normally just
   * before does not reach the server as a dropped connection (which a resumable server parks).
   * Connections not closing are not waited for.
   */
  default void awaitClosing() throws InterruptedException {}
}
