package io.voicewire.server;

import java.time.Duration;
import java.util.Objects;

/**
 * The server's limits, each with a named default. Exceeding one produces the protocol's error for
 * it (see {@code docs/server.md}) and never disturbs another session.
 *
 * @param maxSessions concurrent sessions in the whole server (WebSockets and streaming HTTP);
 *     more is {@code resource_exhausted} (STT) or a {@code resource_exhausted} error JSON (TTS),
 *     close 1013, or HTTP 429
 * @param maxSessionsPerKey concurrent sessions per API key (a token counts for the key that
 *     minted it); more is the same error as {@code maxSessions}
 * @param maxTextMessageBytes largest WebSocket text message accepted; larger closes with 1009
 * @param maxAudioChunkMillis largest audio chunk on the STT socket, in milliseconds of audio;
 *     larger is {@code chunk_size_exceeded}
 * @param sessionTimeLimit longest a WebSocket session may last; then
 *     {@code session_time_limit_exceeded}
 * @param maxQueuedAudioMillis audio queued for one slow client before its session fails with
 *     {@code queue_overflow} (TTS WebSockets and streaming HTTP)
 * @param maxQueuedMessages messages queued for one slow client before its session fails with
 *     {@code queue_overflow}
 * @param idleTimeout a WebSocket with no traffic at all (not even pings) for this long is closed
 * @param pingInterval interval of server pings on idle WebSockets; {@link Duration#ZERO} disables
 * @param maxRequestBodyBytes largest JSON body of an HTTP request
 * @param maxUploadBytes largest multipart upload of the batch speech-to-text endpoint
 * @param minCommitInterval the STT commit rate: one commit per this interval on average, with a
 *     burst of a few (3) closer together; a commit over that rate is {@code commit_throttled} and
 *     ignored (the session goes on)
 * @param maxQueuedBytes bytes of messages (urgent ones included: errors, {@code isFinal}) queued
 *     for one slow WebSocket client before its session fails with {@code queue_overflow}
 * @param maxUnauthenticatedSockets TTS WebSockets open at once that have not yet presented a key
 *     (in their first message); more are refused with {@code resource_exhausted}, close 1013
 * @param authDeadline a TTS WebSocket that opened without credentials and has not sent its first
 *     message within this time is closed with {@code auth_error}, 1008
 * @param workStopDeadline after a session is abandoned (its socket closed or lost, its request
 *     over) the engine has this long to stop its work; the session's concurrency slot is held
 *     until then and released anyway (and logged) when the deadline passes
 * @param uploadReadDeadline longest a batch speech-to-text upload may take to arrive; a slower
 *     one is answered 408 ({@code request_timeout}), before any decode slot is taken
 * @param sttResumeGrace how long a resumable realtime STT session whose connection was lost
 *     without the client's close stays parked, waiting for the client to resume it by id
 *     (docs/stt-resume.md; the design's {@code STT_RESUME_GRACE_MILLIS}); it keeps its session
 *     slot meanwhile. {@link Duration#ZERO} parks nothing (a lost connection ends the session)
 * @param sttResumeLogMessages commit messages a resumable STT session holds for a client that
 *     may not have received them (the design's {@code STT_RESUME_LOG_MESSAGES}); while attached
 *     the oldest are forgotten, while parked more ends the session
 * @param sttResumeLogBytes heap bytes (2 per UTF-16 char) of those held messages and the latest
 *     partial (the design's {@code STT_RESUME_LOG_BYTES}); same policy
 * @param sttUplinkStall how long a realtime STT chunk the engine cannot take yet (its queue of
 *     undecoded audio is full) may wait before the session fails with {@code queue_overflow}
 *     and close 1013; while it waits the socket is not read (uplink backpressure,
 *     docs/LIMITS.md), so a client that is merely faster than the engine is slowed down by TCP
 *     flow control, and only an engine that takes none of the session's audio for this long
 *     fails it
 * @param inboundBytesPerSecondPerKey bytes (characters of text frames) per second that one API
 *     key's WebSockets together may send, with a burst of one second's worth; beyond it the
 *     key's sockets read their next frame later (Jetty's demand is withheld, nothing is
 *     dropped: TCP slows the client down). 0 turns the budget off
 * @param inboundCpuPerSecondPerKey CPU time per second that the server's reading threads may
 *     spend parsing and handling one API key's inbound frames (JSON, base64, text release,
 *     voice activity detection), with a burst of one second's worth; enforced the same way.
 *     {@link Duration#ZERO} turns the budget off
 * @param inboundBytesPerSecondPerSession bytes per second that one admitted WebSocket may send,
 *     with a burst of one second's worth, charged besides its key's budget (a frame waits for
 *     the longer debt): one session cannot read faster than a few times real time, however
 *     idle its key's other sessions are. 0 turns it off
 * @param inboundCpuPerSecondPerSession the same for the reading threads' CPU time per admitted
 *     WebSocket. {@link Duration#ZERO} turns it off
 */
