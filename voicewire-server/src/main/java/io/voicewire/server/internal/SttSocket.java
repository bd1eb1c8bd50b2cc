package io.voicewire.server.internal;

import io.voicewire.protocol.CloseCodes;
import io.voicewire.protocol.ProtocolException;
import io.voicewire.protocol.Query;
import io.voicewire.protocol.SttAudioFrame;
import io.voicewire.protocol.SttClientMessage;
import io.voicewire.protocol.SttParams;
import io.voicewire.protocol.SttResume;
import io.voicewire.protocol.SttServerMessage;
import io.voicewire.protocol.internal.InboundText;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SttSession;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.LoggerFactory;

/**
 * One connection of the realtime speech-to-text socket (PROTOCOL.md §5): the WebSocket, its
 * admission and its outbox. The session itself — engine session, permit, uplink rules, commit
 * log, state ({@link SttState}) — is an {@link SttServerSession}, attached to one connection at a
 * time: a connection admitted with a key and a permit starts a new one; a reconnect that names a
 * resumable session ({@link SttResume#RESUME_SESSION}, same key and parameters) is attached to
 * it without a new permit (docs/stt-resume.md). A refused connection never gets a session: its
 * error and close are queued at once.
 *
 * <p>Frames are parsed here and handed to the attached session; a connection the session no
 * longer has (replaced by a resume) gets its frames ignored. When the connection goes, the
 * session is told ({@link SttServerSession#detached}) with whether it was the client's close
 * 1000: otherwise a resumable session is parked.
 *
 * <p>Thread safe: the {@link SocketSession} idiom for the connection's own state; the session's
 * state is the session's (their monitors are never held together). Public only for Jetty's
 * reflection.
 */
public final class SttSocket extends SocketSession {
  /** While the uplink is held, an unsolicited pong this often ({@link #stillHeld}), ms. */
  static final long HELD_PONG_MILLIS = 1_000;
  private final SttParams params;
  private final SttResume.Params resume;
  private final ProtocolException paramError;
  private final Auth.Result handshakeAuth;
  /** The resumable session's id announced at the upgrade, or null (not resumable). */
  private final String sessionId;
  /** The live session a resume names, found at the upgrade, or null. */
  private final SttServerSession candidate;
  private volatile SttServerSession session;
  private volatile boolean lost;
  /** Why the resume asked for was not honoured (told in session_started), or null. */
  private String fallbackReason;
  /** Heartbeat pongs sent during the current hold of the uplink. Guarded by this. */
  private long heldPongs;

  SttSocket(Services s, Query query, Auth.Result handshakeAuth) {
    super(s, SessionKind.STT_REALTIME, LoggerFactory.getLogger("io.voicewire.server.stt"));
    SttParams p = null;
    SttResume.Params r = SttResume.Params.NONE;
    ProtocolException err = null;
    try {
      p = SttParams.parse(query);
      r = SttResume.Params.parse(query);
    } catch (ProtocolException e) {
      err = e;
    }
    this.params = p;
    this.resume = r;
    this.paramError = err;
    this.handshakeAuth = handshakeAuth;
    SttServerSession c = null;
    if (err == null && r.resuming() && handshakeAuth instanceof Auth.Ok ok) {
      c = s.sttSessions.find(r.resumeSession(), ok.keyId());
      if (c != null && !c.request().equals(p.request())) {
        c = null;
        fallbackReason = "the query parameters differ from the session's";
      }
    }
    this.candidate = c;
    this.sessionId = err != null || !(handshakeAuth instanceof Auth.Ok) || !r.resumable() ? null
        : c != null ? c.id() : s.newSessionId();
  }

  // ---------------------------------------------------------------- SocketSession

  @Override
  Outbox newOutbox(Session ws) {
    return new Outbox(ws, kind, s.metrics, Long.MAX_VALUE, s.limits.maxQueuedMessages(),
        s.limits.maxQueuedBytes(), s.timer, this::writeFailed,
        SttServerMessage.Error.of(ErrorCode.QUEUE_OVERFLOW,
            Errors.overflowMessage(s.limits.maxQueuedBytes())).encode());
  }

  @Override
  String[] upgradeHeader() {
    return sessionId == null ? null : new String[] {SttResume.SESSION_ID_HEADER, sessionId};
  }

  /**
   * A resume is settled here, before the monitor (the claim takes the session's): on success the
   * connection is attached and null is returned (no new permit: the session holds one); reading
   * waits until the session has queued the resumed {@code session_started}.
   */
  @Override
  Admission handshakeAdmission() {
    Auth.Result auth = handshakeAuth;
    if (auth instanceof Auth.Ok ok) {
      flow().chargeTo(ok.keyId()); // a resumed session's connection too: the key is the same
    }
    if (candidate != null) {
      synchronized (this) {
        flow().pause();
      }
      String[] why = new String[1];
      SttServerSession.Claim c = candidate.claim(this, resume.commitsReceived(),
          params.request(), why);
      if (c == SttServerSession.Claim.RESUMED) {
        session = candidate;
        if (lost) {
          candidate.detached(this, false);
        }
        return null;
      }
      flow().resume();
      s.sttSessions.refused();
      if (c == SttServerSession.Claim.BAD_COUNT) {
        return Admission.refused(ErrorCode.POLICY_VIOLATION, why[0],
            CloseCodes.POLICY_VIOLATION);
      }
      fallbackReason = why[0];
    } else if (paramError == null && resume.resuming() && auth instanceof Auth.Ok) {
      s.sttSessions.refused();
      if (fallbackReason == null) {
        fallbackReason = s.sttSessions.whyNot(resume.resumeSession(), s.now());
      }
    }
    return Admission.ofHandshake(s, paramError, auth, false);
  }

