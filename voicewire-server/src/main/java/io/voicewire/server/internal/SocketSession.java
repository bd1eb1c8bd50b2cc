package io.voicewire.server.internal;

import io.voicewire.protocol.internal.InboundText;
import io.voicewire.speech.ErrorCode;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Frame;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.exceptions.MessageTooLargeException;
import org.slf4j.Logger;

/**
 * The part every voicewire WebSocket shares: admission (handshake or first-message credentials,
 * the session permit and its {@link WorkSlot}), the session time limit, the {@link Outbox},
 * inbound flow control with Jetty's demand, and teardown. Each endpoint extends it with its
 * protocol and its own state enum ({@link TtsSocket}, {@link SttSocket}).
 *
 * <h2>One locking idiom</h2>
 * The socket's state is guarded by its monitor ({@code synchronized (this)}). Every event makes
 * its decision in one synchronized block that collects what must happen next in {@link Effects}
 * (provider calls, slot releases); the effects run, and the outbox is pumped, after the block.
 * Nothing under the monitor blocks: no provider call, no socket write, no Redis round trip
 * (credentials and the permit are checked before the block, the result is applied in it). The
 * only lock taken under the monitor is the {@link Outbox}'s own, which takes no other.
 *
 * <h2>Inbound flow control</h2>
 * The socket is not auto-demanding: Jetty reads the next frame only once the frame handlers
 * ({@link #onWebSocketFrame}) have handed the frame on. A socket may
 * pause reading ({@link #flow()}: the TTS downlink's backpressure, the STT uplink's): the demand
 * owed is then given when it resumes. Every frame is charged to the admitted key's and the
 * session's {@link InboundBudget} (bytes and handling CPU per second): while either is over it,
 * the next frame is read only when its debt is paid. {@link InboundFlow} keeps both gates. Pings
 * are answered by Jetty itself.
 *
 * <p>Thread safe: Jetty's reader (one frame at a time), provider threads, the write callbacks and
 * the timer thread all call in. Public only because Jetty invokes listener methods reflectively;
 * not an API.
 */
public abstract class SocketSession implements Session.Listener, Drain.Drainable {

  /**
   * How long a socket whose reading is paused by downlink backpressure may write nothing at all
   * before it fails with {@code queue_overflow}: a client that never reads gets a clear close.
   */
  static final long DOWNLINK_STALL_MILLIS = 20_000;

  final Services s;
  final SessionKind kind;
  final String id;
  final Logger log;

  private volatile Outbox out;
  private volatile Session ws;
  /** The client's address (for throttling failed first-message logins); set on open. */
  private volatile String remote;

  // guarded by this
  private WorkSlot slot;
  /** Set under the lock with the slot; read by the provider calls after it. */
  private volatile String keyId;
  private FirstMessageGate gate;
  private ScheduledFuture<?> limitTask;
  private ScheduledFuture<?> stallTask;
  private long openedNanos;
  private boolean gone;
  /** The read demand: backpressure pauses and the key's inbound budget. */
  private final InboundFlow flow;
  /** The close code the peer sent (1006 for a lost connection), -1 after a failed write. */
  private int peerCloseCode = -1;
  /** The socket's frames as messages (Jetty's reader only, one frame at a time); set on open. */
  private InboundFrames frames;

  SocketSession(Services s, SessionKind kind, Logger log) {
    this.s = s;
    this.kind = kind;
    this.id = s.newId();
    this.log = log;
    this.flow = new InboundFlow(() -> ws.demand(), s.timer, s.metrics, s.inbound);
  }

  // ---------------------------------------------------------------- what an endpoint provides

  /** The outbox of this socket, with the endpoint's bounds and overflow message. */
  abstract Outbox newOutbox(Session ws);

  /**
   * The socket opened; {@code admission} is the handshake's outcome (null when credentials must
   * come in the first message). Returns whether the session goes on (the time limit is then
   * armed). Under the lock.
   */
  abstract boolean opened(Admission admission, Effects fx);

  /** The session time limit passed: end with {@code session_time_limit_exceeded}. Under the lock. */
  abstract void timeLimitPassed(Effects fx);

  /** The peer is gone: move to the closed state, cancel provider work. Under the lock. */
  abstract void peerGone(Effects fx);

  // ---------------------------------------------------------------- the one idiom

  /** Runs {@code change} under the monitor, then its effects, then pumps the outbox. */
  final void locked(java.util.function.Consumer<Effects> change) {
    after(Effects.collect(this, change));
  }

  /** Runs the effects collected under the lock, then pumps the outbox. Not under the lock. */
  final void after(Effects fx) {
    assert !Thread.holdsLock(this);
    fx.run();
    Outbox o = out;
    if (o != null) {
      o.pump();
    }
  }

  final Outbox out() {
    return out;
  }

  /**
   * An unsolicited, empty pong (RFC 6455 §5.5.3, a one-way heartbeat): tells the client the
   * server is alive while it does not read the client's frames, pings included. Never blocks.
   */
  final void sendHeartbeatPong() {
    Session w = ws;
    if (w != null && w.isOpen()) {
      w.sendPong(ByteBuffer.allocate(0), Callback.NOOP);
    }
  }