public record Limits(
    int maxSessions,
    int maxSessionsPerKey,
    int maxTextMessageBytes,
    int maxAudioChunkMillis,
    Duration sessionTimeLimit,
    long maxQueuedAudioMillis,
    int maxQueuedMessages,
    Duration idleTimeout,
    Duration pingInterval,
    int maxRequestBodyBytes,
    long maxUploadBytes,
    Duration minCommitInterval,
    long maxQueuedBytes,
    int maxUnauthenticatedSockets,
    Duration authDeadline,
    Duration workStopDeadline,
    Duration uploadReadDeadline,
    Duration sttResumeGrace,
    int sttResumeLogMessages,
    long sttResumeLogBytes,
    Duration sttUplinkStall,
    long inboundBytesPerSecondPerKey,
    Duration inboundCpuPerSecondPerKey,
    long inboundBytesPerSecondPerSession,
    Duration inboundCpuPerSecondPerSession) {

  /** Default {@link #maxSessions}. */
  public static final int DEFAULT_MAX_SESSIONS = 2000;
  /** Default {@link #maxSessionsPerKey}. */
  public static final int DEFAULT_MAX_SESSIONS_PER_KEY = 1000;
  /** Default {@link #maxTextMessageBytes}: 1 MiB. */
  public static final int DEFAULT_MAX_TEXT_MESSAGE_BYTES = 1024 * 1024;
  /** Default {@link #maxAudioChunkMillis}: 5 s (the guide recommends 0.1–1 s chunks). */
  public static final int DEFAULT_MAX_AUDIO_CHUNK_MILLIS = 5_000;
  /** Default {@link #sessionTimeLimit}: 1 hour. */
  public static final Duration DEFAULT_SESSION_TIME_LIMIT = Duration.ofHours(1);
  /** Default {@link #maxQueuedAudioMillis}: 20 s of audio. */
  public static final long DEFAULT_MAX_QUEUED_AUDIO_MILLIS = 20_000;
  /** Default {@link #maxQueuedMessages}. */
  public static final int DEFAULT_MAX_QUEUED_MESSAGES = 512;
  /** Default {@link #idleTimeout}: 5 minutes, above the largest TTS inactivity timeout (180 s). */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
  /** Default {@link #pingInterval}: 30 s. */
  public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(30);
  /** Default {@link #maxRequestBodyBytes}: 1 MiB. */
  public static final int DEFAULT_MAX_REQUEST_BODY_BYTES = 1024 * 1024;
  /** Default {@link #maxUploadBytes}: 64 MiB (about 35 minutes of 16 kHz 16-bit PCM). */
  public static final long DEFAULT_MAX_UPLOAD_BYTES = 64L * 1024 * 1024;
  /** Default {@link #minCommitInterval}: 100 ms. */
  public static final Duration DEFAULT_MIN_COMMIT_INTERVAL = Duration.ofMillis(100);

  /**
   * Default {@link #maxQueuedBytes}: 4 MiB (20 s of {@code pcm_48000} is 2.6 MB in base64, plus
   * its alignment).
   */
  public static final long DEFAULT_MAX_QUEUED_BYTES = 4L * 1024 * 1024;
  /** Default {@link #maxUnauthenticatedSockets}. */
  public static final int DEFAULT_MAX_UNAUTHENTICATED_SOCKETS = 256;
  /** Default {@link #authDeadline}: 10 s. */
  public static final Duration DEFAULT_AUTH_DEADLINE = Duration.ofSeconds(10);
  /** Default {@link #workStopDeadline}: 10 s. */
  public static final Duration DEFAULT_WORK_STOP_DEADLINE = Duration.ofSeconds(10);
  /** Default {@link #uploadReadDeadline}: 60 s (64 MiB at about 9 Mbit/s). */
  public static final Duration DEFAULT_UPLOAD_READ_DEADLINE = Duration.ofSeconds(60);
  /** Default {@link #sttResumeGrace}: 10 s. */
  public static final Duration DEFAULT_STT_RESUME_GRACE = Duration.ofSeconds(10);
  /** Default {@link #sttResumeLogMessages}: 256 commit messages. */
  public static final int DEFAULT_STT_RESUME_LOG_MESSAGES = 256;
  /** Default {@link #sttResumeLogBytes}: 256 KiB. */
  public static final long DEFAULT_STT_RESUME_LOG_BYTES = 256L * 1024;
  /** Default {@link #sttUplinkStall}: 60 s. */
  public static final Duration DEFAULT_STT_UPLINK_STALL = Duration.ofSeconds(60);

  /**
   * Default {@link #inboundBytesPerSecondPerKey}: 8 MiB/s (about 190 real-time 16 kHz STT
   * streams, 43 KB/s each as base64 in JSON). A key is one customer's backend or app, which may
   * serve many users at once; one session's rate is bounded by
   * {@link #DEFAULT_INBOUND_BYTES_PER_SECOND_PER_SESSION}.
   */
  public static final long DEFAULT_INBOUND_BYTES_PER_SECOND_PER_KEY = 8L * 1024 * 1024;
  /** Default {@link #inboundCpuPerSecondPerKey}: 1 s per second (one core). */
  public static final Duration DEFAULT_INBOUND_CPU_PER_SECOND_PER_KEY = Duration.ofSeconds(1);
  /**
   * Default {@link #inboundBytesPerSecondPerSession}: 512 KiB/s (twelve times real time for
   * 16 kHz PCM as base64 in JSON, four times for 48 kHz: a replay after a reconnect goes at
   * that pace).
   */
  public static final long DEFAULT_INBOUND_BYTES_PER_SECOND_PER_SESSION = 512L * 1024;
  /**
   * Default {@link #inboundCpuPerSecondPerSession}: 50 ms per second (a real-time STT stream's
   * parsing and voice activity detection take a few ms per second).
   */
  public static final Duration DEFAULT_INBOUND_CPU_PER_SECOND_PER_SESSION = Duration.ofMillis(50);

  /** The defaults. */
  public static final Limits DEFAULTS = new Limits(DEFAULT_MAX_SESSIONS,
      DEFAULT_MAX_SESSIONS_PER_KEY, DEFAULT_MAX_TEXT_MESSAGE_BYTES, DEFAULT_MAX_AUDIO_CHUNK_MILLIS,
      DEFAULT_SESSION_TIME_LIMIT, DEFAULT_MAX_QUEUED_AUDIO_MILLIS, DEFAULT_MAX_QUEUED_MESSAGES,
      DEFAULT_IDLE_TIMEOUT, DEFAULT_PING_INTERVAL, DEFAULT_MAX_REQUEST_BODY_BYTES,
      DEFAULT_MAX_UPLOAD_BYTES, DEFAULT_MIN_COMMIT_INTERVAL, DEFAULT_MAX_QUEUED_BYTES,
      DEFAULT_MAX_UNAUTHENTICATED_SOCKETS, DEFAULT_AUTH_DEADLINE, DEFAULT_WORK_STOP_DEADLINE,
      DEFAULT_UPLOAD_READ_DEADLINE, DEFAULT_STT_RESUME_GRACE, DEFAULT_STT_RESUME_LOG_MESSAGES,
      DEFAULT_STT_RESUME_LOG_BYTES, DEFAULT_STT_UPLINK_STALL,
      DEFAULT_INBOUND_BYTES_PER_SECOND_PER_KEY, DEFAULT_INBOUND_CPU_PER_SECOND_PER_KEY,
      DEFAULT_INBOUND_BYTES_PER_SECOND_PER_SESSION, DEFAULT_INBOUND_CPU_PER_SECOND_PER_SESSION);

  public Limits {
    positive("maxSessions", maxSessions);
    positive("maxSessionsPerKey", maxSessionsPerKey);
    if (maxTextMessageBytes < 1024) {
      throw new IllegalArgumentException("maxTextMessageBytes < 1024: " + maxTextMessageBytes);
    }
    positive("maxAudioChunkMillis", maxAudioChunkMillis);
    positive("sessionTimeLimit", sessionTimeLimit);
    positive("maxQueuedAudioMillis", maxQueuedAudioMillis);
    positive("maxQueuedMessages", maxQueuedMessages);
    positive("idleTimeout", idleTimeout);
    Objects.requireNonNull(pingInterval, "pingInterval == null");
    if (pingInterval.isNegative()) {
      throw new IllegalArgumentException("pingInterval < 0: " + pingInterval);
    }
    positive("maxRequestBodyBytes", maxRequestBodyBytes);
    positive("maxUploadBytes", maxUploadBytes);
    Objects.requireNonNull(minCommitInterval, "minCommitInterval == null");
    if (minCommitInterval.isNegative()) {
      throw new IllegalArgumentException("minCommitInterval < 0: " + minCommitInterval);
    }
    if (maxQueuedBytes < 64 * 1024) {
      throw new IllegalArgumentException("maxQueuedBytes < 65536: " + maxQueuedBytes);
    }
    positive("maxUnauthenticatedSockets", maxUnauthenticatedSockets);
    positive("authDeadline", authDeadline);
    positive("workStopDeadline", workStopDeadline);
    positive("uploadReadDeadline", uploadReadDeadline);
    Objects.requireNonNull(sttResumeGrace, "sttResumeGrace == null");
    if (sttResumeGrace.isNegative()) {
      throw new IllegalArgumentException("sttResumeGrace < 0: " + sttResumeGrace);
    }
    Objects.requireNonNull(sttUplinkStall, "sttUplinkStall == null");
    if (sttUplinkStall.isNegative() || sttUplinkStall.isZero()) {
      throw new IllegalArgumentException("sttUplinkStall <= 0: " + sttUplinkStall);
    }
    positive("sttResumeLogMessages", sttResumeLogMessages);
    if (sttResumeLogBytes < 1024) {
      throw new IllegalArgumentException("sttResumeLogBytes < 1024: " + sttResumeLogBytes);
    }
    if (inboundBytesPerSecondPerKey < 0) {
      throw new IllegalArgumentException("inboundBytesPerSecondPerKey < 0: "
          + inboundBytesPerSecondPerKey);
    }
    Objects.requireNonNull(inboundCpuPerSecondPerKey, "inboundCpuPerSecondPerKey == null");
    if (inboundCpuPerSecondPerKey.isNegative()) {
      throw new IllegalArgumentException("inboundCpuPerSecondPerKey < 0: "
          + inboundCpuPerSecondPerKey);
    }
    if (inboundBytesPerSecondPerSession < 0) {
      throw new IllegalArgumentException("inboundBytesPerSecondPerSession < 0: "
          + inboundBytesPerSecondPerSession);
    }
    Objects.requireNonNull(inboundCpuPerSecondPerSession,
        "inboundCpuPerSecondPerSession == null");
    if (inboundCpuPerSecondPerSession.isNegative()) {
      throw new IllegalArgumentException("inboundCpuPerSecondPerSession < 0: "
          + inboundCpuPerSecondPerSession);
    }
  }

  private static void positive(String name, long v) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " <= 0: " + v);
    }
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name + " == null");
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " <= 0: " + d);
    }
  }

  /** A builder starting from these values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds {@link Limits}. Not thread safe. */
  public static final class Builder {
    private int maxSessions;
    private int maxSessionsPerKey;
    private int maxTextMessageBytes;
    private int maxAudioChunkMillis;
    private Duration sessionTimeLimit;
    private long maxQueuedAudioMillis;
    private int maxQueuedMessages;
    private Duration idleTimeout;
    private Duration pingInterval;
    private int maxRequestBodyBytes;
    private long maxUploadBytes;
    private Duration minCommitInterval;
    private long maxQueuedBytes;
    private int maxUnauthenticatedSockets;
    private Duration authDeadline;
    private Duration workStopDeadline;
    private Duration uploadReadDeadline;
    private Duration sttResumeGrace;
    private Duration sttUplinkStall;
    private int sttResumeLogMessages;
    private long sttResumeLogBytes;
    private long inboundBytesPerSecondPerKey;
    private Duration inboundCpuPerSecondPerKey;
    private long inboundBytesPerSecondPerSession;
    private Duration inboundCpuPerSecondPerSession;

    private Builder(Limits l) {
      maxSessions = l.maxSessions;
      maxSessionsPerKey = l.maxSessionsPerKey;
      maxTextMessageBytes = l.maxTextMessageBytes;
      maxAudioChunkMillis = l.maxAudioChunkMillis;
      sessionTimeLimit = l.sessionTimeLimit;
      maxQueuedAudioMillis = l.maxQueuedAudioMillis;
      maxQueuedMessages = l.maxQueuedMessages;
      idleTimeout = l.idleTimeout;
      pingInterval = l.pingInterval;
      maxRequestBodyBytes = l.maxRequestBodyBytes;
      maxUploadBytes = l.maxUploadBytes;
      minCommitInterval = l.minCommitInterval;
      maxQueuedBytes = l.maxQueuedBytes;
      maxUnauthenticatedSockets = l.maxUnauthenticatedSockets;
      authDeadline = l.authDeadline;
      workStopDeadline = l.workStopDeadline;
      uploadReadDeadline = l.uploadReadDeadline;
      sttResumeGrace = l.sttResumeGrace;
      sttUplinkStall = l.sttUplinkStall;
      sttResumeLogMessages = l.sttResumeLogMessages;
      sttResumeLogBytes = l.sttResumeLogBytes;
      inboundBytesPerSecondPerKey = l.inboundBytesPerSecondPerKey;
      inboundCpuPerSecondPerKey = l.inboundCpuPerSecondPerKey;
      inboundBytesPerSecondPerSession = l.inboundBytesPerSecondPerSession;
      inboundCpuPerSecondPerSession = l.inboundCpuPerSecondPerSession;
    }

    public Builder maxSessions(int v) {
      maxSessions = v;
      return this;
    }

    public Builder maxSessionsPerKey(int v) {
      maxSessionsPerKey = v;
      return this;
    }

    public Builder maxTextMessageBytes(int v) {
      maxTextMessageBytes = v;
      return this;
    }

    public Builder maxAudioChunkMillis(int v) {
      maxAudioChunkMillis = v;
      return this;
    }

    public Builder sessionTimeLimit(Duration v) {
      sessionTimeLimit = v;
      return this;
    }

    public Builder maxQueuedAudioMillis(long v) {
      maxQueuedAudioMillis = v;
      return this;
    }

    public Builder maxQueuedMessages(int v) {
      maxQueuedMessages = v;
      return this;
    }

    public Builder idleTimeout(Duration v) {
      idleTimeout = v;
      return this;
    }

    public Builder pingInterval(Duration v) {
      pingInterval = v;
      return this;
    }

    public Builder maxRequestBodyBytes(int v) {
      maxRequestBodyBytes = v;
      return this;
    }

    public Builder maxUploadBytes(long v) {
      maxUploadBytes = v;
      return this;
    }

    public Builder minCommitInterval(Duration v) {
      minCommitInterval = v;
      return this;
    }

    public Builder maxQueuedBytes(long v) {
      maxQueuedBytes = v;
      return this;
    }

    public Builder maxUnauthenticatedSockets(int v) {
      maxUnauthenticatedSockets = v;
      return this;
    }

    public Builder authDeadline(Duration v) {
      authDeadline = v;
      return this;
    }

    public Builder workStopDeadline(Duration v) {
      workStopDeadline = v;
      return this;
    }

    public Builder uploadReadDeadline(Duration v) {
      uploadReadDeadline = v;
      return this;
    }

    public Builder sttResumeGrace(Duration v) {
      sttResumeGrace = v;
      return this;
    }

    public Builder sttResumeLogMessages(int v) {
      sttResumeLogMessages = v;
      return this;
    }

    public Builder sttResumeLogBytes(long v) {
      sttResumeLogBytes = v;
      return this;
    }

    public Builder sttUplinkStall(Duration v) {
      sttUplinkStall = v;
      return this;
    }

    public Builder inboundBytesPerSecondPerKey(long v) {
      inboundBytesPerSecondPerKey = v;
      return this;
    }

    public Builder inboundCpuPerSecondPerKey(Duration v) {
      inboundCpuPerSecondPerKey = v;
      return this;
    }

    public Builder inboundBytesPerSecondPerSession(long v) {
      inboundBytesPerSecondPerSession = v;
      return this;
    }

    public Builder inboundCpuPerSecondPerSession(Duration v) {
      inboundCpuPerSecondPerSession = v;
      return this;
    }

    /** Validates and builds; throws {@link IllegalArgumentException} naming the bad value. */
    public Limits build() {
      return new Limits(maxSessions, maxSessionsPerKey, maxTextMessageBytes, maxAudioChunkMillis,
          sessionTimeLimit, maxQueuedAudioMillis, maxQueuedMessages, idleTimeout, pingInterval,
          maxRequestBodyBytes, maxUploadBytes, minCommitInterval, maxQueuedBytes,
          maxUnauthenticatedSockets, authDeadline, workStopDeadline, uploadReadDeadline,
          sttResumeGrace, sttResumeLogMessages, sttResumeLogBytes, sttUplinkStall,
          inboundBytesPerSecondPerKey, inboundCpuPerSecondPerKey,
          inboundBytesPerSecondPerSession, inboundCpuPerSecondPerSession);
    }
  }
}
