package io.voicewire.server.internal;

import io.voicewire.protocol.CloseCodes;
import io.voicewire.protocol.SttParams;
import io.voicewire.protocol.SttResume;
import io.voicewire.protocol.SttServerMessage;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.SttSession;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;

/**
 * The server side of one realtime speech-to-text session (PROTOCOL.md §5, docs/stt-resume.md):
 * what its connections do to it. A session is attached to one {@link SttSocket} at a time; its
 * audio is checked and counted here and handed to the engine in stream order; a resumable
 * session whose connection is lost without the client's close 1000 is parked for
 * {@code sttResumeGrace}, and a reconnect naming its id re-attaches it ({@link #claim}). The
 * state, the output and how a session fails and ends are in {@link SttSessionCore} (its javadoc
 * has the whole story), the provider's events in {@link SttSessionEvents}.
 *
 * <p>Thread safe: the core's idiom (its monitor, effects after it; never nested with a socket's
 * monitor).
 */
final class SttServerSession extends SttSessionEvents {
  /** How often a held chunk (uplink backpressure) is offered to the provider again, ms. */
  static final long UPLINK_RETRY_MILLIS = 20;

  /** A chunk the provider could not take yet, with its commit, held since {@code sinceNanos}. */
  private record HeldChunk(SttSocket from, Handover send, boolean commit,
      long sinceNanos) {}

  /**
   * How a chunk is handed to the provider: true when taken. A chunk that must wait for the
   * provider is kept as {@link #kept()}, which copies what the handover borrowed (a client's frame
   * still in its socket's message buffer, which the next frame reuses).
   */
  interface Handover extends Predicate<SttSession> {
    /** This handover, owning what it sends, for a later try. */
    default Handover kept() {
      return this;
    }
  }

  /** What a reconnect's {@link #claim} came to. */
  enum Claim {
    /** Re-attached: the session goes on on the new connection. */
    RESUMED,
    /** The client claims more commit messages than were sent: refused, 1008. */
    BAD_COUNT,
    /** Not resumable (ending, other parameters, commits forgotten): a new session instead. */
    GONE
  }

  /**
   * A new session attached to {@code first}, holding {@code permit}; {@link #start} opens it.
   *
   * @param id the {@code session_id} of a resumable session, else the socket's log id
   * @param fallbackReason why the resume {@code first} asked for was not honoured, or null
   */
  SttServerSession(Services s, String id, String keyId, SttParams params, boolean resumable,
      SessionLimiter.Permit permit, SttSocket first, String fallbackReason, Logger log) {
    super(s, id, keyId, params, resumable, permit, first, fallbackReason, log);
  }

  /**
   * The session is admitted: its provider session is about to open (and a resumable one can be
   * found by id from now on). Under the first socket's monitor: no I/O.
   */
  void admitted() {
    slot.workStarted();
    if (resumable) {
      s.sttSessions.add(this);
    }
  }

  // ---------------------------------------------------------------- connections

  /**
   * A reconnect {@code to} that received {@code n} commit messages asks for this session with
   * {@code request}; on {@link Claim#RESUMED} it is attached (a connection still attached is
   * replaced: it closes 1001) and its {@code session_started} is queued or pending. {@code why}
   * gets the reason of any other outcome. Not under any lock.
   */
  Claim claim(SttSocket to, long n, SttRequest request, String[] why) {
    Claim c;
    Effects fx = new Effects();
    synchronized (this) {
      c = claimLocked(to, n, request, why, fx);
    }
    after(fx);
    return c;
  }

  private Claim claimLocked(SttSocket to, long n, SttRequest request, String[] why,
      Effects fx) {
    if (!state.isAny(SttState.OPEN, SttState.PARKED)) {
      why[0] = "the session is ending";
      return Claim.GONE;
    }
    if (!request.equals(params.request())) {
      why[0] = "the query parameters differ from the session's";
      return Claim.GONE;
    }
    if (n > commits.sent()) {
      why[0] = SttResume.COMMITS_RECEIVED + "=" + n + " but this session sent only "
          + commits.sent() + " commit messages";
      return Claim.BAD_COUNT;
    }
    if (!commits.canResumeAfter(n)) {
      why[0] = "the commit messages after the first " + n + " are no longer held (at most "
          + s.limits.sttResumeLogMessages() + " messages / " + s.limits.sttResumeLogBytes()
          + " bytes: sttResumeLogMessages, sttResumeLogBytes)";
      if (state.is(SttState.PARKED)) {
        end(why[0], fx);
      }
      return Claim.GONE;
    }
    SttSocket old = attached;
    if (state.is(SttState.PARKED)) {
      state.moveTo(SttState.OPEN);
      cancel(graceTask);
      fx.add(() -> {
        s.drain.unregister(this);
        s.sttSessions.resumed(true);
      });
    } else if (old != null) {
      fx.add(old::replaced);
      fx.add(() -> s.sttSessions.resumed(false));
    }
    attached = to;
    commits.acknowledge(n);
    startSent = false;
    // written before handing is read: a chunk handed in meanwhile sees it (see handedIn)
    startPending = true;
    if (handing.get() == 0) {
      resumeStart(fx);
    } // else a previous connection's chunk is still being handed in: the last one starts it
    log.info("stt_realtime resumed id={} connection={} commits_received={} commits_sent={} "
        + "audio_bytes={}", id, to.id, n, commits.sent(), audioBytes);
    return Claim.RESUMED;
  }

