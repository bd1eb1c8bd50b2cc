package io.voicewire.server.internal;

import io.voicewire.audio.AudioFormat;
import io.voicewire.protocol.CloseCodes;
import io.voicewire.protocol.ProtocolException;
import io.voicewire.protocol.Query;
import io.voicewire.protocol.NoVerbatim;
import io.voicewire.protocol.SttClientMessage;
import io.voicewire.protocol.SttParams;
import io.voicewire.protocol.SttServerMessage;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.SttListener;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.SttSession;
import io.voicewire.speech.Transcript;
import java.nio.ByteBuffer;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One realtime speech-to-text WebSocket (PROTOCOL.md §5) over one provider {@link SttSession}.
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   OPEN ──session_started, input_audio_chunk…──▶ OPEN
 *   OPEN ──bad chunk / chunk too large / input queue full / time limit──▶ FAILING
 *   FAILING ──pending audio committed (≤ 5 s)──▶ committed_transcript…, error, close
 *   OPEN ──auth / parameters / capacity / engine failure / slow client──▶ error, close
 *   any ──peer closes──▶ CLOSED
 * </pre>
 *
 * <p>Never losing accepted audio: when a client message is bad after good audio, the session is
 * closed first (which commits what was pending), its {@code committed_transcript} is sent, and
 * only then the error and the close, bounded by {@link #FINAL_COMMIT_TIMEOUT_MILLIS}. Partial
 * transcripts that arrive while failing are dropped.
 *
 * <p>{@code commit_throttled} is not fatal: a commit closer than the configured minimum interval
 * to the previous one is refused with that message and the session goes on (its audio is
 * committed by the next commit).
 *
 * <p>Thread safe: Jetty's reader thread, the engine's thread and the timer thread call in; state
 * changes are made under this object's lock, provider calls and socket writes outside it.
 *
 * <p>Public only because Jetty invokes listener methods reflectively; not an API.
 */
public final class SttSocket implements Session.Listener.AutoDemanding, SttListener,
    Drain.Drainable {
  private static final Logger LOG = LoggerFactory.getLogger("io.voicewire.server.stt");

  /** How long the final commit of a failing session may take before the error is sent anyway. */
  static final long FINAL_COMMIT_TIMEOUT_MILLIS = 5_000;
  /** Audio chunks whose arrival times are kept for the latency metrics. */
  static final int ARRIVAL_RING_CHUNKS = 32;

  private enum State {
    OPEN,
    FAILING,
    DONE
  }

  private final Services s;
  private final String id;
  private final SttParams params;
  private final ProtocolException paramError;
  private final Auth.Result handshakeAuth;
  private final AudioFormat format;

  private volatile Outbox out;
  private volatile SttSession session;

  // guarded by this
  private State state = State.OPEN;
  private boolean closed;
  private WorkSlot slot;
  private boolean providerEnded;
  private boolean firstChunkSeen;
  private long lastCommitNanos = Long.MIN_VALUE;
  private long commitRequestedNanos = -1;
  private long audioBytes;
  private final long[] ringEndMs = new long[ARRIVAL_RING_CHUNKS];
  private final long[] ringNanos = new long[ARRIVAL_RING_CHUNKS];
  private int ringNext;
  private int ringSize;
  private String pendingError;
  private int pendingCloseCode;
  private String pendingReason;
  private long openedNanos;
  private ScheduledFuture<?> limitTask;
  private ScheduledFuture<?> finalTask;
  private boolean drainAtCommit;

  SttSocket(Services s, Query query, Auth.Result handshakeAuth) {
    this.s = s;
    this.id = s.newId();
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
    this.format = p == null ? AudioFormat.PCM_16000 : p.request().audioFormat();
  }

  // ---------------------------------------------------------------- socket events

  @Override
  public void onWebSocketOpen(Session ws) {
    out = new Outbox(ws, SessionKind.STT_REALTIME, s.metrics, Long.MAX_VALUE,
        s.limits.maxQueuedMessages(), s.limits.maxQueuedBytes(), s.timer, this::peerGone,
        SttServerMessage.Error.of(ErrorCode.QUEUE_OVERFLOW,
            Outbox.overflowMessage(s.limits.maxQueuedBytes())).encode());
    s.metrics.sessionOpened(SessionKind.STT_REALTIME);
    s.drain.register(this);
    boolean open = false;
    synchronized (this) {
      openedNanos = s.now();
      LOG.info("stt_realtime open id={} remote={}", id, ws.getRemoteSocketAddress());
      if (paramError != null) {
        failNow(paramError.code(), paramError.getMessage(), paramError.closeCode());
      } else if (handshakeAuth instanceof Auth.Denied d) {
        failNow(ErrorCode.AUTH_ERROR, d.message(), CloseCodes.POLICY_VIOLATION);
      } else if (handshakeAuth instanceof Auth.Missing) {
        failNow(ErrorCode.AUTH_ERROR, Auth.missing().message(), CloseCodes.POLICY_VIOLATION);
      } else if (handshakeAuth instanceof Auth.Ok ok) {
        SessionLimiter.Refusal[] why = new SessionLimiter.Refusal[1];
        SessionLimiter.Permit permit = s.limiter.acquire(ok.keyId(), why);
        if (permit == null) {
          failNow(why[0].code(), why[0].message(), CloseCodes.TRY_AGAIN_LATER);
        } else {
          open = true;
          slot = new WorkSlot(permit, s.timer, s.limits.workStopDeadline().toMillis(),
              "stt_realtime " + id);
          slot.workStarted();
          limitTask = s.timer.schedule(this::onTimeLimit,
              s.limits.sessionTimeLimit().toMillis(), TimeUnit.MILLISECONDS);
        }
      }
    }
    if (open) {
      SttRequest req = params.request();
      try {
        SttSession ss = s.provider.openStt(req, this);
        session = ss;
        boolean done;
        boolean gone;
        synchronized (this) {
          done = state != State.OPEN;
          gone = closed;
        }
        if (gone) {
          ss.cancel();
        } else if (done) {
          ss.close();
        }
      } catch (RuntimeException e) {
        LOG.warn("stt_realtime provider failed to open a session id={}: {}", id,
            Redact.exception(e));
        LOG.debug("stt_realtime provider failure", e);
        onFailure(new SpeechError(ErrorCode.TRANSCRIBER_ERROR,
            "The speech provider failed to open a session"));
      }
    }
    out.pump();
  }

  @Override
  public void onWebSocketText(String text) {
    s.metrics.messageIn(SessionKind.STT_REALTIME);
    Outbox o = out;
    if (o != null && o.isClosing() && state() == State.OPEN) {
      return; // the outbox failed the session by itself: no more audio is taken
    }
    long now = s.now();
    SttClientMessage m;
    try {
      m = SttClientMessage.decode(text);
    } catch (ProtocolException e) {
      clientFailure(e.code(), e.getMessage(), e.closeCode());
      return;
    }
    SttSession ss = session;
    byte[] audio = m.audio();
    boolean commit = false;
    synchronized (this) {
      if (state != State.OPEN) {
        return;
      }
      String problem = validate(m);
      if (problem != null) {
        clientFailureLocked(ErrorCode.INPUT_ERROR, problem, CloseCodes.INVALID_PAYLOAD);
      } else if (format.isDecodable()
          && format.millisForBytes(audio.length) > s.limits.maxAudioChunkMillis()) {
        clientFailureLocked(ErrorCode.CHUNK_SIZE_EXCEEDED, "Audio chunk of "
            + Math.round(format.millisForBytes(audio.length)) + " ms exceeds the limit of "
            + s.limits.maxAudioChunkMillis() + " ms", CloseCodes.POLICY_VIOLATION);
      } else {
        firstChunkSeen = true;
        if (audio.length > 0) {
          audioBytes += audio.length;
          ringEndMs[ringNext] = Math.round(format.millisForBytes(audioBytes));
          ringNanos[ringNext] = now;
          ringNext = (ringNext + 1) % ARRIVAL_RING_CHUNKS;
          ringSize = Math.min(ringSize + 1, ARRIVAL_RING_CHUNKS);
        }
        if (m.commit()) {
          long min = s.limits.minCommitInterval().toNanos();
          if (lastCommitNanos != Long.MIN_VALUE && now - lastCommitNanos < min) {
            s.metrics.error(ErrorCode.COMMIT_THROTTLED.wireName());
            out.enqueueUrgent(SttServerMessage.Error.of(ErrorCode.COMMIT_THROTTLED,
                "Commits must be at least " + s.limits.minCommitInterval().toMillis()
                    + " ms apart; this commit was ignored").encode());
          } else {
            lastCommitNanos = now;
            commitRequestedNanos = now;
            commit = true;
          }
        }
      }
    }
    if (ss != null && state() == State.OPEN) {
      try {
        if (m.previousText() != null) {
          ss.previousText(m.previousText()); // validated: the first chunk only
        }
        if (audio.length > 0) {
          s.metrics.audioIn(SessionKind.STT_REALTIME, audio.length);
          if (!ss.sendAudio(audio) && state() == State.OPEN) {
            clientFailure(ErrorCode.QUEUE_OVERFLOW, "The transcriber's input queue is full: "
                + "audio is arriving faster than it can be transcribed",
                CloseCodes.TRY_AGAIN_LATER);
          }
        }
        if (commit) {
          ss.commit();
        }
      } catch (RuntimeException e) {
        LOG.warn("stt_realtime provider call failed id={}: {}", id, Redact.exception(e));
        LOG.debug("stt_realtime provider failure", e);
        onFailure(new SpeechError(ErrorCode.TRANSCRIBER_ERROR, "The speech provider failed"));
      }
    }
    out.pump();
  }

  /** Scribe's {@code no_verbatim=true}: filler words are removed from what is sent. */
  private boolean noVerbatim() {
    return params != null && Boolean.TRUE.equals(params.request().noVerbatim());
  }

  private String validate(SttClientMessage m) {
    assert Thread.holdsLock(this);
    if (m.sampleRate() != null && m.sampleRate() != format.sampleRate()) {
      return "sample_rate " + m.sampleRate() + " does not match audio_format "
          + format.wireName() + " (" + format.sampleRate() + " Hz)";
    }
    if (m.previousText() != null && firstChunkSeen) {
      return "previous_text is allowed only on the first audio chunk";
    }
    if (format.isPcm() && m.audio().length % 2 != 0) {
      return "PCM audio must be whole 16-bit samples: got an odd number of bytes ("
          + m.audio().length + ")";
    }
    return null;
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    callback.succeed();
    s.metrics.messageIn(SessionKind.STT_REALTIME);
    clientFailure(ErrorCode.INPUT_ERROR, "Binary frames are not supported: send "
        + "input_audio_chunk JSON messages with base64 audio", CloseCodes.UNSUPPORTED_DATA);
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    if (cause instanceof org.eclipse.jetty.websocket.api.exceptions.MessageTooLargeException) {
      s.metrics.error("message_too_big");
      LOG.info("stt_realtime error id={} type=message_too_big message={}", id,
          Redact.forLog(cause.getMessage()));
    } else {
      LOG.debug("stt_realtime socket error id={}: {}", id, cause.toString());
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
   * The socket is gone: the provider session is cancelled (its queued audio and decoding are
   * dropped), and the concurrency slot is released when the provider reports that the work has
   * stopped, or after {@code workStopDeadline}.
   */
  private void teardown(String why) {
    WorkSlot p;
    long duration;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      state = State.DONE;
      cancel(limitTask);
      cancel(finalTask);
      p = slot;
      duration = TimeUnit.NANOSECONDS.toMillis(s.now() - openedNanos);
    }
    Outbox o = out;
    if (o != null) {
      o.terminate();
    }
    SttSession ss = session;
    if (ss != null) {
      ss.cancel(); // the client is gone: nobody would receive what decoding is still queued
    }
    if (p != null) {
      p.abandon();
    }
    s.metrics.sessionClosed(SessionKind.STT_REALTIME);
    s.drain.unregister(this);
    LOG.info("stt_realtime close id={} {} duration_ms={}", id, why, duration);
  }

  // ---------------------------------------------------------------- drain (Drain.Drainable)

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
    synchronized (this) {
      if (state != State.OPEN) {
        return;
      }
      moveLocked();
    }
    out.pump();
  }

  /** Closes 1012 after what is queued; the provider session is cancelled (the client replays). */
  private void moveLocked() {
    assert Thread.holdsLock(this);
    state = State.DONE;
    cancel(limitTask);
    out.enqueueClose(Drain.SERVICE_RESTART, Drain.REASON);
    s.timer.execute(() -> {
      SttSession ss = session;
      if (ss != null) {
        ss.cancel();
      }
    });
  }

  // ---------------------------------------------------------------- failures

  private State state() {
    synchronized (this) {
      return state;
    }
  }

  /** A client-caused failure: commit what was accepted, then the error, then close. */
  private void clientFailure(ErrorCode code, String message, int closeCode) {
    synchronized (this) {
      clientFailureLocked(code, message, closeCode);
    }
    out.pump();
  }

  private void clientFailureLocked(ErrorCode code, String message, int closeCode) {
    assert Thread.holdsLock(this);
    if (state != State.OPEN) {
      return;
    }
    state = State.FAILING;
    s.metrics.error(code.wireName());
    LOG.info("stt_realtime error id={} type={} message={}", id, code.wireName(),
        Redact.forLog(message));
    pendingError = SttServerMessage.Error.of(code, message).encode();
    pendingCloseCode = closeCode;
    pendingReason = message;
    cancel(limitTask);
    finalTask = s.timer.schedule(this::finishFailing, FINAL_COMMIT_TIMEOUT_MILLIS,
        TimeUnit.MILLISECONDS);
    // close the provider session outside the lock: it commits what is pending
    s.timer.execute(() -> {
      SttSession ss = session;
      if (ss != null) {
        ss.close();
      } else {
        finishFailing();
      }
    });
  }

  private void finishFailing() {
    synchronized (this) {
      if (state != State.FAILING) {
        return;
      }
      state = State.DONE;
      cancel(finalTask);
      out.enqueueUrgent(pendingError);
      out.enqueueClose(pendingCloseCode, pendingReason);
    }
    out.pump();
  }

  /** Fails now: error and close, the provider session (if any) is cancelled. */
  private void failNow(ErrorCode code, String message, int closeCode) {
    assert Thread.holdsLock(this);
    if (state == State.DONE) {
      return;
    }
    state = State.DONE;
    s.metrics.error(code.wireName());
    LOG.info("stt_realtime error id={} type={} message={}", id, code.wireName(),
        Redact.forLog(message));
    cancel(limitTask);
    cancel(finalTask);
    out.enqueueUrgent(SttServerMessage.Error.of(code, message).encode());
    out.enqueueClose(closeCode, message);
  }

  private void onTimeLimit() {
    clientFailure(ErrorCode.SESSION_TIME_LIMIT_EXCEEDED, "Session exceeded the time limit of "
        + s.limits.sessionTimeLimit().toSeconds() + " seconds", CloseCodes.POLICY_VIOLATION);
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }

  // ---------------------------------------------------------------- provider events

  @Override
  public void onStarted(String sessionId) {
    synchronized (this) {
      if (state == State.DONE) {
        return;
      }
      offer(new SttServerMessage.SessionStarted(sessionId, params.request(),
          params.enableLogging()).encode());
    }
    out.pump();
  }

  @Override
  public void onPartial(Transcript partial) {
    String json = new SttServerMessage.Partial(noVerbatim()
        ? NoVerbatim.text(partial.text()) : partial.text()).encode();
    synchronized (this) {
      if (state != State.OPEN) {
        return;
      }
      long arrival = arrivalOf(partial.audioEndMs());
      if (arrival >= 0) {
        s.metrics.partial.recordNanos(s.now() - arrival);
      }
      offer(json);
    }
    out.pump();
  }

  @Override
  public void onCommitted(Transcript committed) {
    Transcript c = noVerbatim() ? NoVerbatim.apply(committed) : committed;
    String json = new SttServerMessage.Committed(c.text()).encode();
    // with include_language_detection alone the twin carries the language and no words
    String withTs = params.request().includeTimestamps()
        || params.request().includeLanguageDetection()
        ? new SttServerMessage.CommittedWithTimestamps(c.text(), c.languageCode(),
            params.request().includeTimestamps() ? c.words() : null).encode()
        : null;
    synchronized (this) {
      if (state == State.DONE) {
        return;
      }
      long start = commitRequestedNanos >= 0 ? commitRequestedNanos : arrivalOf(c.audioEndMs());
      commitRequestedNanos = -1;
      if (start >= 0) {
        s.metrics.commit.recordNanos(s.now() - start);
      }
      offer(json);
      if (withTs != null) {
        offer(withTs);
      }
      if (drainAtCommit && state == State.OPEN) {
        moveLocked();
      }
    }
    out.pump();
  }

  @Override
  public void onServerMessage(String messageType, String json) {
    synchronized (this) {
      if (state == State.DONE) {
        return;
      }
      offer(json); // a relay's upstream message the provider interface does not model
    }
    out.pump();
  }

  /** The provider's terminal event: its work has stopped (counted once). */
  private void providerEnded() {
    WorkSlot w;
    synchronized (this) {
      if (providerEnded) {
        return;
      }
      providerEnded = true;
      w = slot;
    }
    if (w != null) {
      w.workStopped();
    }
  }

  @Override
  public void onClosed() {
    providerEnded();
    State st;
    synchronized (this) {
      st = state;
      if (st == State.OPEN) {
        // the provider ended the session on its own
        state = State.DONE;
        out.enqueueClose(CloseCodes.NORMAL, "");
      }
    }
    if (st == State.FAILING) {
      finishFailing();
    } else {
      out.pump();
    }
  }

  @Override
  public void onFailure(SpeechError error) {
    providerEnded();
    State st;
    synchronized (this) {
      st = state;
      if (st == State.OPEN) {
        failNow(error.code(), ClientText.safe(error.message()), Errors.closeCode(error.code()));
      }
    }
    if (st == State.FAILING) {
      finishFailing();
    } else {
      out.pump();
    }
  }

  /** Queues within the bounds; on overflow the session fails with {@code queue_overflow}. */
  private void offer(String json) {
    assert Thread.holdsLock(this);
    if (out.enqueue(json, 0, 0, null) == Outbox.Offer.OVERFLOW) {
      state = State.DONE;
      s.metrics.error(ErrorCode.QUEUE_OVERFLOW.wireName());
      String msg = "The client is reading too slowly: more than " + s.limits.maxQueuedMessages()
          + " messages queued";
      LOG.info("stt_realtime error id={} type=queue_overflow message={}", id, msg);
      out.enqueueFailWith(SttServerMessage.Error.of(ErrorCode.QUEUE_OVERFLOW, msg).encode(),
          CloseCodes.POLICY_VIOLATION, msg);
      s.timer.execute(() -> {
        SttSession ss = session;
        if (ss != null) {
          ss.close();
        }
      });
    }
  }

  /** Arrival time of the chunk holding audio time {@code audioMs}, or -1 if not remembered. */
  private long arrivalOf(long audioMs) {
    assert Thread.holdsLock(this);
    long best = -1;
    for (int i = 0; i < ringSize; i++) {
      int idx = (ringNext - 1 - i + ARRIVAL_RING_CHUNKS) % ARRIVAL_RING_CHUNKS;
      if (ringEndMs[idx] >= audioMs) {
        best = ringNanos[idx];
      } else {
        break;
      }
    }
    return best;
  }
}
