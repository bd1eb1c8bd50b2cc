package io.voicewire.client.internal.transport;

import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.websocket.core.WebSocketConnection;

/**
 * The Jetty client's connector for {@link JettyWebSocketConnector}: a plain-TCP WebSocket
 * connection reads its frames on the selector thread, with no hand-off to a pool thread per
 * readable socket (Jetty registers a WebSocket connection's read callback as {@code BLOCKING},
 * which dispatches every read; here it runs in Jetty's produce-consume mode). The listener
 * callbacks of {@link JettyWebSocketConnection} never block (sends are asynchronous enqueues; a
 * failure is reported from the scheduler), so a relay's upstream message goes to its client on
 * the thread that read it. TLS connections ({@code wss}) and HTTP keep Jetty's dispatch.
 * Opt-in ({@value #PROPERTY}{@code =true}): a listener that waits for a lock stalls every
 * connection of its selector (docs/bench-relay.md). Thread safe.
 */
final class InlineReadClientConnector extends ClientConnector {
  /** The system property that turns inline reads on. */
  static final String PROPERTY = "voicewire.relay.inlineClientReads";

  /** The system property that sets the number of selector threads (else one per core). */
  static final String SELECTORS_PROPERTY = "voicewire.relay.inlineSelectors";

  InlineReadClientConnector() {
    // the selectors do the relaying: one per core (Jetty's default is one for all)
    setSelectors(Math.max(1, Integer.getInteger(SELECTORS_PROPERTY,
        Runtime.getRuntime().availableProcessors())));
  }

  @Override
  protected EndPoint newEndPoint(SelectableChannel channel, ManagedSelector selector,
      SelectionKey key) {
    if (!(channel instanceof SocketChannel sc)) {
      return super.newEndPoint(channel, selector, key);
    }
    return new SocketChannelEndPoint(sc, selector, key, getScheduler()) {
      /** The read callback the connection registers each time, as non-blocking; or null. */
      private volatile Callback[] wrapped;

      @Override
      public void fillInterested(Callback read) {
        // only AbstractConnection.fillInterested() comes here for a WebSocket connection
        Callback[] w = wrapped;
        if (getConnection() instanceof WebSocketConnection && (w == null || w[0] != read)) {
          w = new Callback[] {read, Callback.from(Invocable.InvocationType.NON_BLOCKING,
              read::succeeded, read::failed)};
          wrapped = w;
        }
        super.fillInterested(getConnection() instanceof WebSocketConnection ? w[1] : read);
      }
    };
  }
}