  /** The resumed connection's start: session_started, the held commits, the latest partial. */
  private void resumeStart(Effects fx) {
    startPending = false;
    startSent = true;
    SttSocket to = attached;
    offer(messages.started(id, new SttResume.Info(true, graceMillis, audioBytes,
        commits.sent(), null, commitRequests)), fx);
    for (String m : commits.after(0)) {
      offer(m, fx);
    }
    if (commits.partial() != null) {
      offer(commits.partial(), fx);
    }
    fx.add(to.flow()::resume);
  }

  /**
   * Connection {@code from} is gone ({@code clientClosed}: with the client's close 1000). A
   * resumable open session is parked; otherwise the session ends. Not under any lock.
   */
  void detached(SttSocket from, boolean clientClosed) {
    locked(fx -> {
      if (attached != from) {
        return; // replaced, or never attached
      }
      attached = null;
      startPending = false;
      if (state.is(SttState.OPEN) && resumable && graceMillis > 0 && !clientClosed
          && s.sttSessions.parkingAllowed()) {
        state.moveTo(SttState.PARKED);
        graceTask = s.timer.schedule(this::graceOver, graceMillis, TimeUnit.MILLISECONDS);
        log.info("stt_realtime parked id={} grace_ms={} commits_sent={} audio_bytes={}", id,
            graceMillis, commits.sent(), audioBytes);
        fx.add(() -> {
          s.sttSessions.parked();
          s.drain.register(this); // a drain ends it (a draining server takes no resume)
        });
      } else {
        end(clientClosed ? "the client closed the session" : "the connection was lost", fx);
      }
    });
  }

  private void graceOver() {
    locked(fx -> {
      if (state.is(SttState.PARKED)) {
        s.sttSessions.expired();
        end("not resumed within sttResumeGrace (" + graceMillis + " ms)", fx);
      }
    });
  }

  /** Ends the session if it is parked (a drain, the server's stop). */
  void endIfParked(String reason) {
    locked(fx -> {
      if (state.is(SttState.PARKED)) {
        end(reason, fx);
      }
    });
  }

  @Override
  public void drainAtBoundary() {
    endIfParked("the server is draining");
  }

  @Override
  public void drainNow() {
    endIfParked("the server is draining");
  }

  // ---------------------------------------------------------------- audio in

