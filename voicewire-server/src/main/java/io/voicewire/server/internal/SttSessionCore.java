package io.voicewire.server.internal;

import io.voicewire.audio.AudioFormat;
import io.voicewire.protocol.CloseCodes;
import io.voicewire.protocol.SttParams;
import io.voicewire.protocol.SttServerMessage;
import io.voicewire.speech.CommitPolicy;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.SttListener;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.SttSession;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * The server side of one realtime speech-to-text session (PROTOCOL.md §5): the provider
 * {@link SttSession} under the core {@link CommitPolicy}, the session permit ({@link WorkSlot}),
 * the uplink rules and the count of accepted audio bytes, and for a client that opted in to
 * resume (docs/stt-resume.md) the {@link SttCommitLog} and the grace timer. It is attached to one
 * connection ({@link SttSocket}) at a time.
 *
 * <p>Lifecycle: {@link SttState} (its javadoc has the diagram); only {@code OPEN} takes audio. A
 * resumable session whose connection is lost without the client's close 1000 is {@code PARKED}
 * for {@code sttResumeGrace}: the engine decodes on, its commits are held in the log (only the
 * latest partial is kept), its permit is kept. A reconnect naming its id (same key, same
 * parameters) re-attaches it ({@link SttServerSession#claim}); grace expiry, log overflow, the provider's end, a
 * drain or the server's stop end it (engine cancelled, permit released once its work stopped).
 * A resumed connection's {@code session_started} goes out once the audio a previous connection
 * had handed in is with the engine; the new connection's frames are not read before, so the
 * engine receives the audio in stream order.
 *
 * <p>Accepted audio is never lost: after a bad client message ({@code FAILING}) the provider
 * session is closed first (committing what was pending), its {@code committed_transcript} is
 * sent, then the error and the close. Partials that arrive while failing are dropped. Uplink: a
 * chunk the provider cannot take yet ({@link SttSession#sendAudio} false: its queue of undecoded
 * audio is full) is held, and its connection is not read until the provider takes it
 * (backpressure: TCP flow control slows the client down; it loses nothing). Only a chunk the
 * provider does not take within {@code sttUplinkStall} fails the session with
 * {@code queue_overflow} and close 1013, the error going out at once, before the commit of the
 * audio accepted before it (a client with a manual commit in flight could otherwise take the
 * server's commit for the answer to its own). Downlink: transcripts beyond the outbox bounds fail
 * the session with {@code queue_overflow}, close 1008.
 *
 * <p>Three layers, one object: this core holds the state, the output and how a session fails
 * and ends; {@link SttSessionEvents} takes the provider's events; {@link SttServerSession} its
 * connections (attach, park, resume) and their audio.
 *
 * <p>Thread safe. State is guarded by this object's monitor: each event decides in one
 * synchronized block that collects {@link Effects} (provider calls, socket calls,
 * the permit), run after it. The only lock taken under the monitor is an {@link Outbox}'s; the
 * monitor of a socket and this one are never held together. The hot paths take it once: a chunk
 * to accept it, a partial to queue it; reads of the state alone are volatile reads, and latency
 * is recorded after the monitor (the metrics' histograms have locks of their own).
 */
abstract class SttSessionCore implements SttListener, Drain.Drainable {
  /** How long the final commit of a failing session may take before the error is sent anyway. */
  static final long FINAL_COMMIT_TIMEOUT_MILLIS = 5_000;

  final Services s;
  final String id;
  final String keyId;
  final SttParams params;
  final boolean resumable;
  final SttMessages messages;
  final Logger log;
  final WorkSlot slot;
  final long startedNanos;
  final long graceMillis;
  final String fallbackReason;
  volatile SttSession engine;
  /** The connection attached now (null when parked or ended); written under the monitor. */
  volatile SttSocket attached;

  /**
   * Chunks accepted and not yet handed to the provider (all connections): raised under the
   * monitor, lowered without it ({@code SttServerSession.handedIn}).
   */
  final AtomicInteger handing = new AtomicInteger();
  /**
   * A resumed connection's start waits for {@link #handing} to reach 0: written under the
   * monitor, read without it by the chunk that brings {@code handing} to 0 (each side writes its
   * own variable, then reads the other's, so at least one of them sees the start is due).
   */
  volatile boolean startPending;

  // guarded by this (moves; the state is volatile, read without the monitor where only read)
  final StateMachine<SttState> state = new StateMachine<>(SttState.OPEN);
  final SttUplink uplink;
  final SttCommitLog commits;
  long audioBytes;
  /** Commit requests of the client taken into the session (not throttled), all connections. */
  long commitRequests;
  boolean startSent;
  boolean providerEnded;
  String pendingError;
  int pendingClose;
  ErrorCode pendingCode;
  /** The pending error was sent when the failure began (queue_overflow; see the javadoc). */
  boolean pendingErrorSent;
  ScheduledFuture<?> finalTask;
  ScheduledFuture<?> graceTask;
  boolean drainAtCommit;

  /**
   * A new session attached to {@code first}, holding {@code permit}; {@link #start} opens it.
   *
   * @param id the {@code session_id} of a resumable session, else the socket's log id
   * @param fallbackReason why the resume {@code first} asked for was not honoured, or null
   */
  SttSessionCore(Services s, String id, String keyId, SttParams params, boolean resumable,
      SessionLimiter.Permit permit, SttSocket first, String fallbackReason, Logger log) {
    this.s = s;
    this.id = id;
    this.keyId = keyId;
    this.params = params;
    this.resumable = resumable;
    this.fallbackReason = fallbackReason;
    this.log = log;
    this.messages = new SttMessages(params);
    this.slot = new WorkSlot(permit, s.timer, s.limits.workStopDeadline().toMillis(),
        "stt_realtime " + id);
    this.startedNanos = s.now();
    this.graceMillis = s.limits.sttResumeGrace().toMillis();
    this.uplink = new SttUplink(params.request().audioFormat(), s.limits);
    this.commits = new SttCommitLog(s.limits.sttResumeLogMessages(),
        s.limits.sttResumeLogBytes());
    this.attached = first;
  }

  String id() {
    return id;
  }

  String keyId() {
    return keyId;
  }

  /** The session's request (a resume must ask for the same). */
  SttRequest request() {
    return params.request();
  }

  /** Milliseconds left of {@code sessionTimeLimit}, counted from the session's start. */
  long remainingMillis() {
    return s.limits.sessionTimeLimit().toMillis()
        - TimeUnit.NANOSECONDS.toMillis(s.now() - startedNanos);
  }

  /** Opens the provider session, after {@code SttServerSession.admitted}. Not under any lock. */
  void start() {
    try {
      SttSession ss = CommitPolicy.apply(s.provider.openStt(
          params.request().toBuilder().tenant(Auth.tenant(keyId)).build(), this));
      engine = ss;
      SttState st = state.get();
      if (st == SttState.CLOSED) {
        ss.cancel();
      } else if (st != SttState.OPEN && st != SttState.PARKED) {
        ss.close();
      }
    } catch (RuntimeException e) {
      log.warn("stt_realtime provider failed to open a session id={}: {}", id,
          Redact.exception(e));
      log.debug("stt_realtime provider failure", e);
      onFailure(new SpeechError(ErrorCode.TRANSCRIBER_ERROR,
          "The speech provider failed to open a session"));
    }
  }

  // ---------------------------------------------------------------- the one idiom

  final void locked(Consumer<Effects> change) {
    after(Effects.collect(this, change));
  }

  final void after(Effects fx) {
    assert !Thread.holdsLock(this);
    fx.run();
    SttSocket a = attached;
    if (a != null) {
      a.out().pump();
    }
  }

  /** The session is over: the engine is cancelled, the permit released once it stopped. */
  final void end(String reason, Effects fx) {
    boolean wasParked = state.is(SttState.PARKED);
    state.moveTo(SttState.CLOSED);
    cancel(finalTask);
    cancel(graceTask);
    attached = null;
    if (wasParked) {
      log.info("stt_realtime parked session ended id={}: {}", id, reason);
    }
    fx.add(() -> {
      if (resumable) {
        s.sttSessions.remove(this, reason, s.now());
      }
      if (wasParked) {
        s.drain.unregister(this);
        s.sttSessions.endedParked();
      }
      SttSession ss = engine;
      if (ss != null) {
        ss.cancel(); // nobody would receive what decoding is still queued
      }
      slot.abandon();
    });
  }

  /** Closes 1012 after what is queued; the provider session is cancelled (the client replays). */
  final void move(Effects fx) {
    state.moveTo(SttState.CLOSING);
    attached.out().enqueueClose(Drain.SERVICE_RESTART, Drain.REASON);
    providerLater(fx, SttSession::cancel);
  }

  // ---------------------------------------------------------------- failures (under the monitor)

  /** After the monitor, on the timer thread: {@code call} on the provider session, if open. */
  final void providerLater(Effects fx, Consumer<SttSession> call) {
    fx.add(() -> s.timer.execute(() -> {
      SttSession ss = engine;
      if (ss != null) {
        call.accept(ss);
      }
    }));
  }

  /** A client-caused failure: commit what was accepted, then the error, then close. */
  final void clientFailure(ErrorCode code, String message, int closeCode,
      Effects fx) {
    if (!state.is(SttState.OPEN)) {
      return;
    }
    state.moveTo(SttState.FAILING);
    attached.logError(code, message);
    pendingError = message;
    pendingClose = closeCode;
    pendingCode = code;
    if (code == ErrorCode.QUEUE_OVERFLOW) {
      attached.out().enqueueUrgent(SttServerMessage.Error.of(code, message).encode());
      pendingErrorSent = true;
    }
    finalTask = s.timer.schedule(this::finishFailing, FINAL_COMMIT_TIMEOUT_MILLIS,
        TimeUnit.MILLISECONDS);
    // close the provider session off this thread: it commits what is pending
    fx.add(() -> s.timer.execute(() -> {
      SttSession ss = engine;
      if (ss != null) {
        ss.close();
      } else {
        finishFailing();
      }
    }));
  }

  final void finishFailing() {
    locked(fx -> {
      if (!state.is(SttState.FAILING)) {
        return;
      }
      state.moveTo(SttState.CLOSING);
      cancel(finalTask);
      if (!pendingErrorSent) {
        attached.out().enqueueUrgent(SttServerMessage.Error.of(pendingCode, pendingError)
            .encode());
      }
      attached.out().enqueueClose(pendingClose, pendingError);
    });
  }

  /** Moves to CLOSING: the error and the close, after what is queued or ({@code purge}) not. */
  final void closeWith(ErrorCode code, String message, int closeCode, boolean purge) {
    state.moveTo(SttState.CLOSING);
    cancel(finalTask);
    attached.closeWith(code, message, closeCode, purge);
  }

  static void cancel(ScheduledFuture<?> f) {
    SocketSession.cancel(f);
  }

  /**
   * The provider's terminal event: its work has stopped (counted once); a failing session sends
   * its error now, an open one ends as {@code whenOpen} says, a parked one ends.
   */
  final void providerEnded(Consumer<Effects> whenOpen, String reason) {
    boolean first;
    SttState st;
    synchronized (this) {
      first = !providerEnded;
      providerEnded = true;
      st = state.get();
    }
    if (first) {
      slot.workStopped();
    }
    if (st == SttState.FAILING) {
      finishFailing();
      return;
    }
    locked(fx -> {
      if (state.is(SttState.OPEN)) {
        whenOpen.accept(fx);
      } else if (state.is(SttState.PARKED)) {
        end(reason + " while parked", fx);
      }
    });
  }

  /** Queues on the attached connection within its bounds; overflow fails the session. */
  final void offer(String json, Effects fx) {
    SttSocket a = attached;
    if (a == null || state.is(SttState.CLOSING)) {
      return;
    }
    if (a.out().enqueue(json, 0, 0, null) == Outbox.Offer.OVERFLOW) {
      closeWith(ErrorCode.QUEUE_OVERFLOW, "The client is reading too slowly: more than "
          + s.limits.maxQueuedMessages() + " messages queued", CloseCodes.POLICY_VIOLATION, true);
      providerLater(fx, SttSession::close);
    }
  }

  /** The format of the session's audio. */
  AudioFormat format() {
    return params.request().audioFormat();
  }
}

