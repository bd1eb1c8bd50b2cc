package io.voicewire.client.internal;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
 * <p>Concurrency: {@link #lock} guards the fields below it. It is held while a message is handed
 * to Jetty (a non-blocking enqueue; that keeps sends in order) and never across a listener call.
 * A send that fails reports the failure from the scheduler, never from inside the send. The
 * heartbeat runs on the scheduler. Public only because Jetty invokes the listener methods
 * reflectively.
 */
public final class JettyWebSocketConnection implements Connection, Session.Listener {
  private final URI uri;
  private final ConnectionListener listener;
  private final ScheduledExecutorService scheduler;
  private final long pingIntervalMillis;
  private final long closeTimeoutMillis;
  private final LongSupplier nanoClock;

  private final ReentrantLock lock = new ReentrantLock();
  private CompletableFuture<Session> pending;
  private Session session;
  /** Messages sent before the socket opened, in order. */
  private final ArrayDeque<String> early = new ArrayDeque<>();
  private long queuedChars;
  private boolean closeEnqueued;
  private boolean terminal;
  private boolean readPaused;
  private boolean demandOutstanding;
  private boolean awaitingPong;
  private int sentPings;
  private int receivedPongs;
  private long pingSentNanos;
  private ScheduledFuture<?> pingTask;
  private ScheduledFuture<?> cancelTask;

  JettyWebSocketConnection(URI uri, ConnectionListener listener,
      ScheduledExecutorService scheduler, long pingIntervalMillis, long closeTimeoutMillis,
      LongSupplier nanoClock) {
    this.uri = uri;
    this.listener = listener;
    this.scheduler = scheduler;
    this.pingIntervalMillis = pingIntervalMillis;
    this.closeTimeoutMillis = closeTimeoutMillis;
    this.nanoClock = nanoClock;
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
    lock.lock();
    try {
      pending = f;
    } finally {
      lock.unlock();
    }
    f.whenComplete((s, ex) -> {
      if (ex != null) {
        Throwable cause = unwrap(ex);
        failed(cause, handshakeStatus(cause));
      }
    });
  }

  @Override
  public String describe() {
    return Urls.redact(uri);
  }

  // --- outbound ---

  @Override
  public boolean send(String text) {
    lock.lock();
    try {
      if (terminal || closeEnqueued) {
        return false;
      }
      if (queuedChars + text.length() > MAX_QUEUED_CHARS) {
        return false;
      }
      queuedChars += text.length();
      if (session == null) {
        early.add(text);
      } else {
        write(session, text);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Hands one message to Jetty. Lock held (keeps the order of concurrent senders). */
  private void write(Session s, String text) {
    int n = text.length();
    try {
      s.sendText(text, Callback.from(() -> written(n), this::writeFailed));
    } catch (RuntimeException e) {
      writeFailed(e);
    }
  }

  private void written(int chars) {
    lock.lock();
    try {
      queuedChars = Math.max(0, queuedChars - chars);
    } finally {
      lock.unlock();
    }
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
  public long queuedChars() {
    lock.lock();
    try {
      return queuedChars;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean close(int code, String reason) {
    Session s;
    lock.lock();
    try {
      if (terminal || closeEnqueued) {
        return false;
      }
      closeEnqueued = true;
      s = session;
      if (s != null) {
        try {
          cancelTask = scheduler.schedule(() -> failed(new SocketTimeoutException(
              "peer did not close within " + closeTimeoutMillis + " ms of our close frame"), 0),
              closeTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException clientClosed) {
          s = null; // the client is shutting down: no graceful close
        }
      }
      if (s != null) {
        // queued behind the messages already handed to Jetty
        s.close(code, reason == null ? "" : reason, Callback.NOOP);
      }
    } finally {
      lock.unlock();
    }
    if (s == null) {
      failed(new IOException("closed while connecting, or the client is shutting down"), 0);
    }
    return true;
  }

  @Override
  public void cancel() {
    failed(new IOException("Canceled"), 0);
  }

  // --- inbound flow control ---

  @Override
  public void pauseReading() {
    lock.lock();
    try {
      readPaused = true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void resumeReading() {
    Session s;
    lock.lock();
    try {
      if (!readPaused) {
        return;
      }
      readPaused = false;
      if (terminal || session == null || demandOutstanding) {
        return;
      }
      demandOutstanding = true;
      s = session;
    } finally {
      lock.unlock();
    }
    s.demand();
  }

  private void afterMessage() {
    Session s;
    lock.lock();
    try {
      if (terminal) {
        return;
      }
      if (readPaused) {
        demandOutstanding = false;
        return;
      }
      demandOutstanding = true;
      s = session;
    } finally {
      lock.unlock();
    }
    s.demand();
  }

  // --- Session.Listener (Jetty's I/O threads, one event at a time) ---

  @Override
  public void onWebSocketOpen(Session s) {
    boolean demand;
    boolean shuttingDown = false;
    lock.lock();
    try {
      if (terminal) {
        s.disconnect();
        return;
      }
      session = s;
      for (String text; (text = early.poll()) != null; ) {
        write(s, text);
      }
      if (pingIntervalMillis > 0) {
        try {
          pingTask = scheduler.scheduleAtFixedRate(this::ping, pingIntervalMillis,
              pingIntervalMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException clientClosed) {
          shuttingDown = true;
        }
      }
      demand = !readPaused;
      demandOutstanding = demand;
    } finally {
      lock.unlock();
    }
    if (shuttingDown) {
      failed(new IOException("the client is shutting down"), 0);
      return;
    }
    listener.onOpen(this);
    if (demand) {
      s.demand();
    }
  }

  @Override
  public void onWebSocketText(String message) {
    if (!isTerminal()) {
      listener.onMessage(this, message);
    }
    afterMessage();
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, org.eclipse.jetty.websocket.api.Callback cb) {
    // the protocol has no binary messages (PROTOCOL.md §1.2): ignore them
    cb.succeed();
    afterMessage();
  }

  @Override
  public void onWebSocketPong(ByteBuffer payload) {
    long rtt;
    lock.lock();
    try {
      awaitingPong = false;
      receivedPongs++;
      rtt = nanoClock.getAsLong() - pingSentNanos;
    } finally {
      lock.unlock();
    }
    listener.onRoundTrip(rtt);
    afterMessage();
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    lock.lock();
    try {
      if (terminal) {
        return;
      }
      terminal = true;
      cancelTimers();
    } finally {
      lock.unlock();
    }
    if (statusCode == 1006) {
      // Jetty's name for "the connection dropped without a close frame": a failure, as on the JDK
      listener.onFailure(this, new IOException("connection lost"
          + (reason == null || reason.isEmpty() ? "" : ": " + reason)), 0);
      return;
    }
    listener.onClosed(this, statusCode, reason == null ? "" : reason);
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    failed(cause, handshakeStatus(cause));
  }

  // --- heartbeat ---

  private void ping() {
    Session s;
    int pongs;
    boolean missed;
    lock.lock();
    try {
      if (terminal || session == null) {
        return;
      }
      if (readPaused) {
        awaitingPong = false; // a pong could not be read while we do not read: skip this beat
        return;
      }
      missed = awaitingPong;
      pongs = receivedPongs;
      if (!missed) {
        awaitingPong = true;
        sentPings++;
        pingSentNanos = nanoClock.getAsLong();
      }
      s = session;
    } finally {
      lock.unlock();
    }
    if (missed) {
      failed(new SocketTimeoutException("sent ping but didn't receive pong within "
          + pingIntervalMillis + "ms (after " + pongs + " successful ping/pongs)"), 0);
      return;
    }
    s.sendPing(ByteBuffer.allocate(0), Callback.NOOP);
  }

  /** For testing: pings sent. */
  int sentPingCount() {
    lock.lock();
    try {
      return sentPings;
    } finally {
      lock.unlock();
    }
  }

  /** For testing: pongs received. */
  int receivedPongCount() {
    lock.lock();
    try {
      return receivedPongs;
    } finally {
      lock.unlock();
    }
  }

  // --- failure ---

  private boolean isTerminal() {
    lock.lock();
    try {
      return terminal;
    } finally {
      lock.unlock();
    }
  }

  private void cancelTimers() {
    assert lock.isHeldByCurrentThread();
    if (pingTask != null) {
      pingTask.cancel(false);
    }
    if (cancelTask != null) {
      cancelTask.cancel(false);
    }
  }

  private void failed(Throwable error, int httpStatus) {
    Session s;
    CompletableFuture<Session> p;
    lock.lock();
    try {
      if (terminal) {
        return;
      }
      terminal = true;
      cancelTimers();
      s = session;
      p = pending;
      early.clear();
      queuedChars = 0;
    } finally {
      lock.unlock();
    }
    if (s != null) {
      s.disconnect();
    } else if (p != null) {
      p.cancel(true);
    }
    listener.onFailure(this, error, httpStatus);
  }

  /** The HTTP status of a refused handshake anywhere in the cause chain, else 0. */
  static int handshakeStatus(Throwable t) {
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

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
