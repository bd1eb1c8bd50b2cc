package io.voicewire.client.internal.transport;

import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import org.eclipse.jetty.io.ClientConnectionFactory;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.io.ssl.SslClientConnectionFactory;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.websocket.core.WebSocketConnection;

/**
 * The Jetty client's connector for {@link JettyWebSocketConnector} with inline reads: a WebSocket
 * connection reads its frames on the selector thread, with no hand-off to a pool thread per
 * readable socket. Jetty registers a WebSocket connection's read callback as {@code BLOCKING},
 * which dispatches every read; here it is registered as {@code NON_BLOCKING}, so it runs in
 * Jetty's produce-consume mode. Over TLS ({@code wss}) the callback is registered with the
 * decrypting endpoint, whose network read callback takes its invocation type, so the record is
 * decrypted and the frame read on the selector thread too. The HTTP upgrade before it keeps
 * Jetty's dispatch.
 *
 * <p>The listener callbacks of {@link JettyWebSocketConnection} never block (sends are
 * asynchronous enqueues; a failure is reported from the scheduler), so a relay's upstream
 * message goes to its client on the thread that read it. A listener that blocked would stall
 * every connection of its selector, so only the relay's own upstream client asks for this
 * ({@code VoiceClient.Builder.inlineReads}); {@value #PROPERTY}, when set, decides for every
 * connector of the JVM (docs/bench-relay.md). Thread safe.
 */
final class InlineReadClientConnector extends ClientConnector {
  /** The system property that, when set, turns inline reads on or off for every connector. */
  static final String PROPERTY = "voicewire.relay.inlineClientReads";

  /** The system property that sets the number of selector threads (else one per core). */
  static final String SELECTORS_PROPERTY = "voicewire.relay.inlineSelectors";

  /** Whether a connector reads inline: {@value #PROPERTY} when set, else {@code asked}. */
  static boolean enabled(boolean asked) {
    String p = System.getProperty(PROPERTY);
    return p == null || p.isBlank() ? asked : Boolean.parseBoolean(p.trim());
  }

  /** The selector threads of an inline connector: {@value #SELECTORS_PROPERTY}, else the cores. */
  static int selectors() {
    return Math.max(1, Integer.getInteger(SELECTORS_PROPERTY,
        Runtime.getRuntime().availableProcessors()));
  }

  /** @param selectors the selectors do the relaying: one per core (Jetty's default is one) */
  InlineReadClientConnector(int selectors) {
    setSelectors(Math.max(1, selectors));
  }

  @Override
  protected EndPoint newEndPoint(SelectableChannel channel, ManagedSelector selector,
      SelectionKey key) {
    if (!(channel instanceof SocketChannel sc)) {
      return super.newEndPoint(channel, selector, key);
    }
    return new SocketChannelEndPoint(sc, selector, key, getScheduler()) {
      private final ReadCallbacks reads = new ReadCallbacks();

      @Override
      public void fillInterested(Callback read) {
        super.fillInterested(reads.of(getConnection(), read));
      }
    };
  }

  @Override
  public ClientConnectionFactory newSslClientConnectionFactory(
      SslContextFactory.Client sslContextFactory, ClientConnectionFactory factory) {
    SslContextFactory.Client tls = sslContextFactory != null
        ? sslContextFactory : getSslContextFactory();
    return new SslClientConnectionFactory(tls, getByteBufferPool(), getExecutor(), factory) {
      @Override
      protected SslConnection newSslConnection(EndPoint endPoint, SSLEngine engine) {
        return new SslConnection(getByteBufferPool(), getExecutor(), getSslContextFactory(),
            endPoint, engine, isDirectBuffersForEncryption(), isDirectBuffersForDecryption()) {
          @Override
          protected SslEndPoint newSslEndPoint() {
            return new SslEndPoint() {
              private final ReadCallbacks reads = new ReadCallbacks();

              @Override
              public void fillInterested(Callback read) {
                super.fillInterested(reads.of(getConnection(), read));
              }
            };
          }
        };
      }
    };
  }

  /**
   * One endpoint's read callback as registered: a WebSocket connection's wrapped as
   * non-blocking (made once, as the connection registers the same callback each time), any
   * other connection's (the HTTP upgrade) as it is. Called by the endpoint's reader only.
   */
  private static final class ReadCallbacks {
    /** The connection's read callback and its non-blocking wrapper; null until the first. */
    private volatile Callback[] wrapped;

    Callback of(Connection connection, Callback read) {
      // only AbstractConnection.fillInterested() comes here for a WebSocket connection
      if (!(connection instanceof WebSocketConnection)) {
        return read;
      }
      Callback[] w = wrapped;
      if (w == null || w[0] != read) {
        w = new Callback[] {read, Callback.from(Invocable.InvocationType.NON_BLOCKING,
            read::succeeded, read::failed)};
        wrapped = w;
      }
      return w[1];
    }
  }
}