  final String remote() {
    return remote;
  }

  // ---------------------------------------------------------------- socket events

  @Override
  public final void onWebSocketOpen(Session session) {
    ws = session;
    frames = new InboundFrames(session, flow, () -> s.metrics.messageIn(kind),
        new InboundFrames.Messages() {
          @Override
          public void text(InboundText message) {
            handleText(message);
          }

          @Override
          public void binary(long bytes) {
            binaryRefused();
          }

          @Override
          public void refused(int code, RuntimeException why) {
            refusedMessage(code, why);
          }
        });
    out = newOutbox(session);
    s.metrics.sessionOpened(kind);
    s.drain.register(this);
    if (session.getRemoteSocketAddress() instanceof InetSocketAddress a) {
      remote = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
    }
    Admission admission = handshakeAdmission();
    Effects fx = new Effects();
    synchronized (this) {
      openedNanos = s.now();
      log.info("{} open id={}{} remote={}", kind.label, id, openLogDetail(),
          session.getRemoteSocketAddress());
      if (opened(admission, fx) && !gone) {
        limitTask = s.timer.schedule(this::onTimeLimit, Math.max(0, timeLimitMillis()),
            TimeUnit.MILLISECONDS);
      }
    }
    after(fx);
    flow.readNext();
  }

  /** How long this socket's session may still last: {@code sessionTimeLimit} unless resumed. */
  long timeLimitMillis() {
    return s.limits.sessionTimeLimit().toMillis();
  }

  /** An extra header of the upgrade response, {@code {name, value}}, or null. */
  String[] upgradeHeader() {
    return null;
  }

  /** Extra fields of the open log line (the TTS voice). */
  String openLogDetail() {
    return "";
  }

  /** The handshake's admission, decided before the lock (the permit may ask Redis). */
  abstract Admission handshakeAdmission();

  @Override
  public void onWebSocketError(Throwable cause) {
    if (cause instanceof MessageTooLargeException) {
      s.metrics.error("message_too_big");
      log.info("{} error id={} type=message_too_big message={}", kind.label, id,
          Redact.forLog(cause.getMessage()));
    } else {
      log.debug("{} socket error id={}: {}", kind.label, id, cause.toString());
    }
  }

  @Override
  public final void onWebSocketClose(int statusCode, String reason) {
    teardown("code=" + statusCode, statusCode);
  }

  final void writeFailed(Throwable cause) {
    teardown("write failed: " + cause.getClass().getSimpleName(), -1);
  }

  /**
   * The socket is gone: the endpoint cancels its provider work, and the concurrency slot is
   * released once that work has stopped (or after {@code workStopDeadline}).
   */
  private void teardown(String why, int closeCode) {
    Effects fx = new Effects();
    long duration;
    WorkSlot w;
    synchronized (this) {
      if (gone) {
        return;
      }
      gone = true;
      peerCloseCode = closeCode;
      cancelSessionTimers();
      flow.close();
      peerGone(fx);
      w = slot;
      duration = TimeUnit.NANOSECONDS.toMillis(s.now() - openedNanos);
    }
    Outbox o = out;
    if (o != null) {
      o.terminate();
    }
    fx.run();
    if (w != null) {
      w.abandon();
    }
    s.metrics.sessionClosed(kind);
    s.drain.unregister(this);
    log.info("{} close id={} {} duration_ms={}", kind.label, id, why, duration);
  }

  private void onTimeLimit() {
    locked(this::timeLimitPassed);
  }

  /** The close code the peer sent, 1006 when lost, -1 after a failed write. Under the lock. */
  final int peerCloseCode() {
    assert Thread.holdsLock(this);
    return peerCloseCode;
  }

  /** Whether the peer is gone (teardown ran). Under the lock. */
  final boolean isGone() {
    assert Thread.holdsLock(this);
    return gone;
  }

  /** Stops the time limit, the stall check and the first-message deadline. Under the lock. */
  final void cancelSessionTimers() {
    assert Thread.holdsLock(this);
    cancel(limitTask);
    cancel(stallTask);
    leaveGate();
  }

