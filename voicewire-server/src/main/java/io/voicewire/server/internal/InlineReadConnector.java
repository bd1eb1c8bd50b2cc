package io.voicewire.server.internal;

import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.websocket.core.WebSocketConnection;

/**
 * A connector whose WebSocket connections read their frames on the selector thread: no hand-off
 * to a pool thread per readable socket (the relay's hot path, issue #14). Jetty dispatches every
 * read of a WebSocket connection to its pool because the connection's read callback is
 * {@code BLOCKING}; this endpoint registers that callback as {@code NON_BLOCKING}, so the selector
 * runs it at once (Jetty's produce-consume mode), the frame handlers' writes to the other socket
 * included. HTTP requests (and the upgrade itself) are dispatched as before. Its endpoints
 * close with a lingering close ({@link LingeringEndPoint}), as the other connector's.
 *
 * <p>On by default where no WebSocket handler can block: a provider whose calls never block
 * ({@code SpeechProvider.nonBlockingCalls}: the relay) and no Redis (a credential or permit check
 * may ask it on a frame); {@value #PROPERTY}{@code =false} turns it off. A handler that waited,
 * even for a lock another thread holds, would stall every socket of its selector: the relay's
 * hot path takes no lock a selector could park on (docs/bench-relay.md). On a quiet 2-core
 * machine it cut the relay's added p99 at 400 streams from 238 to 17 ms and its CPU per chunk by
 * 14–23 % (docs/bench-relay.md, 2026-12-04 18:40). Thread safe (an endpoint's fill interest is
 * registered by one thread at a time).
 */
final class InlineReadConnector extends LingeringConnector {

  /** The system property that turns inline reads off ({@code false}) for a relay. */
  static final String PROPERTY = "voicewire.relay.inlineReads";

  /** The system property that sets the number of selector threads (inline reads only). */
  static final String SELECTORS_PROPERTY = "voicewire.relay.inlineSelectors";

  /**
   * Selector threads: they do all the relaying, so by default one per core (Jetty's default is
   * half the cores, for selectors that only dispatch); {@value #SELECTORS_PROPERTY} sets another
   * count.
   */
  static final int SELECTORS = Math.max(1, Integer.getInteger(SELECTORS_PROPERTY,
      Runtime.getRuntime().availableProcessors()));

  /** Whether a server with this provider (and Redis or not) reads inline. */
  static boolean enabled(boolean providerNeverBlocks, boolean redis) {
    return enabled(providerNeverBlocks, redis, System.getProperty(PROPERTY));
  }

  /** {@link #enabled(boolean, boolean)} with the property's value (null when unset). */
  static boolean enabled(boolean providerNeverBlocks, boolean redis, String property) {
    return providerNeverBlocks && !redis && !"false".equalsIgnoreCase(property);
  }

  InlineReadConnector(Server server) {
    super(server, SELECTORS);
  }

  @Override
  LingeringEndPoint endPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key) {
    return new Inline(channel, selector, key, getScheduler());
  }

  /** The endpoint: a WebSocket connection's read callback runs on the selector thread. */
  private static final class Inline extends LingeringEndPoint {
    /** The last callback wrapped (a connection registers the same one each time). */
    private volatile NonBlockingRead last;

    Inline(SocketChannel channel, ManagedSelector selector, SelectionKey key,
        Scheduler scheduler) {
      super(channel, selector, key, scheduler);
    }

    /** Only {@code AbstractConnection.fillInterested()} registers a WebSocket read here. */
    @Override
    public void fillInterested(Callback callback) {
      super.fillInterested(inline(callback));
    }

    private Callback inline(Callback callback) {
      if (!(getConnection() instanceof WebSocketConnection)) {
        return callback;
      }
      NonBlockingRead w = last;
      if (w == null || w.read() != callback) {
        w = new NonBlockingRead(callback);
        last = w;
      }
      return w;
    }
  }

  /** A read callback that says it does not block. */
  private record NonBlockingRead(Callback read) implements Callback {
    @Override
    public void succeeded() {
      read.succeeded();
    }

    @Override
    public void failed(Throwable x) {
      read.failed(x);
    }

    @Override
    public Invocable.InvocationType getInvocationType() {
      return Invocable.InvocationType.NON_BLOCKING;
    }
  }
}
