package io.voicewire.server.internal;

import io.voicewire.audio.AudioFormat;
import io.voicewire.protocol.CloseCodes;
import io.voicewire.protocol.ProtocolException;
import io.voicewire.protocol.Query;
import io.voicewire.protocol.SttAudioFrame;
import io.voicewire.protocol.SttClientMessage;
import io.voicewire.protocol.SttParams;
import io.voicewire.protocol.SttServerMessage;
import io.voicewire.speech.CommitPolicy;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.SttListener;
import io.voicewire.speech.SttSession;
import io.voicewire.speech.Transcript;
import java.nio.ByteBuffer;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.LoggerFactory;

/**
 * The realtime speech-to-text socket (PROTOCOL.md §5) over one provider {@link SttSession}, under
 * the core {@link CommitPolicy} (VAD commit, 90 s auto-commit) unless it applies them itself.
 *
 * <p>Lifecycle: {@link SttState} (its javadoc has the diagram); only {@code OPEN} takes audio.
 * Accepted audio is never lost: after a bad client message ({@code FAILING}) the provider session
 * is closed first (committing what was pending), its {@code committed_transcript} is sent, then
 * the error and the close. Partials that arrive while failing are dropped.
 *
 * <p>Uplink overflow policy: the provider's input queue is bounded; a chunk it refuses
 * ({@link SttSession#sendAudio} returns false) is never dropped silently: the session fails with
 * {@code queue_overflow} and close 1013, after committing the audio accepted before it. That error
 * goes out at once, before that commit: a client with a manual commit in flight could not tell
 * the server's commit from the answer to its own (its SDK would end its segment there and lose
 * the audio between); knowing first that the session failed, it resumes from its last answered
 * commit and the server's commit is only what a client that does not resume keeps. Downlink:
 * transcripts beyond the outbox bounds fail the session with {@code queue_overflow}, close 1008.
 *
 * <p>Thread safe: the {@link SocketSession} idiom. Public only for Jetty's reflection.
 */
public final class SttSocket extends SocketSession implements SttListener {
  /** How long the final commit of a failing session may take before the error is sent anyway. */
  static final long FINAL_COMMIT_TIMEOUT_MILLIS = 5_000;
  private static final String PARTIAL = "partial_transcript";
  private final SttParams params;
  private final ProtocolException paramError;
  private final Auth.Result handshakeAuth;
  private final SttMessages messages;

  private volatile SttSession session;

  // guarded by this
  private final StateMachine<SttState> state = new StateMachine<>(SttState.ADMITTING);
  private boolean providerEnded;
  private final SttUplink uplink;
  private String pendingError;
  private int pendingClose;
  private ErrorCode pendingCode;
  /** The pending error was sent when the failure began (queue_overflow; see the class javadoc). */
  private boolean pendingErrorSent;
  private ScheduledFuture<?> finalTask;
  private boolean drainAtCommit;

  SttSocket(Services s, Query query, Auth.Result handshakeAuth) {
    super(s, SessionKind.STT_REALTIME, LoggerFactory.getLogger("io.voicewire.server.stt"));
    SttParams p = null;
    ProtocolException err = null;
    try {
      p = SttParams.parse(query);
    } catch (ProtocolException e) {
      err = e;
    }
    this.params = p;
    this.paramError = err;
    this.handshakeAuth = handshakeAuth;
    this.messages = new SttMessages(p);
    this.uplink = new SttUplink(p == null ? AudioFormat.PCM_16000 : p.request().audioFormat(),
        s.limits);
  }

  // ---------------------------------------------------------------- SocketSession

  @Override
  Outbox newOutbox(Session ws) {
    return new Outbox(ws, kind, s.metrics, Long.MAX_VALUE, s.limits.maxQueuedMessages(),
        s.limits.maxQueuedBytes(), s.timer, this::writeFailed,
        SttServerMessage.Error.of(ErrorCode.QUEUE_OVERFLOW,
            Outbox.overflowMessage(s.limits.maxQueuedBytes())).encode());
  }

  @Override
  Admission handshakeAdmission() {
    return Admission.ofHandshake(s, paramError, handshakeAuth, false);
  }