  /**
   * A chunk from connection {@code from}: checked and counted under the monitor, then handed to
   * the provider outside it ({@code send}), then the commit if asked and allowed. A chunk the
   * provider cannot take yet (its queue of undecoded audio is full) is held: {@code from} is not
   * read until it is taken (uplink backpressure, {@link #retryHeld}), as {@link Handover#kept()}.
   */
  void chunk(SttSocket from, Integer sampleRate, String previousText, int audioLength,
      boolean commit, Handover send) {
    long now = s.now();
    int verdict; // 0 dropped, 1 handed in, 2 handed in and committed
    Effects fx = new Effects();
    synchronized (this) { // the chunk's only turn on the monitor
      verdict = accept(from, sampleRate, previousText != null, audioLength, commit, now, fx);
      if (verdict > 0) {
        handing.incrementAndGet();
      }
    }
    after(fx);
    if (verdict == 0) {
      return;
    }
    boolean taken = true;
    try {
      taken = toProvider(previousText, audioLength, send, verdict == 2);
    } finally {
      if (taken) {
        handedIn();
      }
    }
    if (!taken) {
      // before the frame handler asks for the next frame: that demand is owed until resumed
      from.holdUplink();
      s.metrics.sttUplinkHeld();
      HeldChunk h = new HeldChunk(from, send.kept(), verdict == 2, now);
      s.timer.schedule(() -> retryHeld(h), UPLINK_RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * A chunk has been handed to the provider (or dropped): a pending resume may start. Takes the
   * monitor only when this was the last chunk in hand and a resume waits for it.
   */
  private void handedIn() {
    // handing is lowered before startPending is read (claim writes them the other way round)
    if (handing.decrementAndGet() != 0 || !startPending) {
      return; // the common case: no monitor
    }
    locked(fx -> {
      if (handing.get() == 0 && startPending) {
        if (state.is(SttState.OPEN)) {
          resumeStart(fx);
        } else { // it failed meanwhile: its error and close are queued, read the client's close
          startPending = false;
          SttSocket a = attached;
          if (a != null) {
            fx.add(a.flow()::resume);
          }
        }
      }
    });
  }

  /**
   * On the timer: offers a held chunk to the provider again. Taken (or the session no longer
   * takes audio), its connection is read again; after {@code sttUplinkStall} without the provider
   * taking it, the session fails with {@code queue_overflow} and close 1013 (a parked one ends).
   */
  private void retryHeld(HeldChunk h) {
    SttSession ss = engine;
    boolean done = ss == null || !isTaking();
    try {
      if (!done && h.send().test(ss)) {
        done = true;
        if (h.commit()) {
          ss.commit();
        }
      }
    } catch (RuntimeException e) {
      done = true;
      providerFailed(e);
    }
    if (!done && s.now() - h.sinceNanos() < s.limits.sttUplinkStall().toNanos()) {
      h.from().stillHeld(s.now() - h.sinceNanos());
      s.timer.schedule(() -> retryHeld(h), UPLINK_RETRY_MILLIS, TimeUnit.MILLISECONDS);
      return;
    }
    if (!done) {
      locked(fx -> {
        if (state.is(SttState.PARKED)) {
          end("the transcriber took no audio for sttUplinkStall while parked", fx);
        } else {
          clientFailure(ErrorCode.QUEUE_OVERFLOW, "The transcriber took none of this session's "
              + "audio for " + s.limits.sttUplinkStall().toSeconds() + " s (sttUplinkStall)",
              CloseCodes.TRY_AGAIN_LATER, fx);
        }
      });
    }
    handedIn();
    h.from().flow().resume();
  }

  /** Validates and counts a chunk; returns the verdict of {@link #chunk}. Under the monitor. */
  private int accept(SttSocket from, Integer sampleRate, boolean previousText, int audioLength,
      boolean commit, long now, Effects fx) {
    if (attached != from || !state.is(SttState.OPEN)) {
      return 0; // a replaced connection's frames are not taken: its client resends them
    }
    String problem = uplink.validate(sampleRate, previousText, audioLength);
    if (problem != null) {
      clientFailure(ErrorCode.INPUT_ERROR, problem, CloseCodes.INVALID_PAYLOAD, fx);
      return 0;
    }
    problem = uplink.tooLong(audioLength);
    if (problem != null) {
      clientFailure(ErrorCode.CHUNK_SIZE_EXCEEDED, problem, CloseCodes.POLICY_VIOLATION, fx);
      return 0;
    }
    uplink.accepted(audioLength, now);
    audioBytes += audioLength;
    if (!commit) {
      return 1;
    }
    if (!uplink.commitAllowed(now)) {
      s.metrics.error(ErrorCode.COMMIT_THROTTLED.wireName());
      from.out().enqueueUrgent(SttServerMessage.Error.of(ErrorCode.COMMIT_THROTTLED,
          uplink.throttledMessage()).encode());
      return 1;
    }
    commitRequests++; // taken: it goes to the provider after its chunk, even if held
    return 2;
  }

  /**
   * Hands an accepted chunk to the provider (outside the monitor); false when the provider
   * cannot take it yet (then neither it nor its commit went in).
   */
  private boolean toProvider(String previousText, int audioLength,
      Handover sendAudio, boolean commit) {
    SttSession ss = engine;
    if (ss == null || !isTaking()) {
      return true;
    }
    try {
      if (previousText != null) {
        ss.previousText(previousText); // validated: the first chunk only
      }
      if (audioLength > 0) {
        s.metrics.audioIn(SessionKind.STT_REALTIME, audioLength);
        if (!sendAudio.test(ss)) {
          return false;
        }
      }
      if (commit) {
        ss.commit();
      }
    } catch (RuntimeException e) {
      providerFailed(e);
    }
    return true;
  }

  private void providerFailed(RuntimeException e) {
    log.warn("stt_realtime provider call failed id={}: {}", id, Redact.exception(e));
    log.debug("stt_realtime provider failure", e);
    onFailure(new SpeechError(ErrorCode.TRANSCRIBER_ERROR, "The speech provider failed"));
  }

  private boolean isTaking() {
    return state.isAny(SttState.OPEN, SttState.PARKED); // a volatile read: no monitor
  }

  // ---------------------------------------------------------------- from the connection

  /** A bad message from connection {@code from}: commit what was accepted, error, close. */
  void clientError(SttSocket from, ErrorCode code, String message, int closeCode) {
    locked(fx -> {
      if (attached == from) {
        clientFailure(code, message, closeCode, fx);
      }
    });
  }

  /** The session time limit passed on connection {@code from}. */
  void timeLimit(SttSocket from) {
    clientError(from, ErrorCode.SESSION_TIME_LIMIT_EXCEEDED, "Session exceeded the time limit "
        + "of " + s.limits.sessionTimeLimit().toSeconds() + " seconds",
        CloseCodes.POLICY_VIOLATION);
  }

  /**
   * The server drains: close 1012 right after the next committed transcript, so the client has
   * little audio to replay elsewhere; {@link #drainNow(SttSocket)} if none comes in time.
   */
  void drainAtCommit(SttSocket from) {
    synchronized (this) {
      if (attached == from) {
        drainAtCommit = true;
      }
    }
  }

  void drainNow(SttSocket from) {
    locked(fx -> {
      if (attached == from && state.is(SttState.OPEN)) {
        move(fx);
      }
    });
  }

}
