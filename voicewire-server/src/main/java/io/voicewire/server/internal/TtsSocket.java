package io.voicewire.server.internal;

import io.voicewire.protocol.CloseCodes;
import io.voicewire.protocol.ProtocolException;
import io.voicewire.protocol.Query;
import io.voicewire.protocol.TtsClientMessage;
import io.voicewire.protocol.TtsParams;
import io.voicewire.protocol.TtsServerMessage;
import io.voicewire.protocol.internal.InboundText;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the text-to-speech sockets share: admission by handshake or first message, the frames,
 * the socket's contexts ({@link TtsContext}, one provider session each), the inactivity timeouts
 * (the socket's, and the per-context rule of the multi sockets, {@link #closeIdle}) and the
 * downlink's backpressure. How the socket ends is {@link TtsEnding}. {@link StreamInputSocket},
 * {@link MultiStreamInputSocket} and {@link DialogueSocket} add their message rules
 * (PROTOCOL.md §2, §3; docs/server.md).
 *
 * <p>Lifecycle: {@link TtsState}; its javadoc has the diagram, and {@code SocketStatesTest} walks
 * every transition, the illegal ones included:
 * <pre>
 *   ADMITTING ──key accepted──▶ STREAMING ──end of input──▶ ENDING ──every isFinal──▶ CLOSING
 *   STREAMING ──bad message──▶ DRAINING ──accepted text voiced──▶ CLOSING (error)
 *   ADMITTING, STREAMING ──refusal / timeout / time limit / drain / overflow──▶ CLOSING
 *   ADMITTING, STREAMING, ENDING, DRAINING, CLOSING ──peer gone──▶ CLOSED
 * </pre>
 * Only {@code ADMITTING} and {@code STREAMING} take client messages.
 *
 * <p>The downlink applies backpressure: see {@link SocketSession#audioQueued()}.
 *
 * <p>Locking: the {@link SocketSession} idiom; {@link TtsContext}s share this socket's monitor.
 * Messages whose order matters relative to the state (a context's audio versus its
 * {@code isFinal}) are queued under it, so a cancelled context's audio never follows its
 * {@code isFinal}. Thread safe. Public only for Jetty's reflection; not an API.
 */
public abstract sealed class TtsSocket<M> extends SocketSession
    permits StreamInputSocket, MultiStreamInputSocket, DialogueSocket {
  static final Logger LOG = LoggerFactory.getLogger("io.voicewire.server.tts");

  final String voiceId;
  final TtsParams params;
  private final ProtocolException paramError;
  private final Auth.Result handshakeAuth;
  private final long timeoutNanos;
  private final TtsWire<M> wire;

  // guarded by this
  final StateMachine<TtsState> state = new StateMachine<>(TtsState.ADMITTING);
  final LinkedHashMap<String, TtsContext> contexts = new LinkedHashMap<>();
  private final TtsEnding end = new TtsEnding(this);
  private long lastMessageNanos;
  private ScheduledFuture<?> inactivityTask;

  TtsSocket(Services s, SessionKind kind, String voiceId, Query query, Auth.Result auth,
      TtsWire<M> wire) {
    super(s, kind, LOG);
    this.voiceId = voiceId;
    this.wire = wire;
    TtsParams p = null;
    ProtocolException err = null;
    try {
      p = TtsParams.parse(voiceId, query);
    } catch (ProtocolException e) {
      err = e;
    }
    this.params = p;
    this.paramError = err;
    this.handshakeAuth = auth;
    this.timeoutNanos = TimeUnit.SECONDS.toNanos(
        p == null ? TtsParams.DEFAULT_INACTIVITY_TIMEOUT_SECS : p.inactivityTimeoutSecs());
  }

  // ---------------------------------------------------------------- what each endpoint adds

  /** An accepted message of an admitted socket. Under the lock. */
  abstract void onMessage(M m, long now, Effects fx);

  /** A context's provider failed or ended early. Under the lock; {@code c} is already DONE. */
  abstract void contextFailed(TtsContext c, SpeechError error, Effects fx);

  /** Ends contexts idle past the timeout; returns the next deadline. Under the lock. */
  long expireIdleContexts(long now, long next, Effects fx) {
    return next;
  }

  /**
   * The per-context inactivity rule of the multi sockets (the AsyncAPI document's
   * {@code inactivity_timeout}: "Timeout for inactivity before a context is closed", default
   * 20 s, one value for the socket): each of {@code live} without a message for the socket's
   * timeout (counted from when the socket last began reading again, if later: {@link
   * InboundFlow#readingSince}) is counted, logged and handed to {@code close}. Returns the
   * earliest deadline of the others, at most {@code next}. Under the lock; {@code live} is a copy
   * ({@code close} may remove).
   */
  final <T> long closeIdle(List<T> live, ToLongFunction<T> lastActivityNanos,
      Function<T, String> wireId, Consumer<T> close, long now, long next) {
    assert Thread.holdsLock(this);
    long reading = flow().readingSince(now); // as for the socket's own timeout
    for (T c : live) {
      long last = Math.max(lastActivityNanos.applyAsLong(c), reading);
      if (now - last >= timeoutNanos) {
        s.metrics.error(ErrorCode.INPUT_TIMEOUT_EXCEEDED.wireName());
        LOG.info("{} context timeout id={} context={}", kind.label, id, wireId.apply(c));
        close.accept(c);
      } else {
        next = Math.min(next, last + timeoutNanos);
      }
    }
    return next;
  }

  // ---------------------------------------------------------------- SocketSession

  @Override
  Outbox newOutbox(Session ws) {
    // no audio bound here: the audio mark pauses reading instead (see the class comment)
    Outbox o = new Outbox(ws, kind, s.metrics, Long.MAX_VALUE, s.limits.maxQueuedMessages(),
        s.limits.maxQueuedBytes(), s.timer, this::writeFailed,
        errorJson(Errors.overflowMessage(s.limits.maxQueuedBytes()), ErrorCode.QUEUE_OVERFLOW,
            CloseCodes.POLICY_VIOLATION, null));
    o.onProgress(this::downlinkProgressed);
    return o;
  }

  @Override
  String openLogDetail() {
    return " voice=" + voiceId;
  }

  @Override
  Admission handshakeAdmission() {
    return Admission.ofHandshake(s, paramError, handshakeAuth, true);
  }

  @Override
  boolean opened(Admission admission, Effects fx) {
    lastMessageNanos = s.now();
    if (admission == null) {
      if (!enterGate(this::onAuthDeadline)) {
        endNow(ErrorCode.RESOURCE_EXHAUSTED, FirstMessageGate.fullMessage(s),
            CloseCodes.TRY_AGAIN_LATER, false, fx);
      }
    } else {
      admitted(admission, fx);
    }
    if (state.isAny(TtsState.CLOSING, TtsState.CLOSED)) {
      return false;
    }
    scheduleInactivity(lastMessageNanos + timeoutNanos);
    return true;
  }

  @Override
  void timeLimitPassed(Effects fx) {
    endNow(ErrorCode.SESSION_TIME_LIMIT_EXCEEDED, "Session exceeded the time limit of "
        + s.limits.sessionTimeLimit().toSeconds() + " seconds", CloseCodes.POLICY_VIOLATION,
        false, fx);
  }

  @Override
  void peerGone(Effects fx) {
    state.moveTo(TtsState.CLOSED);
    end.stopTimers();
    closeAllContexts(fx);
  }

  // ---------------------------------------------------------------- frames

  @Override
  final void handleText(InboundText message) {
    String text = message.string();
    if (out().isClosing()) {
      return; // failed or closing (e.g. the outbox overflowed): nothing more is taken
    }
    boolean admitting;
    synchronized (this) {
      if (!state.isAny(TtsState.ADMITTING, TtsState.STREAMING)) {
        // refused, ended or failing (its error is queued): nothing more is taken, nor parsed
        return;
      }
      admitting = state.is(TtsState.ADMITTING);
    }
    long now = s.now();
    M m;
    try {
      m = wire.decoder().decode(text);
    } catch (ProtocolException e) {
      locked(fx -> clientError(e.code(), e.getMessage(), e.closeCode(), fx));
      return;
    }
    // credentials in the first message: checked (token store, permit) before the lock
    Admission a = admitting
        ? FirstMessageGate.admission(this, wire.apiKey().apply(m), wire.authorization().apply(m))
        : null;
    locked(fx -> {
      if (!state.isAny(TtsState.ADMITTING, TtsState.STREAMING)) {
        if (a != null && a.granted()) {
          fx.add(a.permit()::release); // the deadline or a drain ended the socket meanwhile
        }
        return;
      }
      lastMessageNanos = now;
      if (a == null || admitted(a, fx)) {
        onMessage(m, now, fx);
      }
    });
  }

  @Override
  final void binaryRefused() {
    locked(fx -> clientError(ErrorCode.INPUT_ERROR, "Binary frames are not supported: send JSON "
        + "text messages", CloseCodes.UNSUPPORTED_DATA, fx));
  }

  // ---------------------------------------------------------------- admission

  /** Applies an admission under the lock: STREAMING, or the refusal and CLOSING. */
  private boolean admitted(Admission a, Effects fx) {
    assert Thread.holdsLock(this);
    leaveGate();
    if (!a.granted()) {
      endNow(a.code(), a.message(), a.closeCode(), false, fx);
      return false;
    }
    if (!bind(a, fx)) {
      return false;
    }
    state.moveTo(TtsState.STREAMING);
    return true;
  }

  private void onAuthDeadline() {
    locked(fx -> {
      if (state.is(TtsState.ADMITTING)) {
        endNow(ErrorCode.AUTH_ERROR, FirstMessageGate.deadlineMessage(s),
            CloseCodes.POLICY_VIOLATION, false, fx);
      }
    });
  }

  /** The server drains: the chunks already queued are sent, then close 1012; see {@link Drain}. */
  @Override
  public void drainAtBoundary() {
    drainNow();
  }

  @Override
  public void drainNow() {
    locked(end::restart);
  }

  // ---------------------------------------------------------------- contexts (under lock)

  /** Opens a context for {@code request} (its provider session is opened after the lock). */
  final TtsContext openContext(String key, String wireId, io.voicewire.speech.TtsRequest request,
      long now, Effects fx) {
    assert Thread.holdsLock(this);
    TtsContext c = new TtsContext(this, key, wireId, request);
    c.lastActivityNanos = now;
    contexts.put(key, c);
    workStarted();
    fx.add(c::openSession);
    return c;
  }

  /** Hands a message's text, flush and trigger to a context, within its unvoiced-text bound. */
  final void applyText(TtsContext c, TtsClientMessage m, long now, Effects fx) {
    String problem = c.accept(m, now, fx);
    if (problem != null) {
      clientError(ErrorCode.POLICY_VIOLATION, problem, CloseCodes.POLICY_VIOLATION, fx);
    }
  }

  /** End of input ({@code ""} or {@code close_socket}): see {@link TtsEnding#endOfInput}. */
  final void beginEnding(Effects fx) {
    end.endOfInput(fx);
  }

  final void endLiveContexts(Effects fx) {
    for (TtsContext c : contexts.values()) {
      c.end(fx);
    }
    endUpstream(fx);
  }

  final void closeAllContexts(Effects fx) {
    for (TtsContext c : contexts.values()) {
      c.state.moveTo(TtsContext.State.DONE);
      fx.add(c::closeSession);
    }
    contexts.clear();
    closeUpstream(fx);
  }

  /** Whether work outside the contexts (a relayed dialogue) is still live. Under the lock. */
  boolean upstreamBusy() {
    return false;
  }

  /** End of input for work outside the contexts: it voices its rest. Under the lock. */
  void endUpstream(Effects fx) {}

  /** Cancels work outside the contexts. Under the lock. */
  void closeUpstream(Effects fx) {}

  /** Cancels an ending context now, its {@code isFinal} first (the id is being reused). */
  final void cancelContext(TtsContext c, boolean sendFinal, Effects fx) {
    assert Thread.holdsLock(this);
    c.state.moveTo(TtsContext.State.DONE);
    contexts.remove(c.key, c);
    out().purge(c);
    if (sendFinal) {
      out().enqueueUrgent(finalJson(c));
    }
    fx.add(c::closeSession);
  }

  /** A context ended with everything voiced: its {@code isFinal}, and the end of an ending. */
  final void contextCompleted(TtsContext c, Effects fx) {
    assert Thread.holdsLock(this);
    if (end.sendsFinals()) {
      out().enqueueUrgent(finalJson(c));
    }
    afterContextCompleted(c, fx);
    contextGone(fx);
  }

  /** The message that ends a context's audio ({@code isFinal} here). Under the lock. */
  String finalJson(TtsContext c) {
    return c.finalJson();
  }

  /**
   * Whether a relayed upstream's audio message for context {@code c} may go to the client as
   * received (when {@link TtsContext} finds it unchanged; a named context's id is added to it):
   * the {@code stream-input} and {@code multi-stream-input} messages have the upstream's shape.
   * A socket whose messages differ from it ({@link #audioJson}) says no.
   */
  boolean forwardsUpstreamAudio(TtsContext c) {
    return true;
  }

  /** A context's audio message (never under the lock). */
  String audioJson(TtsContext c, io.voicewire.speech.TtsAudio a) {
    return TtsContext.encodeAudio(a, c.wireId, c.request.syncAlignment());
  }

  /** After a context's completion was queued (an endpoint may open the next). Under the lock. */
  void afterContextCompleted(TtsContext c, Effects fx) {}

  /** A context left while ending: the last one finishes the ending. */
  final void contextGone(Effects fx) {
    assert Thread.holdsLock(this);
    if (contexts.isEmpty() && !upstreamBusy()
        && state.isAny(TtsState.ENDING, TtsState.DRAINING)) {
      end.finish(fx);
    }
  }

  // ---------------------------------------------------------------- endings (under lock)

  /** A bad client message: see {@link TtsEnding#clientError}. */
  final void clientError(ErrorCode code, String message, int closeCode, Effects fx) {
    end.clientError(code, message, closeCode, fx);
  }

  /** Ends the socket now: see {@link TtsEnding#now}. */
  final void endNow(ErrorCode code, String message, int closeCode, boolean purge, Effects fx) {
    end.now(code, message, closeCode, purge, fx);
  }

  // ---------------------------------------------------------------- timers

  private void scheduleInactivity(long deadlineNanos) {
    assert Thread.holdsLock(this);
    long delay = Math.max(0, deadlineNanos - s.now());
    inactivityTask = s.timer.schedule(this::onInactivityTimer, delay, TimeUnit.NANOSECONDS);
  }

  private void onInactivityTimer() {
    locked(fx -> {
      if (!state.isAny(TtsState.ADMITTING, TtsState.STREAMING)) {
        return;
      }
      long now = s.now();
      // what the client sent while the server was not reading waited for us (InboundFlow)
      lastMessageNanos = Math.max(lastMessageNanos, flow().readingSince(now));
      if (contexts.values().stream().anyMatch(c -> c.state.is(TtsContext.State.ENDING))) {
        lastMessageNanos = now; // a closed context still voicing: the client waits for its audio
      }
      if (now - lastMessageNanos >= timeoutNanos) {
        endNow(ErrorCode.INPUT_TIMEOUT_EXCEEDED, timeoutMessage(), CloseCodes.POLICY_VIOLATION,
            false, fx);
      } else {
        scheduleInactivity(expireIdleContexts(now, lastMessageNanos + timeoutNanos, fx));
      }
    });
  }

  final String timeoutMessage() {
    return TtsBounds.timeoutMessage(TimeUnit.NANOSECONDS.toSeconds(timeoutNanos));
  }

  final void stopInactivity() {
    cancel(inactivityTask);
  }

  @Override
  void downlinkStalled(Effects fx) {
    if (!state.isAny(TtsState.CLOSING, TtsState.CLOSED)) {
      endNow(ErrorCode.QUEUE_OVERFLOW, stallMessage(), CloseCodes.POLICY_VIOLATION, true, fx);
    }
  }

  // ---------------------------------------------------------------- helpers

  static String errorJson(String message, ErrorCode code, int closeCode, String ctx) {
    return new TtsServerMessage.Error(message, code.wireName(), closeCode, ctx).encode();
  }
}