  static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }

  // ---------------------------------------------------------------- frames, inbound flow control

  /**
   * A text message, after it is counted; its CPU and size are charged once it returns. Valid
   * during the call only (see {@link InboundText}).
   */
  abstract void handleText(InboundText message);

  /** What a binary frame gets: this protocol has none. Its CPU and size are charged after. */
  abstract void binaryRefused();

  /** Every frame, through {@link InboundFrames} (text assembled from its frames, pings, limits). */
  @Override
  public final void onWebSocketFrame(Frame frame, Callback callback) {
    frames.frame(frame, callback);
  }

  /**
   * A message Jetty's sink would have failed: the same close, and no more demand (Jetty's core
   * closed the same way and read no further; the close handshake's timeout ends the socket).
   */
  private void refusedMessage(int code, RuntimeException why) {
    onWebSocketError(why);
    ws.close(code, why.getMessage(), Callback.from(() -> { },
        x -> log.debug("{} close after {} failed id={}: {}", kind.label, code, id, x.toString())));
  }

  /**
   * The read demand: {@link InboundFlow#pause() pause} and {@link InboundFlow#resume() resume}
   * (not under the lock), {@link InboundFlow#chargeTo} the admitted key, and whether reading is
   * {@link InboundFlow#withheld() withheld} (paused or throttled).
   */
  final InboundFlow flow() {
    return flow;
  }

  // ---------------------------------------------------------------- downlink backpressure

  /** The downlink's backpressure stalled (see {@link #DOWNLINK_STALL_MILLIS}). Under the lock. */
  void downlinkStalled(Effects fx) {}

  /**
   * A message carrying audio was queued: the TTS downlink's backpressure. Audio is never dropped
   * and a slow reader never fails at once: when {@code maxQueuedAudioMillis} of audio waits to be
   * written, the socket stops reading the client's frames (Jetty demand is withheld), so no new
   * text reaches the provider until the client has read below that mark; audio the provider is
   * still generating for text it already has keeps being queued. Bounded: beyond
   * {@code maxQueuedMessages} / {@code maxQueuedBytes}, or when nothing is written for
   * {@link #DOWNLINK_STALL_MILLIS} while paused, the session fails with {@code queue_overflow}
   * and close 1008. Under the lock.
   */
  final void audioQueued() {
    assert Thread.holdsLock(this);
    if (!flow.paused() && out.queuedAudioMillis() >= s.limits.maxQueuedAudioMillis()) {
      flow.pause();
      cancel(stallTask);
      stallTask = s.timer.schedule(this::checkStall, DOWNLINK_STALL_MILLIS,
          TimeUnit.MILLISECONDS);
    }
  }

  /** A message was written (write callback): below the mark, reading resumes. */
  final void downlinkProgressed() {
    if (out.queuedAudioMillis() < s.limits.maxQueuedAudioMillis()) {
      flow.resume();
    }
  }

  private void checkStall() {
    locked(fx -> {
      if (!flow.paused() || gone) {
        return;
      }
      long idle = out.millisSinceProgress();
      if (idle >= DOWNLINK_STALL_MILLIS) {
        downlinkStalled(fx);
      } else {
        stallTask = s.timer.schedule(this::checkStall, DOWNLINK_STALL_MILLIS - idle,
            TimeUnit.MILLISECONDS);
      }
    });
  }

  /** The client's message for a stalled downlink. */
  final String stallMessage() {
    return "The client is reading too slowly: nothing was read for "
        + DOWNLINK_STALL_MILLIS / 1000 + " s while " + out.queuedAudioMillis()
        + " ms of audio waited (DOWNLINK_STALL_MILLIS)";
  }

  // ---------------------------------------------------------------- admission

  /**
   * Applies a granted admission under the lock: the permit becomes this socket's work slot.
   * Returns false (and gives the permit back after the lock) when the socket ended meanwhile.
   */
  final boolean bind(Admission a, Effects fx) {
    assert Thread.holdsLock(this);
    if (gone) {
      fx.add(a.permit()::release);
      return false;
    }
    slot = new WorkSlot(a.permit(), s.timer, s.limits.workStopDeadline().toMillis(),
        kind.label + " " + id);
    keyId = a.keyId();
    flow.chargeTo(keyId);
    return true;
  }

  /** The admitted key's id (the engine's fairness key), null before admission. */
  final String keyId() {
    return keyId;
  }

  /** Credentials must come in the first message: takes a waiting place. Under the lock. */
  final boolean enterGate(Runnable onDeadline) {
    assert Thread.holdsLock(this);
    gate = FirstMessageGate.enter(s, onDeadline);
    return gate != null;
  }

  /** Leaves the first-message gate (authenticated, refused or gone). Under the lock. */
  final void leaveGate() {
    assert Thread.holdsLock(this);
    if (gate != null) {
      gate.pass();
      gate = null;
    }
  }

  /** A provider session was (or is about to be) opened. Under the lock. */
  final void workStarted() {
    assert Thread.holdsLock(this);
    slot.workStarted();
  }

  /** A provider session delivered its terminal event. Not under the lock. */
  final void workStopped() {
    WorkSlot w;
    synchronized (this) {
      w = slot;
    }
    if (w != null) {
      w.workStopped();
    }
  }

  /**
   * The session is over (its close is queued): the slot is released once every provider session
   * has stopped, so a client that saw the close may open its next session at once. Under the
   * lock; the release itself (it may ask Redis) runs after it.
   */
  final void releaseSlotWhenStopped(Effects fx) {
    assert Thread.holdsLock(this);
    WorkSlot w = slot;
    if (w != null) {
      fx.add(w::abandon);
    }
  }

  /** Logs and counts an error the client is told about. */
  final void logError(ErrorCode code, String message) {
    s.metrics.error(code.wireName());
    log.info("{} error id={} type={} message={}", kind.label, id, code.wireName(),
        Redact.forLog(message));
  }
}