  @Override
  boolean opened(Admission a, Effects fx) {
    if (!a.granted()) {
      failNow(a.code(), a.message(), a.closeCode());
      return false;
    }
    if (!bind(a, fx)) {
      return false;
    }
    state.moveTo(SttState.OPEN);
    workStarted();
    fx.add(this::openProvider);
    return true;
  }

  private void openProvider() {
    try {
      // the protocol's commit rules above an engine that recognizes only (applied once)
      SttSession ss = CommitPolicy.apply(s.provider.openStt(params.request(), this));
      session = ss;
      SttState st;
      synchronized (this) {
        st = state.get();
      }
      if (st == SttState.CLOSED) {
        ss.cancel();
      } else if (st != SttState.OPEN) {
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

  @Override
  void timeLimitPassed(Effects fx) {
    clientFailure(ErrorCode.SESSION_TIME_LIMIT_EXCEEDED, "Session exceeded the time limit of "
        + s.limits.sessionTimeLimit().toSeconds() + " seconds", CloseCodes.POLICY_VIOLATION, fx);
  }

  @Override
  void peerGone(Effects fx) {
    state.moveTo(SttState.CLOSED);
    cancel(finalTask);
    fx.add(() -> {
      SttSession ss = session;
      if (ss != null) {
        ss.cancel(); // the client is gone: nobody would receive what decoding is still queued
      }
    });
  }

  // ---------------------------------------------------------------- frames

  @Override
  public void onWebSocketText(String text) {
    s.metrics.messageIn(kind);
    try {
      handleText(text);
    } finally {
      readNext(); // the chunk has been handed to the provider: the next frame may come
    }
  }

  private void handleText(String text) {
    if (out().isClosing() && state() == SttState.OPEN) {
      return; // the outbox failed the session by itself: no more audio is taken
    }
    long now = s.now();
    SttAudioFrame f = SttAudioFrame.scan(text); // a plain chunk needs no parse (a relay's path)
    if (f != null) {
      locked(fx -> acceptChunk(f.sampleRate(), false, f.audioBytes(), false, now, fx));
      toProvider(null, f.audioBytes(), ss -> ss.sendAudioFrame(text, f.audioFrom(),
          f.audioTo(), f.audioBytes()), false);
      return;
    }
    SttClientMessage m;
    try {
      m = SttClientMessage.decode(text);
    } catch (ProtocolException e) {
      locked(fx -> clientFailure(e.code(), e.getMessage(), e.closeCode(), fx));
      return;
    }
    byte[] audio = m.audio();
    boolean[] commit = new boolean[1];
    locked(fx -> commit[0] = acceptChunk(m.sampleRate(), m.previousText() != null, audio.length,
        m.commit(), now, fx));
    toProvider(m.previousText(), audio.length, ss -> ss.sendAudio(audio), commit[0]);
  }

  /** Hands an accepted chunk to the provider session (outside the lock). */
  private void toProvider(String previousText, int audioLength,
      java.util.function.Predicate<SttSession> sendAudio, boolean commit) {
    SttSession ss = session;
    if (ss == null || state() != SttState.OPEN) {
      return;
    }
    try {
      if (previousText != null) {
        ss.previousText(previousText); // validated: the first chunk only
      }
      if (audioLength > 0) {
        s.metrics.audioIn(kind, audioLength);
        if (!sendAudio.test(ss)) {
          locked(fx -> clientFailure(ErrorCode.QUEUE_OVERFLOW, "The transcriber's input queue "
              + "is full: audio is arriving faster than it can be transcribed",
              CloseCodes.TRY_AGAIN_LATER, fx));
        }
      }
      if (commit) {
        ss.commit();
      }
    } catch (RuntimeException e) {
      log.warn("stt_realtime provider call failed id={}: {}", id, Redact.exception(e));
      log.debug("stt_realtime provider failure", e);
      onFailure(new SpeechError(ErrorCode.TRANSCRIBER_ERROR, "The speech provider failed"));
    }
  }

  /** Validates and counts a chunk; returns whether it commits. Under the lock. */
  private boolean acceptChunk(Integer sampleRate, boolean previousText, int audioLength,
      boolean commit, long now, Effects fx) {
    if (!state.is(SttState.OPEN)) {
      return false;
    }
    String problem = uplink.validate(sampleRate, previousText, audioLength);
    if (problem != null) {
      clientFailure(ErrorCode.INPUT_ERROR, problem, CloseCodes.INVALID_PAYLOAD, fx);
      return false;
    }
    problem = uplink.tooLong(audioLength);
    if (problem != null) {
      clientFailure(ErrorCode.CHUNK_SIZE_EXCEEDED, problem, CloseCodes.POLICY_VIOLATION, fx);
      return false;
    }
    uplink.accepted(audioLength, now);
    if (!commit) {
      return false;
    }
    if (!uplink.commitAllowed(now)) {
      s.metrics.error(ErrorCode.COMMIT_THROTTLED.wireName());
      out().enqueueUrgent(SttServerMessage.Error.of(ErrorCode.COMMIT_THROTTLED,
          uplink.throttledMessage()).encode());
      return false;
    }
    return true;
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    callback.succeed();
    s.metrics.messageIn(kind);
    locked(fx -> clientFailure(ErrorCode.INPUT_ERROR, "Binary frames are not supported: send "
        + "input_audio_chunk JSON messages with base64 audio", CloseCodes.UNSUPPORTED_DATA, fx));
    readNext();
  }

  /**
   * The server drains: close 1012 right after the next committed transcript, so the client has
   * little audio to replay elsewhere; {@link #drainNow} if none comes in time. See {@link Drain}.
   */
  @Override
  public void drainAtBoundary() {
    synchronized (this) {
      drainAtCommit = true;
    }
  }

  @Override
  public void drainNow() {
    locked(fx -> {
      if (state.is(SttState.OPEN)) {
        move(fx);
      }
    });
  }

  /** Closes 1012 after what is queued; the provider session is cancelled (the client replays). */
  private void move(Effects fx) {
    state.moveTo(SttState.CLOSING);
    cancelSessionTimers();
    out().enqueueClose(Drain.SERVICE_RESTART, Drain.REASON);
    providerLater(fx, SttSession::cancel);
  }

  // ---------------------------------------------------------------- failures (under lock)

  /** After the lock, on the timer thread: {@code call} on the provider session, if open. */
  private void providerLater(Effects fx, Consumer<SttSession> call) {
    fx.add(() -> s.timer.execute(() -> {
      SttSession ss = session;
      if (ss != null) {
        call.accept(ss);
      }
    }));
  }

  private synchronized SttState state() {
    return state.get();
  }

  /** A client-caused failure: commit what was accepted, then the error, then close. */
  private void clientFailure(ErrorCode code, String message, int closeCode, Effects fx) {
    if (!state.is(SttState.OPEN)) {
      return;
    }
    state.moveTo(SttState.FAILING);
    logError(code, message);
    pendingError = message;
    pendingClose = closeCode;
    pendingCode = code;
    if (code == ErrorCode.QUEUE_OVERFLOW) {
      out().enqueueUrgent(SttServerMessage.Error.of(code, message).encode());
      pendingErrorSent = true;
    }
    cancelSessionTimers();
    finalTask = s.timer.schedule(this::finishFailing, FINAL_COMMIT_TIMEOUT_MILLIS,
        TimeUnit.MILLISECONDS);
    // close the provider session off this thread: it commits what is pending
    fx.add(() -> s.timer.execute(() -> {
      SttSession ss = session;
      if (ss != null) {
        ss.close();
      } else {
        finishFailing();
      }
    }));
  }

  private void finishFailing() {
    locked(fx -> {
      if (!state.is(SttState.FAILING)) {
        return;
      }
      state.moveTo(SttState.CLOSING);
      cancel(finalTask);
      if (!pendingErrorSent) {
        out().enqueueUrgent(SttServerMessage.Error.of(pendingCode, pendingError).encode());
      }
      out().enqueueClose(pendingClose, pendingError);
    });
  }

  /** Fails now: error and close; the provider session (if any) is closed by its owner. */
  private void failNow(ErrorCode code, String message, int closeCode) {
    if (!state.isAny(SttState.CLOSING, SttState.CLOSED)) {
      closeWith(code, message, closeCode, false);
    }
  }

  /** Moves to CLOSING: the error and the close, after what is queued or ({@code purge}) not. */
  private void closeWith(ErrorCode code, String message, int closeCode, boolean purge) {
    state.moveTo(SttState.CLOSING);
    logError(code, message);
    cancelSessionTimers();
    cancel(finalTask);
    String json = SttServerMessage.Error.of(code, message).encode();
    if (purge) {
      out().enqueueFailWith(json, closeCode, message);
    } else {
      out().enqueueUrgent(json);
      out().enqueueClose(closeCode, message);
    }
  }

  // ---------------------------------------------------------------- provider events

  @Override
  public void onStarted(String sessionId) {
    locked(fx -> {
      if (state.isAny(SttState.OPEN, SttState.FAILING)) {
        offer(messages.started(sessionId), fx);
      }
    });
  }

  @Override
  public void onPartial(Transcript partial) {
    String json = messages.partial(partial);
    locked(fx -> {
      if (!state.is(SttState.OPEN)) {
        return;
      }
      long arrival = uplink.arrivalOf(partial.audioEndMs());
      if (arrival >= 0) {
        s.metrics.partial.recordNanos(s.now() - arrival);
      }
      offer(json, fx);
    });
  }

  @Override
  public void onCommitted(Transcript committed) {
    SttMessages.Committed out = messages.committed(committed);
    locked(fx -> {
      if (!state.isAny(SttState.OPEN, SttState.FAILING)) {
        return;
      }
      long start = uplink.commitStart(committed.audioEndMs());
      if (start >= 0) {
        s.metrics.commit.recordNanos(s.now() - start);
      }
      offer(out.json(), fx);
      if (out.withTimestamps() != null) {
        offer(out.withTimestamps(), fx);
      }
      if (drainAtCommit && state.is(SttState.OPEN)) {
        move(fx);
      }
    });
  }

  @Override
  public void onServerMessage(String messageType, String json) {
    if (PARTIAL.equals(messageType)) {
      passPartial(json);
      return;
    }
    locked(fx -> { // a relay's upstream message the provider interface does not model, as sent
      if (state.isAny(SttState.OPEN, SttState.FAILING)) {
        offer(json, fx);
      }
    });
  }

  /** A relay's upstream partial, forwarded as received (rewritten only for no_verbatim). */
  private void passPartial(String json) {
    String out = json;
    if (messages.noVerbatim()) {
      try {
        out = messages.partial(Transcript.partial(
            ((SttServerMessage.Partial) SttServerMessage.decode(json)).text(), 0, 0));
      } catch (ProtocolException | ClassCastException e) {
        return; // unreadable: dropped, as the typed path drops it
      }
    }
    String send = out;
    locked(fx -> {
      if (state.is(SttState.OPEN)) {
        long arrival = uplink.latestArrival();
        if (arrival >= 0) {
          s.metrics.partial.recordNanos(s.now() - arrival);
        }
        offer(send, fx);
      }
    });
  }

  @Override
  public void onClosed() {
    providerEnded(fx -> { // the provider ended the session on its own
      state.moveTo(SttState.CLOSING);
      cancelSessionTimers();
      out().enqueueClose(CloseCodes.NORMAL, "");
    });
  }

  @Override
  public void onFailure(SpeechError error) {
    providerEnded(fx -> failNow(error.code(), ClientText.safe(error.message()),
        Errors.closeCode(error.code())));
  }

  /**
   * The provider's terminal event: its work has stopped (counted once); a failing session sends
   * its error now, an open one ends as {@code whenOpen} says.
   */
  private void providerEnded(Consumer<Effects> whenOpen) {
    boolean first;
    SttState st;
    synchronized (this) {
      first = !providerEnded;
      providerEnded = true;
      st = state.get();
    }
    if (first) {
      workStopped();
    }
    if (st == SttState.FAILING) {
      finishFailing();
    } else {
      locked(fx -> {
        if (state.is(SttState.OPEN)) {
          whenOpen.accept(fx);
        }
      });
    }
  }

  /** Queues within the bounds; on overflow the session fails with {@code queue_overflow}. */
  private void offer(String json, Effects fx) {
    if (out().enqueue(json, 0, 0, null) == Outbox.Offer.OVERFLOW) {
      closeWith(ErrorCode.QUEUE_OVERFLOW, "The client is reading too slowly: more than "
          + s.limits.maxQueuedMessages() + " messages queued", CloseCodes.POLICY_VIOLATION, true);
      providerLater(fx, SttSession::close);
    }
  }
}
