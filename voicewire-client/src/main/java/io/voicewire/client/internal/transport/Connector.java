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
}