  @Override
  boolean opened(Admission a, Effects fx) {
    if (session != null) {
      return true; // resumed at the handshake
    }
    if (!a.granted()) {
      closeWith(a.code(), a.message(), a.closeCode(), false);
      return false;
    }
    if (isGone()) {
      fx.add(a.permit()::release);
      return false;
    }
    // a resume that failed after the upgrade announced its id (it ended meanwhile) gets a new id
    String sid = sessionId == null ? id : candidate != null ? s.newSessionId() : sessionId;
    SttServerSession ss = new SttServerSession(s, sid, a.keyId(), params, sessionId != null,
        a.permit(), this, fallbackReason, log);
    ss.admitted();
    session = ss;
    fx.add(ss::start);
    return true;
  }

  @Override
  long timeLimitMillis() {
    SttServerSession ss = session;
    return ss == null ? super.timeLimitMillis() : ss.remainingMillis();
  }

  @Override
  void timeLimitPassed(Effects fx) {
    SttServerSession ss = session;
    if (ss != null) {
      fx.add(() -> ss.timeLimit(this));
    }
  }

  @Override
  void peerGone(Effects fx) {
    lost = true;
    boolean clientClosed = peerCloseCode() == CloseCodes.NORMAL;
    fx.add(() -> {
      SttServerSession ss = session;
      if (ss != null) {
        ss.detached(this, clientClosed);
      }
    });
  }

  // ---------------------------------------------------------------- frames

  @Override
  void handleText(InboundText message) {
    SttServerSession ss = session;
    if (ss == null || out().isClosing()) {
      return; // refused, or the outbox failed the session by itself: no more audio is taken
    }
    // a plain chunk needs no parse, no String and no copy: its bytes go on as received, lent
    // from the message buffer for the provider's call (a relay's path)
    SttAudioFrame f = SttAudioFrame.scanView(message.array(), message.length());
    if (f != null) {
      ss.chunk(this, f.sampleRate(), null, f.audioBytes(), false, new FrameHandover(f));
      return;
    }
    SttClientMessage m;
    try {
      m = SttClientMessage.decode(message.string());
    } catch (ProtocolException e) {
      ss.clientError(this, e.code(), e.getMessage(), e.closeCode());
      return;
    }
    byte[] audio = m.audio();
    ss.chunk(this, m.sampleRate(), m.previousText(), audio.length, m.commit(),
        es -> es.sendAudio(audio));
  }

  /** A client's frame, lent to the provider for the call; kept, it is copied out of the buffer. */
  private record FrameHandover(SttAudioFrame f) implements SttServerSession.Handover {
    @Override
    public boolean test(SttSession es) {
      return es.sendAudioFrame(f.frame(), f.offset(), f.length(), f.audioFrom(), f.audioTo(),
          f.audioBytes());
    }

    @Override
    public SttServerSession.Handover kept() {
      return new FrameHandover(f.detached());
    }
  }

  @Override
  void binaryRefused() {
    SttServerSession ss = session;
    if (ss != null) {
      ss.clientError(this, ErrorCode.INPUT_ERROR, "Binary frames are not supported: send "
          + "input_audio_chunk JSON messages with base64 audio", CloseCodes.UNSUPPORTED_DATA);
    }
  }

  @Override
  public void drainAtBoundary() {
    SttServerSession ss = session;
    if (ss != null) {
      ss.drainAtCommit(this);
    }
  }

  @Override
  public void drainNow() {
    SttServerSession ss = session;
    if (ss != null) {
      ss.drainNow(this);
    }
  }

  // ---------------------------------------------------------------- called by the session

  /** The error and the close, after what is queued or ({@code purge}) not. */
  void closeWith(ErrorCode code, String message, int closeCode, boolean purge) {
    logError(code, message);
    String json = SttServerMessage.Error.of(code, message).encode();
    if (purge) {
      out().enqueueFailWith(json, closeCode, message);
    } else {
      out().enqueueUrgent(json);
      out().enqueueClose(closeCode, message);
    }
  }

  /**
   * Uplink backpressure: the engine cannot take this connection's chunk yet, so no further frame
   * is read (Jetty's demand is owed) until the session calls {@code flow().resume()}; TCP flow
   * control then slows the client down. Not under any lock.
   */
  void holdUplink() {
    synchronized (this) {
      heldPongs = 0;
      flow().pause();
    }
  }

  /**
   * While the uplink is held: the client's pings wait unread behind the held audio, so that a
   * client's heartbeat does not take a busy server for a dead one, the server sends an unsolicited
   * pong every {@link #HELD_PONG_MILLIS} (the first after as long). Not under any lock.
   *
   * @param heldNanos how long the chunk has been held
   */
  void stillHeld(long heldNanos) {
    long n = heldNanos / (HELD_PONG_MILLIS * 1_000_000L);
    synchronized (this) {
      if (n <= heldPongs) {
        return;
      }
      heldPongs = n;
    }
    sendHeartbeatPong();
  }

  /** A resume took this connection's session over: close 1001 after what is queued. */
  void replaced() {
    log.info("{} replaced id={} by a resumed connection", kind.label, id);
    out().enqueueClose(CloseCodes.GOING_AWAY, "replaced by a resumed connection");
    out().pump();
  }
}
