package io.voicewire.server.internal;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Request;

/**
 * Notices that the client of an HTTP request is gone while its answer is still being made, and
 * runs {@code gone} once. HTTP/1.1 has no message for "I left", and Jetty does not read a
 * connection whose request body is consumed until the answer is complete, so a disconnect would
 * otherwise show only at the answer's first write: for a whole-file answer, after all of it was
 * synthesised for nobody. Three signals:
 * <ul>
 *   <li>Jetty's request failure listener (an idle timeout, an abort);
 *   <li>the connection's close listener;
 *   <li>{@link #poll}, a probe that asks the operating system without reading: the connection
 *       is readable (on a selector of its own, beside Jetty's) yet holds no byte, which is the
 *       end of the stream or a reset. Readable with bytes (a pipelined next request) is no loss,
 *       and nothing is consumed. On a transport that is not a socket channel the probe stays
 *       silent and the other two signals remain.
 * </ul>
 *
 * <pre>{@code
 * try (ClientWatch w = ClientWatch.start(ex.request, session::cancel)) {
 *   while (working) { w.poll(); ... }   // the request's thread, every CLIENT_POLL_MILLIS or so
 * }
 * }</pre>
 *
 * <p>Thread safety: {@code gone} runs at most once, on a Jetty thread or the polling thread, and
 * must not block; {@link #poll} and {@link #close} belong to the request's own thread.
 */
final class ClientWatch implements AutoCloseable {
  private final Connection connection;
  private final Connection.Listener closeListener;
  private final SocketChannel channel;
  private final AtomicBoolean fired = new AtomicBoolean();
  private final Runnable gone;
  private Selector selector;
  private boolean probeBroken;

  private ClientWatch(Request request, Runnable gone) {
    this.gone = gone;
    this.connection = request.getConnectionMetaData().getConnection();
    this.channel = connection.getEndPoint().getTransport() instanceof SocketChannel sc ? sc : null;
    this.closeListener = new Connection.Listener() {
      @Override
      public void onClosed(Connection c) {
        fire();
      }
    };
  }

  /** Watches {@code request}'s client from now on. */
  static ClientWatch start(Request request, Runnable gone) {
    ClientWatch w = new ClientWatch(request, gone);
    request.addFailureListener(failure -> w.fire());
    w.connection.addEventListener(w.closeListener);
    if (!w.connection.getEndPoint().isOpen()) {
      w.fire(); // lost before the listeners were in place
    }
    return w;
  }

  /** Whether {@code gone} has run. */
  boolean isGone() {
    return fired.get();
  }

  /** Probes the connection (never blocks); runs {@code gone} if the client left. */
  void poll() {
    if (!fired.get() && probe()) {
      fire();
    }
  }

  private void fire() {
    if (fired.compareAndSet(false, true)) {
      gone.run();
    }
  }

  private boolean probe() {
    if (channel == null || probeBroken) {
      return false;
    }
    if (!channel.isOpen()) {
      return true;
    }
    try {
      if (selector == null) {
        selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
      }
      boolean[] readable = new boolean[1];
      selector.selectNow(k -> readable[0] = k.isValid() && k.isReadable());
      return readable[0] && channel.socket().getInputStream().available() == 0;
    } catch (IOException e) {
      return true; // reset, or closed meanwhile
    } catch (RuntimeException e) {
      probeBroken = true; // a channel this probe cannot watch (blocking mode, say): no verdict
      return false;
    }
  }

  /** The answer is done: a kept-alive connection's later close is not this request's. */
  @Override
  public void close() {
    fired.set(true);
    connection.removeEventListener(closeListener);
    if (selector != null) {
      try {
        selector.close(); // deregisters the channel from this selector only
      } catch (IOException ignored) {
        // nothing is held
      }
    }
  }
}
