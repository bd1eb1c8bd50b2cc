package io.voicewire.server.internal;

import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The server's connector when WebSocket reads are dispatched (not inline, {@link
 * InlineReadConnector}): Jetty's, with endpoints that close with a lingering close ({@link
 * LingeringEndPoint}); {@link InlineReadConnector} reads differently. Thread safe.
 */
class LingeringConnector extends ServerConnector {
  LingeringConnector(Server server) {
    super(server);
  }

  /** With {@code selectors} selector threads (-1: Jetty's default). */
  LingeringConnector(Server server, int selectors) {
    super(server, -1, selectors);
  }

  @Override
  protected final SocketChannelEndPoint newEndPoint(SocketChannel channel,
      ManagedSelector selector, SelectionKey key) {
    SocketChannelEndPoint ep = endPoint(channel, selector, key);
    ep.setIdleTimeout(getIdleTimeout());
    return ep;
  }

  /** The endpoint of an accepted channel (a subclass may read differently). */
  LingeringEndPoint endPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) {
    return new LingeringEndPoint(channel, selector, key, getScheduler());
  }
}
