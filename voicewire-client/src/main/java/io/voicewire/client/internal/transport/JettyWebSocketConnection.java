package io.voicewire.client.internal.transport;

import io.voicewire.protocol.CloseCodes;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * A {@link Connection} on Jetty's WebSocket client, for servers (the relay): no writer thread and
 * no hand-off per message. Jetty's sends are asynchronous and never block, so a send goes to
 * Jetty's frame queue on the caller's thread, in order; inbound messages are read on demand, one
 * at a time, and delivered on Jetty's I/O thread. One-shot: once {@code terminal} is set it stays.
 *
 * <p>Concurrency: the base's {@code lock} guards the fields here, never across a listener call nor
 * across a send's hand-over to Jetty; {@code sendOrder} keeps concurrent sends (and the close after
 * them) in order during that non-blocking hand-over.
 * A send that fails reports the failure from the scheduler, never from inside the send. The
 * heartbeat runs on the scheduler. Public only because Jetty invokes the listener methods
 * reflectively.
 */
public final class JettyWebSocketConnection extends BaseConnection<Session>
    implements Session.Listener {
  /**
   * Orders senders' hand-over to Jetty (a send, then the close) without the state lock, which is
   * then never held across Jetty's write (that may run the socket write on the caller's thread):
   * the reader's per-message demand does not wait for a sender. Taken before the state lock, never
   * while holding it.
   */
  private final ReentrantLock sendOrder = new ReentrantLock();
  /** Messages sent before the socket opened, in order. */
  private final ArrayDeque<String> early = new ArrayDeque<>();

  JettyWebSocketConnection(URI uri, ConnectionListener listener,
      ScheduledExecutorService scheduler, long pingIntervalMillis, long closeTimeoutMillis,
      LongSupplier nanoClock) {
    super(uri, listener, scheduler, pingIntervalMillis, closeTimeoutMillis, nanoClock);
  }

  void start(WebSocketClient client, Map<String, String> headers) {
    ClientUpgradeRequest req = new ClientUpgradeRequest();
    headers.forEach((k, v) -> req.setHeader(k, v));
    CompletableFuture<Session> f;
    try {
      f = client.connect(this, uri, req);
    } catch (IOException | RuntimeException e) {
      failed(e, 0);
      return;
    }
    handshakeStarted(f);
  }

  // --- outbound ---

  @Override
  public boolean send(String text) {
    sendOrder.lock();
    try {
      Session s;
      lock.lock();
      try {
        if (!admitLocked(text.length())) {
          return false;
        }
        s = socket;
        if (s == null) {
          early.add(text);
          return true;
        }
      } finally {
        lock.unlock();
      }
      write(s, text);
      return true;
    } finally {
      sendOrder.unlock();
    }
  }

  /**
   * Hands one message to Jetty. {@link #sendOrder} held (keeps the order of concurrent senders),
   * or the state lock at open (the messages sent before it).
   */
  private void write(Session s, String text) {
    int n = text.length();
    try {
      s.sendText(text, Callback.from(() -> written(n), this::writeFailed));
    } catch (RuntimeException e) {
      writeFailed(e);
    }
  }

  private void written(int chars) {
    wrote();
    writtenChars(chars);
  }

  private void writeFailed(Throwable t) {
    // possibly inside send(), under the caller's locks: report from another thread
    try {
      scheduler.execute(() -> failed(t, 0));
    } catch (RejectedExecutionException clientClosed) {
      failed(t, 0);
    }
  }

  @Override
  public boolean close(int code, String reason) {
    Session s;
    sendOrder.lock(); // after every message admitted before it
    lock.lock();
    try {
      if (!closeRequestedLocked()) {
        return false;
      }
      s = socket;
      if (s != null && !scheduleCloseTimeoutLocked()) {
        s = null; // the client is shutting down: no graceful close
      }
      if (s != null) {
        // queued behind the messages already handed to Jetty
        s.close(code, reason == null ? "" : reason, Callback.NOOP);
      }
    } finally {
      lock.unlock();
      sendOrder.unlock();
    }
    if (s == null) {
      failed(new IOException("closed while connecting, or the client is shutting down"), 0);
    }
    return true;
  }

  // --- transport hooks ---

  @Override
  void demand(Session s) {
    s.demand();
  }

  @Override
  void ping(Session s, ByteBuffer payload) {
    s.sendPing(payload, Callback.NOOP);
  }

  @Override
  void abort(Session s) {
    s.disconnect();
  }

  @Override
  void clearOutbound() {
    early.clear();
  }

  // --- Session.Listener (Jetty's I/O threads, one event at a time) ---

  @Override
  public void onWebSocketOpen(Session s) {
    MaskKeys.install(s); // before the first frame of ours
    opened(s, () -> {
      for (String text; (text = early.poll()) != null; ) {
        write(s, text);
      }
      return false;
    }, () -> { });
  }

  @Override
  public void onWebSocketText(String message) {
    received(message);
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback cb) {
    // the protocol has no binary messages (PROTOCOL.md §1.2): ignore them
    cb.succeed();
    afterMessage();
  }

  @Override
  public void onWebSocketPong(ByteBuffer payload) {
    pongReceived(payload);
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    if (statusCode == CloseCodes.ABNORMAL) {
      // Jetty's name for "the connection dropped without a close frame": a failure, as on the JDK
      failed(new IOException("connection lost"
          + (reason == null || reason.isEmpty() ? "" : ": " + reason)), 0);
      return;
    }
    closedByPeer(statusCode, reason);
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    failed(cause, handshakeStatus(cause));
  }

  /** The HTTP status of a refused handshake anywhere in the cause chain, else 0. */
  @Override
  int handshakeStatus(Throwable t) {
    for (int depth = 0; t != null && depth < 8; t = t.getCause(), depth++) {
      if (t instanceof UpgradeException u && u.getResponseStatusCode() > 0) {
        return u.getResponseStatusCode();
      }
      if (t instanceof org.eclipse.jetty.websocket.core.exception.UpgradeException u
          && u.getResponseStatusCode() > 0) {
        return u.getResponseStatusCode();
      }
    }
    return 0;
  }
}
