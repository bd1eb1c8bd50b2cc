package io.voicewire.client.internal.transport;

import io.voicewire.client.internal.Urls;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What both transports' connections share: the one-shot terminal state, read demand with
 * back-pressure, the write accounting ({@link QueuedChars}), the heartbeat (a ping per interval;
 * a missing pong fails the connection unless a message arrived, one of our messages was written
 * or an unsolicited pong came during the interval — the voicewire server's heartbeat while it holds
 * our uplink: see {@link Heartbeat}), the close timeout and the single failure path. A
 * subclass supplies the transport calls on its socket type {@code T} ({@link #demand},
 * {@link #ping(Object, ByteBuffer)}, {@link #abort}) and the sending. Every ping carries the time
 * it was made ({@link ConnectionTiming#nanoClock}, 8 bytes); the pong echoes it, so
 * {@link #lastAnsweredPingNanos()} tells how recent the frames are that the peer has read.
 *
 * <p>Concurrency: {@link #lock} guards the state here and the subclass's; it is never held across
 * a listener call or a transport call that may block.
 */
abstract class BaseConnection<T> implements Connection {
  final URI uri;
  final ConnectionListener listener;
  final ConnectionTiming timing;

  final ReentrantLock lock = new ReentrantLock();
  /** Set once, by the terminal event, under the lock; final after that (read without it). */
  volatile boolean terminal;
  /** Our graceful close: asked for or announced, its timeout, the connection's end. */
  final CloseHandshake closing = new CloseHandshake();
  /** The open socket, or null. */
  T socket;
  /** The handshake in progress, or null. */
  private CompletableFuture<T> pending;
  /** Characters handed to send, not yet written (see its thread-safety note). */
  private final QueuedChars queued = new QueuedChars();
  boolean readPaused;
  boolean demandOutstanding;
  /** {@link #readPaused} was set by the {@link #holdReadsWhile} gate (written under the lock). */
  private volatile boolean heldByGate;
  /** The gate of {@link #holdReadsWhile}, or null. */
  private volatile BooleanSupplier holdReads;
  /** Ping/pong accounting; guarded by the lock but for {@link Heartbeat#traffic}. */
  private final Heartbeat beats = new Heartbeat();

  BaseConnection(URI uri, ConnectionListener listener, ConnectionTiming timing) {
    this.uri = uri;
    this.listener = listener;
    this.timing = timing;
  }

  /** Asks the transport for one more inbound message. No lock held. */
  abstract void demand(T socket);

  /** Sends a ping frame with this payload; never blocks. No lock held. */
  abstract void ping(T socket, ByteBuffer payload);

  /** Drops the socket at once. No lock held. */
  abstract void abort(T socket);

  /** The HTTP status of a refused handshake in this error, else 0. */
  abstract int handshakeStatus(Throwable error);

  /** Clears the subclass's outbound queue after a failure. Lock held. */
  abstract void clearOutbound();

  /** Records the handshake in progress; its failure is this connection's failure. */
  final void handshakeStarted(CompletableFuture<T> f) {
    locked(() -> pending = f);
    f.whenComplete((s, ex) -> {
      if (ex != null) {
        Throwable cause = Causes.unwrap(ex);
        failed(cause, handshakeStatus(cause));
      }
    });
  }

  /** {@code read} under the lock. */
  private <V> V locked(Supplier<V> read) {
    lock.lock();
    try {
      return read.get();
    } finally {
      lock.unlock();
    }
  }

  /** The open socket, read under the lock. */
  final T socket() {
    return locked(() -> socket);
  }

  @Override
  public final long queuedChars() {
    return queued.get();
  }

  /**
   * Lock held: whether {@code chars} more may be sent (not closed, and under
   * {@link Connection#MAX_QUEUED_CHARS}); if so they are counted as queued.
   */
  final boolean admitLocked(int chars) {
    assert lock.isHeldByCurrentThread();
    return !terminal && !closing.requested() && queued.admit(chars);
  }

  /** {@code chars} of ours were written: no longer queued. No lock needed. */
  final void writtenChars(int chars) {
    queued.written(chars);
  }

  /**
   * Lock held: marks the graceful close asked for; false when the connection is closed or
   * closing already.
   */
  final boolean closeRequestedLocked() {
    assert lock.isHeldByCurrentThread();
    return !terminal && closing.request();
  }

  private void requestOne() {
    T s = socket();
    if (s != null) {
      demand(s);
    }
  }

  @Override
  public String describe() {
    return Urls.redact(uri);
  }

  @Override
  public void cancel() {
    failed(new IOException("Canceled"), 0);
  }

  // --- inbound flow control ---

  @Override
  public void pauseReading() {
    locked(() -> readPaused = true);
  }

  @Override
  public void resumeReading() {
    resume(false, false);
  }

  @Override
  public void holdReadsWhile(BooleanSupplier hold) {
    holdReads = hold;
  }

  @Override
  public boolean readsHeld() {
    return heldByGate;
  }

  @Override
  public void releaseHeldReads() {
    BooleanSupplier hold = holdReads;
    resume(true, hold != null && hold.getAsBoolean()); // the gate asked without the lock
  }

  /** Reads again: if the gate held reading and is open ({@code gate}), else if paused. */
  private void resume(boolean gate, boolean gateClosed) {
    lock.lock();
    try {
      if (gate ? !heldByGate || gateClosed : !readPaused) {
        return;
      }
      heldByGate = false;
      readPaused = false;
      if (terminal || socket == null || demandOutstanding) {
        return;
      }
      demandOutstanding = true;
    } finally {
      lock.unlock();
    }
    requestOne();
  }

  /**
   * After each inbound message or pong: ask for the next one unless reading is paused, or the
   * {@link #holdReadsWhile} gate holds it.
   */
  final void afterMessage() {
    BooleanSupplier gate = holdReads;
    boolean hold = gate != null && gate.getAsBoolean(); // asked without the lock
    T s;
    lock.lock(); // once per message: the socket is read in the same turn
    try {
      if (terminal) {
        return;
      }
      if (hold && !readPaused) {
        readPaused = true;
        heldByGate = true;
      }
      if (readPaused) {
        demandOutstanding = false;
        return;
      }
      demandOutstanding = true;
      s = socket;
    } finally {
      lock.unlock();
    }
    if (s != null) {
      demand(s);
    }
  }

  /**
   * At open, under the lock: starts the heartbeat and notes whether to ask for the first message.
   *
   * @return false when the client is shutting down (the scheduler refused the heartbeat)
   */
  private boolean openedLocked(T s) {
    assert lock.isHeldByCurrentThread();
    socket = s;
    if (!beats.start(timing.scheduler(), timing.pingIntervalMillis(), this::heartbeat)) {
      return false;
    }
    demandOutstanding = !readPaused;
    return true;
  }

  /**
   * When our close frame goes out, under the lock: a peer that does not answer within the close
   * timeout is cancelled.
   *
   * @return false when the client is shutting down (no graceful close is possible)
   */
  final boolean scheduleCloseTimeoutLocked() {
    assert lock.isHeldByCurrentThread();
    return closing.startTimer(timing.scheduler(), timing.closeTimeoutMillis(), () -> failed(
        new SocketTimeoutException("peer did not close within " + timing.closeTimeoutMillis()
            + " ms of our close frame"), 0));
  }

  // --- heartbeat ---

  private void heartbeat() {
    int pongs;
    Heartbeat.Beat beat;
    long made;
    lock.lock();
    try {
      if (terminal || socket == null) {
        return;
      }
      if (readPaused) {
        // we stopped reading on purpose (back-pressure): a pong could not be read
        beats.skip();
        return;
      }
      pongs = beats.receivedPongs();
      made = timing.nanos();
      beat = beats.beat(made);
    } finally {
      lock.unlock();
    }
    if (beat == Heartbeat.Beat.WAIT) {
      // traffic since the last beat shows the connection alive while our ping waits behind
      // frames the peer has not read yet (uplink back-pressure): the ping stays outstanding
      return;
    }
    if (beat == Heartbeat.Beat.MISSED) {
      failed(new SocketTimeoutException("sent ping but didn't receive pong within "
          + timing.pingIntervalMillis() + "ms (after " + pongs + " successful ping/pongs)"), 0);
      return;
    }
    T s = socket();
    if (s != null) {
      ping(s, Heartbeat.stamp(made));
    }
  }

  @Override
  public final void ping() {
    long made = timing.nanos(); // before the frame is handed over: never later than it
    T s = locked(() -> terminal || closing.requested() ? null : socket);
    if (s != null) {
      ping(s, Heartbeat.stamp(made));
    }
  }

  @Override
  public final long lastAnsweredPingNanos() {
    return locked(beats::answeredPingNanos);
  }

  /**
   * A pong arrived with {@code payload} (ours: the ping's making time): reports the round trip
   * and asks for the next message.
   */
  final void pongReceived(ByteBuffer payload) {
    long rtt = locked(() -> beats.pong(payload, timing.nanos()));
    if (rtt >= 0) {
      listener.onRoundTrip(rtt);
    }
    afterMessage();
  }

  /** For testing: pings sent. */
  final int sentPingCount() {
    return locked(beats::sentPings);
  }

  /** For testing: pongs received. */
  final int receivedPongCount() {
    return locked(beats::receivedPongs);
  }

  // --- inbound events ---

  /**
   * The socket opened: under the lock, {@code handOverLocked} passes on what was sent before
   * (true when {@code afterOpen} must run) and the heartbeat starts; then the listener hears of
   * it, {@code afterOpen} runs, and the first message is asked for. A connection that ended
   * meanwhile drops the socket; a client shutting down fails it.
   */
  final void opened(T s, BooleanSupplier handOverLocked, Runnable afterOpen) {
    boolean dropped = false;
    boolean started = false;
    boolean after = false;
    boolean demand = false;
    lock.lock();
    try {
      if (terminal) {
        dropped = true;
      } else {
        after = handOverLocked.getAsBoolean();
        started = openedLocked(s);
        demand = demandOutstanding;
      }
    } finally {
      lock.unlock();
    }
    if (dropped) {
      abort(s);
      return;
    }
    if (!started) {
      failed(new IOException("the client is shutting down"), 0);
      return;
    }
    listener.onOpen(this);
    if (after) {
      afterOpen.run();
    }
    if (demand) {
      demand(s);
    }
  }

  /** One of our messages was written to the socket (a send completed). No lock needed. */
  final void wrote() {
    beats.traffic();
  }

  /** One whole text message arrived: to the listener unless ended, then the next is asked for. */
  final void received(String message) {
    beats.traffic();
    if (!isTerminal()) {
      listener.onMessage(this, message);
    }
    afterMessage();
  }

  // --- terminal events ---

  final boolean isTerminal() {
    return terminal;
  }

  /** The peer's close frame arrived: the terminal event, unless one happened already. */
  final void closedByPeer(int code, String reason) {
    if (!locked(this::endLocked)) {
      return;
    }
    listener.onClosed(this, code, reason == null ? "" : reason);
  }

  /** The terminal failure, once; drops the transport. */
  final void failed(Throwable error, int httpStatus) {
    T s;
    CompletableFuture<T> p;
    lock.lock();
    try {
      if (!endLocked()) {
        return;
      }
      clearOutbound();
      queued.reset();
      s = socket;
      p = pending;
    } finally {
      lock.unlock();
    }
    if (s != null) {
      abort(s);
    } else if (p != null) {
      p.cancel(true);
    }
    listener.onFailure(this, error, httpStatus);
  }

  /** Lock held: the terminal event, once; false when it happened already. Stops the timers. */
  private boolean endLocked() {
    assert lock.isHeldByCurrentThread();
    if (terminal) {
      return false;
    }
    terminal = true;
    beats.stop();
    closing.stop();
    return true;
  }

  @Override
  public final void closeFollows() {
    closing.announce();
  }
}
