package io.voicewire.server.internal;

import io.voicewire.audio.AudioFormat;
import io.voicewire.protocol.CloseCodes;
import io.voicewire.protocol.ProtocolException;
import io.voicewire.protocol.Query;
import io.voicewire.protocol.TtsClientMessage;
import io.voicewire.protocol.TtsParams;
import io.voicewire.protocol.TtsServerMessage;
import io.voicewire.speech.Alignment;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsAudio;
import io.voicewire.speech.TtsListener;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.TtsSession;
import io.voicewire.speech.VoiceSettings;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One text-to-speech WebSocket: {@code stream-input} (one utterance stream, PROTOCOL.md §2) or
 * {@code multi-stream-input} (up to {@value #MAX_CONTEXTS} contexts, §3). Each context is one
 * {@link TtsSession} of the provider; the schedule, flush and {@code auto_mode} live in the
 * session (the shared {@code TextReleaser}), everything else of the protocol lives here.
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   OPEN ──first message──▶ STARTED ──messages──▶ STARTED
 *   STARTED ──"" (stream-input) / close_socket──▶ ENDING ──all isFinal sent──▶ close 1000
 *   STARTED ──bad client message──▶ DRAINING ──accepted text voiced (≤ 10 s)──▶ error, close
 *   any ──timeout / time limit / overflow / engine failure──▶ error, close (immediately)
 *   any ──peer closes──▶ CLOSED (every context cancelled)
 * </pre>
 *
 * <p>Decisions on the shared state are made under this object's lock; calls into the provider
 * and socket writes happen after it is released (the {@code after} lists and
 * {@link Outbox#pump()}). Messages whose order matters relative to that state (a context's audio
 * versus its {@code isFinal}) are queued under the lock, so a cancelled context's audio can never
 * follow its {@code isFinal}. Thread safe: Jetty's reader thread, engine threads and the timer
 * thread all call in.
 *
 * <p>Public only because Jetty invokes listener methods reflectively; not an API.
 */
public final class TtsSocket implements Session.Listener.AutoDemanding, Drain.Drainable {
  private static final Logger LOG = LoggerFactory.getLogger("io.voicewire.server.tts");

  /** Most live contexts on one multi-stream-input socket (ElevenLabs' limit). */
  static final int MAX_CONTEXTS = 5;
  /**
   * After a bad client message, how long the text already accepted may take to be voiced before
   * the error is sent anyway.
   */
  static final long DRAIN_TIMEOUT_MILLIS = 10_000;

  private static final String DEFAULT_KEY = "\u0000default";

  private enum State {
    OPEN,
    ENDING,
    DONE
  }

  /** How the socket ends: with or without {@code isFinal}s, and which error and close follow. */
  private record Ending(boolean sendFinals, String errorJson, int closeCode, String reason) {}

  private final Services s;
  private final boolean multi;
  private final SessionKind kind;
  private final String id;
  private final String voiceId;
  private final TtsParams params;
  private final ProtocolException paramError;
  private final Auth.Result handshakeAuth;
  private final long timeoutNanos;

  private volatile Outbox out;
  /** The client's address (for throttling failed first-message logins); set on open. */
  private volatile String remote;

  // guarded by this
  private String keyId;
  private WorkSlot slot;
  private FirstMessageGate gate;
  private boolean started;
  private final LinkedHashMap<String, Context> contexts = new LinkedHashMap<>();
  private Ending ending;
  private boolean terminal;
  private boolean closed;
  private long openedNanos;
  private long lastMessageNanos;
  private ScheduledFuture<?> inactivityTask;
  private ScheduledFuture<?> limitTask;
  private ScheduledFuture<?> drainTask;

  TtsSocket(Services s, boolean multi, String voiceId, Query query, Auth.Result handshakeAuth) {
    this.s = s;
    this.multi = multi;
    this.kind = multi ? SessionKind.TTS_MULTI_STREAM_INPUT : SessionKind.TTS_STREAM_INPUT;
    this.id = s.newId();
    this.voiceId = voiceId;
    TtsParams p = null;
    ProtocolException err = null;
    try {
      p = TtsParams.parse(voiceId, query);
    } catch (ProtocolException e) {
      err = e;
    }
    this.params = p;
    this.paramError = err;
    this.handshakeAuth = handshakeAuth;
    this.timeoutNanos = TimeUnit.SECONDS.toNanos(
        p == null ? TtsParams.DEFAULT_INACTIVITY_TIMEOUT_SECS : p.inactivityTimeoutSecs());
  }

  // ---------------------------------------------------------------- socket events

  @Override
  public void onWebSocketOpen(Session session) {
    out = new Outbox(session, kind, s.metrics, s.limits.maxQueuedAudioMillis(),
        s.limits.maxQueuedMessages(), s.limits.maxQueuedBytes(), s.timer, this::peerGone,
        errorJson(Outbox.overflowMessage(s.limits.maxQueuedBytes()), ErrorCode.QUEUE_OVERFLOW,
            CloseCodes.POLICY_VIOLATION, null));
    s.metrics.sessionOpened(kind);
    s.drain.register(this);
    if (session.getRemoteSocketAddress() instanceof java.net.InetSocketAddress a) {
      remote = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
    }
    List<Runnable> after = new ArrayList<>();
    synchronized (this) {
      openedNanos = s.now();
      lastMessageNanos = openedNanos;
      LOG.info("{} open id={} voice={} remote={}", kind.label, id, voiceId,
          session.getRemoteSocketAddress());
      if (paramError != null) {
        endNow(paramError.code(), paramError.getMessage(), paramError.closeCode(), false, after);
      } else if (handshakeAuth instanceof Auth.Denied d) {
        endNow(ErrorCode.AUTH_ERROR, d.message(), CloseCodes.POLICY_VIOLATION, false, after);
      } else if (handshakeAuth instanceof Auth.Ok ok) {
        admit(ok.keyId(), after);
      } else {
        awaitFirstMessageAuth(after);
      }
      if (!terminal) {
        scheduleInactivity(lastMessageNanos + timeoutNanos);
        limitTask = s.timer.schedule(this::onTimeLimit, s.limits.sessionTimeLimit().toMillis(),
            TimeUnit.MILLISECONDS);
      }
    }
    run(after);
  }

  @Override
  public void onWebSocketText(String text) {
    s.metrics.messageIn(kind);
    Outbox o = out;
    if (o != null && o.isClosing()) {
      return; // failed or closing (e.g. the outbox overflowed): nothing more is taken
    }
    long now = s.now();
    List<Runnable> after = new ArrayList<>();
    TtsClientMessage m;
    try {
      m = TtsClientMessage.decode(text);
    } catch (ProtocolException e) {
      synchronized (this) {
        clientError(e.code(), e.getMessage(), e.closeCode(), after);
      }
      run(after);
      return;
    }
    synchronized (this) {
      if (ending != null || terminal) {
        return; // after end of input, close_socket or an error nothing more is taken
      }
      lastMessageNanos = now;
      if (keyId == null && !authenticateFirstMessage(m, after)) {
        run(after);
        return;
      }
      if (multi) {
        onMultiMessage(m, now, after);
      } else {
        onSingleMessage(m, now, after);
      }
    }
    run(after);
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    callback.succeed();
    s.metrics.messageIn(kind);
    List<Runnable> after = new ArrayList<>();
    synchronized (this) {
      clientError(ErrorCode.INPUT_ERROR, "Binary frames are not supported: send JSON text "
          + "messages", CloseCodes.UNSUPPORTED_DATA, after);
    }
    run(after);
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    if (cause instanceof org.eclipse.jetty.websocket.api.exceptions.MessageTooLargeException) {
      s.metrics.error("message_too_big");
      LOG.info("{} error id={} type=message_too_big message={}", kind.label, id,
          Redact.forLog(cause.getMessage()));
    } else {
      LOG.debug("{} socket error id={}: {}", kind.label, id, cause.toString());
    }
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    teardown("code=" + statusCode);
  }

  private void peerGone(Throwable cause) {
    teardown("write failed: " + cause.getClass().getSimpleName());
  }

  /**
   * The socket is gone: every context's provider session is cancelled, and the concurrency slot
   * is released once they all reported their end (or after {@code workStopDeadline}).
   */
  private void teardown(String why) {
    List<Runnable> after = new ArrayList<>();
    long duration;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      terminal = true;
      cancelTimers();
      leaveUnauthenticated();
      for (Context c : contexts.values()) {
        c.state = State.DONE;
        after.add(c::closeSession);
      }
      contexts.clear();
      duration = TimeUnit.NANOSECONDS.toMillis(s.now() - openedNanos);
    }
    Outbox o = out;
    if (o != null) {
      o.terminate();
    }
    for (Runnable r : after) {
      r.run();
    }
    WorkSlot p;
    synchronized (this) {
      p = slot;
    }
    if (p != null) {
      p.abandon();
    }
    s.metrics.sessionClosed(kind);
    s.drain.unregister(this);
    LOG.info("{} close id={} {} duration_ms={}", kind.label, id, why, duration);
  }

  // ---------------------------------------------------------------- drain (Drain.Drainable)

  /** The server drains: the chunks already queued are sent, then close 1012; see {@link Drain}. */
  @Override
  public void drainAtBoundary() {
    drainNow();
  }

  @Override
  public void drainNow() {
    synchronized (this) {
      if (terminal || closed) {
        return;
      }
      if (ending == null || ending.sendFinals) {
        // moving beats finishing here: the client resumes what is not voiced yet elsewhere
        ending = new Ending(false, null, Drain.SERVICE_RESTART, Drain.REASON);
      }
    }
    onDrainTimeout(); // cancels every context, then closes with the ending's code
  }

  // ---------------------------------------------------------------- messages (under lock)

  /**
   * No credentials at the handshake: they must come in the first message, within
   * {@code authDeadline}; until then the socket counts against {@code maxUnauthenticatedSockets}.
   */
  private void awaitFirstMessageAuth(List<Runnable> after) {
    assert Thread.holdsLock(this);
    gate = FirstMessageGate.enter(s, this::onAuthDeadline);
    if (gate == null) {
      endNow(ErrorCode.RESOURCE_EXHAUSTED, FirstMessageGate.fullMessage(s),
          CloseCodes.TRY_AGAIN_LATER, false, after);
    }
  }

  private void onAuthDeadline() {
    List<Runnable> after = new ArrayList<>();
    synchronized (this) {
      if (keyId == null && !terminal) {
        endNow(ErrorCode.AUTH_ERROR, FirstMessageGate.deadlineMessage(s),
            CloseCodes.POLICY_VIOLATION, false, after);
      }
    }
    run(after);
  }

  private void leaveUnauthenticated() {
    assert Thread.holdsLock(this);
    if (gate != null) {
      gate.pass();
      gate = null;
    }
  }

  private boolean authenticateFirstMessage(TtsClientMessage m, List<Runnable> after) {
    assert Thread.holdsLock(this);
    leaveUnauthenticated();
    String key = m.apiKey();
    if (key == null || key.isBlank()) {
      key = stripBearer(m.authorization());
    }
    if (key == null || key.isBlank()) {
      endNow(ErrorCode.AUTH_ERROR, Auth.missing().message(), CloseCodes.POLICY_VIOLATION, false,
          after);
      return false;
    }
    Auth.Result r = s.auth.checkKey(key, remote);
    if (r instanceof Auth.Denied d) {
      endNow(ErrorCode.AUTH_ERROR, d.message(), CloseCodes.POLICY_VIOLATION, false, after);
      return false;
    }
    return admit(((Auth.Ok) r).keyId(), after);
  }

  private boolean admit(String key, List<Runnable> after) {
    assert Thread.holdsLock(this);
    SessionLimiter.Refusal[] why = new SessionLimiter.Refusal[1];
    SessionLimiter.Permit p = s.limiter.acquire(key, why);
    if (p == null) {
      endNow(why[0].code(), why[0].message(), CloseCodes.TRY_AGAIN_LATER, false, after);
      return false;
    }
    keyId = key;
    slot = new WorkSlot(p, s.timer, s.limits.workStopDeadline().toMillis(),
        kind.label + " " + id);
    return true;
  }

  private void onSingleMessage(TtsClientMessage m, long now, List<Runnable> after) {
    assert Thread.holdsLock(this);
    Context c = contexts.get(DEFAULT_KEY);
    if (!started) {
      started = true;
      c = openContext(DEFAULT_KEY, m, now, after);
    } else {
      if (m.text() == null && !m.flush() && !m.tryTriggerGeneration()) {
        clientError(ErrorCode.INPUT_ERROR, "Message has no 'text': send {\"text\":\"...\"}, "
            + "{\"text\":\" \"} to keep the stream alive or {\"text\":\"\"} to end it",
            CloseCodes.INVALID_PAYLOAD, after);
        return;
      }
      if (c == null || c.state != State.OPEN) {
        return;
      }
      // settings again on a later message: allowed unchanged by the AsyncAPI document (SendText
      // carries voice_settings); the session gets them with the text (a relay forwards them)
    }
    applyText(c, m, now, after);
    if (m.text() != null && m.text().isEmpty()) {
      // end of input: voice the rest, then isFinal, then close 1000
      c.state = State.ENDING;
      ending = new Ending(true, null, CloseCodes.NORMAL, "");
      cancel(inactivityTask);
      after.add(c::endSession);
    }
  }

  private void onMultiMessage(TtsClientMessage m, long now, List<Runnable> after) {
    assert Thread.holdsLock(this);
    if (m.closeSocket()) {
      ending = new Ending(true, null, CloseCodes.NORMAL, "");
      cancel(inactivityTask);
      for (Context c : contexts.values()) {
        if (c.state == State.OPEN) {
          c.state = State.ENDING;
          after.add(c::endSession);
        }
      }
      if (contexts.isEmpty()) {
        finishEnding();
      }
      return;
    }
    String idProblem = TtsBounds.contextIdProblem(m.contextId());
    if (idProblem != null) {
      clientError(ErrorCode.POLICY_VIOLATION, idProblem + " (MAX_CONTEXT_ID_BYTES)",
          CloseCodes.POLICY_VIOLATION, after);
      return;
    }
    String key = m.contextId() == null ? DEFAULT_KEY : m.contextId();
    Context c = contexts.get(key);
    if (m.closeContext()) {
      if (c != null && c.state == State.OPEN) {
        c.state = State.ENDING;
        after.add(c::endSession);
      }
      return;
    }
    boolean hasText = m.text() != null;
    boolean keepAliveOnly = (!hasText || m.text().isBlank()) && !m.flush()
        && !m.tryTriggerGeneration() && !m.hasSettings();
    if (m.contextId() == null && c == null) {
      if (!hasText && !m.flush() && !m.tryTriggerGeneration() && !m.hasSettings()) {
        clientError(ErrorCode.INPUT_ERROR, "Message has neither 'text' nor 'context_id'",
            CloseCodes.INVALID_PAYLOAD, after);
        return;
      }
      if (keepAliveOnly) {
        return; // connection keep-alive: creates no context
      }
    }
    if (c != null && c.state == State.ENDING) {
      // the id is reused before its isFinal: finish the old context now, so that nothing of it
      // can be mistaken for the new one
      cancelContext(c, true, after);
      c = null;
    }
    if (c == null) {
      if (contexts.size() >= MAX_CONTEXTS) {
        clientError(ErrorCode.POLICY_VIOLATION, "Maximum simultaneous contexts exceeded (limit "
            + MAX_CONTEXTS + "): close a context before opening another",
            CloseCodes.POLICY_VIOLATION, after);
        return;
      }
      c = openContext(key, m, now, after);
    }
    // re-initialising an open context (InitialiseContext again) is allowed by the AsyncAPI
    // document; its settings go to the context's session with the text
    applyText(c, m, now, after);
  }

  private Context openContext(String key, TtsClientMessage m, long now, List<Runnable> after) {
    assert Thread.holdsLock(this);
    Context c = new Context(key, DEFAULT_KEY.equals(key) ? null : key,
        m.applyTo(params.request()), m.voiceSettings());
    c.lastActivityNanos = now;
    contexts.put(key, c);
    slot.workStarted();
    after.add(c::openSession);
    return c;
  }

  private void applyText(Context c, TtsClientMessage m, long now, List<Runnable> after) {
    assert Thread.holdsLock(this);
    c.lastActivityNanos = now;
    String t = m.text();
    // settings on a later message (or a re-initialised context) go to the session with the text
    boolean laterSettings = c.messages++ > 0 && m.hasSettings();
    if (laterSettings && (t == null || t.isEmpty() || t.equals(" "))) {
      after.add(() -> c.sendWithSettings(" ", m));
    }
    if (t != null && !t.isEmpty() && !t.equals(" ")) {
      long unvoiced = c.unvoicedBytes + TtsBounds.utf8Length(t);
      if (unvoiced > TtsBounds.MAX_UNVOICED_TEXT_BYTES) {
        clientError(ErrorCode.POLICY_VIOLATION, TtsBounds.unvoicedTextProblem(unvoiced)
            + " (MAX_UNVOICED_TEXT_BYTES)", CloseCodes.POLICY_VIOLATION, after);
        return;
      }
      c.unvoicedBytes = unvoiced;
      if (c.firstTextNanos < 0) {
        c.firstTextNanos = now;
      }
      after.add(laterSettings ? () -> c.sendWithSettings(t, m) : () -> c.send(t));
    }
    if (m.flush()) {
      after.add(c::flush);
    }
    if (m.tryTriggerGeneration()) {
      after.add(c::tryTrigger);
    }
  }

  // ---------------------------------------------------------------- endings (under lock)

  /**
   * A bad client message: what was accepted before it is still voiced (bounded by
   * {@link #DRAIN_TIMEOUT_MILLIS}), then the error is sent and the socket closes.
   */
  private void clientError(ErrorCode code, String message, int closeCode, List<Runnable> after) {
    assert Thread.holdsLock(this);
    if (ending != null || terminal) {
      return;
    }
    s.metrics.error(code.wireName());
    LOG.info("{} error id={} type={} message={}", kind.label, id, code.wireName(),
        Redact.forLog(message));
    ending = new Ending(false, errorJson(message, code, closeCode, null), closeCode, message);
    cancel(inactivityTask);
    for (Context c : contexts.values()) {
      if (c.state == State.OPEN) {
        c.state = State.ENDING;
        after.add(c::endSession);
      }
    }
    if (contexts.isEmpty()) {
      finishEnding();
    } else {
      drainTask = s.timer.schedule(this::onDrainTimeout, DRAIN_TIMEOUT_MILLIS,
          TimeUnit.MILLISECONDS);
    }
  }

  /** Ends the socket now: every context is cancelled, then the error and the close follow. */
  private void endNow(ErrorCode code, String message, int closeCode, boolean purge,
      List<Runnable> after) {
    assert Thread.holdsLock(this);
    if (terminal) {
      return;
    }
    terminal = true;
    s.metrics.error(code.wireName());
    LOG.info("{} error id={} type={} message={}", kind.label, id, code.wireName(),
        Redact.forLog(message));
    ending = new Ending(false, errorJson(message, code, closeCode, null), closeCode, message);
    cancelTimers();
    releaseSlotWhenStopped();
    for (Context c : contexts.values()) {
      c.state = State.DONE;
      after.add(c::closeSession);
    }
    contexts.clear();
    if (purge) {
      out.enqueueFailWith(ending.errorJson, closeCode, message);
    } else {
      out.enqueueUrgent(ending.errorJson);
      out.enqueueClose(closeCode, message);
    }
  }

  /**
   * The session is over (its close is queued): the slot is released once every provider session
   * has stopped, so a client that saw the close may open its next session at once.
   */
  private void releaseSlotWhenStopped() {
    assert Thread.holdsLock(this);
    if (slot != null) {
      slot.abandon();
    }
  }

  /** The last live context is done while ending: send the error (if any) and close. */
  private void finishEnding() {
    assert Thread.holdsLock(this);
    terminal = true;
    cancelTimers();
    releaseSlotWhenStopped();
    if (ending.errorJson != null) {
      out.enqueueUrgent(ending.errorJson);
    }
    out.enqueueClose(ending.closeCode, ending.reason);
  }

  private void cancelContext(Context c, boolean sendFinal, List<Runnable> after) {
    assert Thread.holdsLock(this);
    c.state = State.DONE;
    contexts.remove(c.key, c);
    out.purge(c);
    if (sendFinal) {
      out.enqueueUrgent(new TtsServerMessage.Final(c.wireId).encode());
    }
    after.add(c::closeSession);
  }

  // ---------------------------------------------------------------- timers

  private void scheduleInactivity(long deadlineNanos) {
    assert Thread.holdsLock(this);
    long delay = Math.max(0, deadlineNanos - s.now());
    inactivityTask = s.timer.schedule(this::onInactivityTimer, delay, TimeUnit.NANOSECONDS);
  }

  private void onInactivityTimer() {
    List<Runnable> after = new ArrayList<>();
    synchronized (this) {
      if (ending != null || terminal) {
        return;
      }
      long now = s.now();
      if (now - lastMessageNanos >= timeoutNanos) {
        endNow(ErrorCode.INPUT_TIMEOUT_EXCEEDED, timeoutMessage(), CloseCodes.POLICY_VIOLATION,
            false, after);
      } else {
        long next = lastMessageNanos + timeoutNanos;
        if (multi) {
          for (Context c : new ArrayList<>(contexts.values())) {
            if (c.state != State.OPEN) {
              continue;
            }
            if (now - c.lastActivityNanos >= timeoutNanos) {
              s.metrics.error(ErrorCode.INPUT_TIMEOUT_EXCEEDED.wireName());
              LOG.info("{} context timeout id={} context={}", kind.label, id, c.wireId);
              out.enqueueUrgent(errorJson(timeoutMessage(), ErrorCode.INPUT_TIMEOUT_EXCEEDED,
                  CloseCodes.POLICY_VIOLATION, c.wireId));
              c.state = State.DONE;
              contexts.remove(c.key, c);
              after.add(c::closeSession);
            } else {
              next = Math.min(next, c.lastActivityNanos + timeoutNanos);
            }
          }
        }
        scheduleInactivity(next);
      }
    }
    run(after);
  }

  private String timeoutMessage() {
    long secs = TimeUnit.NANOSECONDS.toSeconds(timeoutNanos);
    return "Have not received a new text input within the timeout of " + secs + " seconds. "
        + "Streaming input terminated. Please make sure to either feed the input in a timely "
        + "manner, or to send the end of input text (empty string \"\") when done.";
  }

  private void onTimeLimit() {
    List<Runnable> after = new ArrayList<>();
    synchronized (this) {
      endNow(ErrorCode.SESSION_TIME_LIMIT_EXCEEDED, "Session exceeded the time limit of "
          + s.limits.sessionTimeLimit().toSeconds() + " seconds", CloseCodes.POLICY_VIOLATION,
          false, after);
    }
    run(after);
  }

  private void onDrainTimeout() {
    List<Runnable> after = new ArrayList<>();
    synchronized (this) {
      if (terminal || ending == null) {
        return;
      }
      for (Context c : contexts.values()) {
        c.state = State.DONE;
        after.add(c::closeSession);
      }
      contexts.clear();
      finishEnding();
    }
    run(after);
  }

  private void cancelTimers() {
    assert Thread.holdsLock(this);
    cancel(inactivityTask);
    cancel(limitTask);
    cancel(drainTask);
    leaveUnauthenticated();
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }

  // ---------------------------------------------------------------- helpers

  private void run(List<Runnable> after) {
    for (Runnable r : after) {
      r.run();
    }
    Outbox o = out;
    if (o != null) {
      o.pump();
    }
  }

  private static String errorJson(String message, ErrorCode code, int closeCode, String ctx) {
    return new TtsServerMessage.Error(message, code.wireName(), closeCode, ctx).encode();
  }

  private static String stripBearer(String v) {
    if (v == null) {
      return null;
    }
    String t = v.trim();
    return t.toLowerCase(Locale.ROOT).startsWith("bearer ") ? t.substring(7).trim() : t;
  }

  /** Milliseconds of audio in {@code bytes} of {@code f} (estimated from the bitrate if opaque). */
  static long audioMillis(AudioFormat f, long bytes) {
    if (f.isDecodable()) {
      return Math.round(f.millisForBytes(bytes));
    }
    return f.bitrateKbps() > 0 ? bytes * 8 / f.bitrateKbps() : 0;
  }

  private static final Alignment EMPTY = new Alignment(List.of(), new int[0], new int[0]);

  /** The audio message for a chunk, with alignment as {@code sync_alignment} asks. */
  static String encodeAudio(TtsAudio a, String contextId, boolean syncAlignment) {
    Alignment al = a.alignment();
    Alignment na = a.normalizedAlignment();
    if (syncAlignment) {
      al = al == null ? EMPTY : al;
      na = na == null ? al : na;
    }
    return new TtsServerMessage.Audio(a.audio(), al, na, contextId).encode();
  }

  // ---------------------------------------------------------------- contexts

  /** One context (one provider session) and its listener. */
  private final class Context implements TtsListener {
    final String key;
    final String wireId;
    final TtsRequest request;
    final VoiceSettings firstSettings;
    volatile TtsSession session;
    State state = State.OPEN; // guarded by TtsSocket.this
    long lastActivityNanos; // guarded by TtsSocket.this
    long firstTextNanos = -1; // guarded by TtsSocket.this
    boolean firstAudio; // guarded by TtsSocket.this
    long unvoicedBytes; // guarded by TtsSocket.this
    int messages; // guarded by TtsSocket.this
    private final java.util.concurrent.atomic.AtomicBoolean ended =
        new java.util.concurrent.atomic.AtomicBoolean();

    Context(String key, String wireId, TtsRequest request, VoiceSettings firstSettings) {
      this.key = key;
      this.wireId = wireId;
      this.request = request;
      this.firstSettings = firstSettings;
    }


    // provider calls: never under the socket lock

    void openSession() {
      TtsSession ts;
      try {
        ts = s.provider.openTts(request, this);
      } catch (RuntimeException e) {
        LOG.warn("{} provider failed to open a session id={}: {}", kind.label, id,
            Redact.exception(e));
        LOG.debug("{} provider failure", kind.label, e);
        onFailure(new SpeechError(ErrorCode.ERROR, "The speech provider failed to open a "
            + "session"));
        return;
      }
      session = ts;
      State st;
      synchronized (TtsSocket.this) {
        st = state;
      }
      if (st == State.DONE) {
        ts.close();
      } else if (st == State.ENDING) {
        ts.end();
      }
    }

    void send(String text) {
      TtsSession ts = session;
      if (ts != null) {
        guard(() -> ts.send(text));
      }
    }

    void sendWithSettings(String text, TtsClientMessage m) {
      TtsSession ts = session;
      if (ts != null) {
        guard(() -> ts.sendWithSettings(text, m.voiceSettings(), m.chunkLengthSchedule()));
      }
    }

    void flush() {
      TtsSession ts = session;
      if (ts != null) {
        guard(() -> ts.flush());
      }
    }

    void tryTrigger() {
      TtsSession ts = session;
      if (ts != null) {
        guard(() -> ts.tryTrigger());
      }
    }

    void endSession() {
      TtsSession ts = session;
      if (ts != null) {
        guard(() -> ts.end());
      }
    }

    void closeSession() {
      TtsSession ts = session;
      if (ts != null) {
        guard(() -> ts.close());
      }
    }

    /** Runs a provider call; a provider that throws fails this context, never the socket. */
    private void guard(Runnable call) {
      try {
        call.run();
      } catch (RuntimeException e) {
        LOG.warn("{} provider call failed id={}: {}", kind.label, id, Redact.exception(e));
        LOG.debug("{} provider failure", kind.label, e);
        onFailure(new SpeechError(ErrorCode.ERROR, "The speech provider failed"));
      }
    }

    // listener: engine thread, serial per context

    /** The provider's terminal event for this context: its work has stopped (counted once). */
    private void workEnded() {
      if (ended.compareAndSet(false, true)) {
        WorkSlot w;
        synchronized (TtsSocket.this) {
          w = slot;
        }
        if (w != null) {
          w.workStopped();
        }
      }
    }

    @Override
    public void onAudio(TtsAudio a) {
      long aligned = TtsBounds.alignedBytes(a.alignment());
      synchronized (TtsSocket.this) {
        // no alignment from this provider: progress cannot be told, audio counts as progress
        unvoicedBytes = a.alignment() == null ? 0 : Math.max(0, unvoicedBytes - aligned);
      }
      if (a.audio().length == 0) {
        return;
      }
      String json = encodeAudio(a, wireId, request.syncAlignment());
      long ms = audioMillis(request.outputFormat(), a.audio().length);
      List<Runnable> after = new ArrayList<>();
      synchronized (TtsSocket.this) {
        if (state == State.DONE || closed) {
          return;
        }
        Outbox.Offer r = out.enqueue(json, ms, a.audio().length, this);
        if (r == Outbox.Offer.OVERFLOW) {
          endNow(ErrorCode.QUEUE_OVERFLOW, "The client is reading audio too slowly: more than "
              + s.limits.maxQueuedAudioMillis() + " ms of audio queued", CloseCodes.POLICY_VIOLATION,
              true, after);
        } else if (r == Outbox.Offer.OK && !firstAudio) {
          firstAudio = true;
          if (firstTextNanos >= 0) {
            s.metrics.ttfa.recordNanos(s.now() - firstTextNanos);
          }
        }
      }
      run(after);
    }

    @Override
    public void onClosed(boolean complete) {
      workEnded();
      List<Runnable> after = new ArrayList<>();
      synchronized (TtsSocket.this) {
        if (state == State.DONE) {
          return;
        }
        state = State.DONE;
        contexts.remove(key, this);
        if (!complete) {
          // the provider ended the session on its own, before all input was voiced
          onFailureLocked(new SpeechError(ErrorCode.ERROR, "The speech provider ended the "
              + "session before all text was voiced"), after);
          return;
        }
        if (ending == null || ending.sendFinals) {
          out.enqueueUrgent(new TtsServerMessage.Final(wireId).encode());
        }
        if (ending != null && contexts.isEmpty() && !terminal) {
          finishEnding();
        }
      }
      run(after);
    }

    @Override
    public void onFailure(SpeechError error) {
      workEnded();
      List<Runnable> after = new ArrayList<>();
      synchronized (TtsSocket.this) {
        if (state == State.DONE) {
          return;
        }
        state = State.DONE;
        contexts.remove(key, this);
        onFailureLocked(error, after);
      }
      run(after);
    }

    private void onFailureLocked(SpeechError error, List<Runnable> after) {
      assert Thread.holdsLock(TtsSocket.this);
      int closeCode = Errors.closeCode(error.code());
      if (!multi) {
        endNow(error.code(), ClientText.safe(error.message()), closeCode, false, after);
        return;
      }
      // one context failed: report it on that context, the socket goes on
      s.metrics.error(error.code().wireName());
      LOG.info("{} context error id={} context={} type={} message={}", kind.label, id, wireId,
          error.code().wireName(), Redact.forLog(error.message()));
      out.enqueueUrgent(errorJson(ClientText.safe(error.message()), error.code(), closeCode,
          wireId));
      if (ending != null && contexts.isEmpty() && !terminal) {
        finishEnding();
      }
    }
  }
}
