package io.voicewire.client.internal.stream;

import io.voicewire.audio.AudioFormat;
import io.voicewire.client.ConnectionStatus;
import io.voicewire.client.SttStream;
import io.voicewire.client.internal.ClientContext;
import io.voicewire.client.internal.Logs;
import io.voicewire.client.internal.resume.AudioRing;
import io.voicewire.client.internal.resume.SttSessionResume;
import io.voicewire.client.internal.transport.Connection;
import io.voicewire.protocol.ErrorPolicy.Retry;
import io.voicewire.protocol.JsonScan;
import io.voicewire.protocol.ProtocolException;
import io.voicewire.protocol.SttAudioFrame;
import io.voicewire.protocol.SttClientMessage;
import io.voicewire.protocol.SttParams;
import io.voicewire.protocol.SttServerMessage;
import io.voicewire.protocol.SttWords;
import io.voicewire.protocol.TokenType;
import io.voicewire.speech.CommitStrategy;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.Transcript;
import io.voicewire.speech.Word;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.slf4j.Logger;

/**
 * {@link SttStream} over the realtime STT socket, resuming through an {@link AudioRing}.
 *
 * <p>The ring is the outbox: audio and commits are appended to it, and a pump sends them in order
 * on the current connection, holding a commit back until {@link #MIN_COMMIT_INTERVAL_MILLIS}
 * after the previous one (servers throttle closer commits). After a drop the pump starts again at
 * the ring's start, so the replay keeps the original commits (paced the same way).
 *
 * <p>Where a committed transcript sits on the stream's audio timeline: for a manual commit, the
 * stream offset at which the client sent that commit (exact; the server handles messages in
 * order); otherwise the end of its last word (the stream asks the server for word timestamps and
 * holds the {@code committed_transcript} until its {@code _with_timestamps} follows, for at most
 * {@link #TIMESTAMPS_WAIT_MILLIS}); a blank one with neither never moves the timeline; a
 * non-blank one with neither is placed at the audio sent so far (an upper bound; only servers
 * without timestamps). A committed transcript ending at or before the last delivered one is a
 * repeat and is dropped.
 */
public final class RealSttStream extends ReconnectingStream implements SttStream {
  private static final Logger log = Logs.get(RealSttStream.class);

  /** Longest wait for a {@code committed_transcript_with_timestamps} after its text, ms. */
  public static final long TIMESTAMPS_WAIT_MILLIS = 1_000;
  /** VAD mode: after end, finish once the server has sent nothing for this long, ms. */
  public static final long END_SETTLE_MILLIS = 500;
  /**
   * Commits are sent at least this far apart: servers throttle commits closer than 100 ms. A
   * commit due sooner waits, and the audio behind it waits with it.
   */
  public static final long MIN_COMMIT_INTERVAL_MILLIS = 150;
  /**
   * Upper bound of the commit pacing, ms: each {@code commit_throttled} doubles the stream's
   * interval (from {@link #MIN_COMMIT_INTERVAL_MILLIS}) up to this, so a server with a longer
   * minimum interval than ours throttles a stream at most a few times.
   */
  public static final long MAX_COMMIT_INTERVAL_MILLIS = 2_000;
  /**
   * During a replay, after a replayed commit the rest waits until that commit is answered, for at
   * most this long, ms: on a flaky link every connection that gets one segment through makes
   * progress.
   */
  public static final long REPLAY_COMMIT_WAIT_MILLIS = 1_000;
  /** Consecutive ring chunks are sent in messages of at most this much audio, ms. */
  public static final int MAX_MESSAGE_MILLIS = 250;
  /**
   * A replay longer than this (audio sent before, not yet committed) gets commits of its own,
   * one every this much replayed audio, each sent as soon as its audio has been: under repeated
   * cuts every connection then commits a piece it can transcribe in its short life, instead of
   * replaying an ever longer segment that never commits. The price: the commit boundary is no
   * pause the speaker made and may fall inside a word
   * ({@link io.voicewire.client.StreamMetrics#forcedCommits()} counts them), ms. With manual
   * commits the pieces are not delivered on their own: they are joined into the committed
   * transcript of the user's next commit ({@link ManualSegment}).
   */
  public static final long FORCED_COMMIT_REPLAY_MILLIS = 2_000;
  /**
   * A forced commit goes to the quietest {@link #QUIET_WINDOW_MILLIS} window within this much
   * of the end of the replay (16-bit PCM only), ms: between words where there is a gap.
   */
  public static final long QUIET_SEARCH_MILLIS = 600;
  /** Window of the quiet-point search, ms. */
  public static final long QUIET_WINDOW_MILLIS = 20;
  /**
   * The answer to a forced commit keeps only the words that end at least this long before its
   * boundary, ms: a word that reaches the boundary may be cut by it. The stream then trims its
   * replay at the end of the last kept word and starts a new session at once, which transcribes
   * the cut word whole (an answer with no word to keep is taken whole, so progress is certain).
   */
  public static final long WORD_GUARD_MILLIS = 60;
  private static final String PARTIAL = "partial_transcript";
  /** Longest {@code previous_text} sent to a resumed session, chars. */
  public static final int MAX_PREVIOUS_TEXT_CHARS = 300;

  private final SttRequest request;
  private final SttRequest wireRequest;
  /** A relayed client's {@code previous_text}, for the first chunk when the request has none. */
  private volatile String relayedPreviousText;
  private final Listener listener;
  /**
   * The relay's stream: {@code partial_transcript} messages go to
   * {@link Listener#onServerMessage} exactly as received, without a parse.
   */
  private final boolean passThrough;
  private final AudioFormat format;
  private final int frame;
  private final AudioRing ring;

  private long streamBytes;
  /** Stream offset where the current connection's audio starts. */
  private long sessionBase;
  /** Audio sent on the current connection. */
  private long sentOnConn;
  /** The last ring entry sent on the current connection. */
  private long sentSeq;
  /** Ring entries up to this one were sent before the current connection (a replay). */
  private long replaySeq;
  private boolean started;
  private boolean firstOnConn;
  private final ArrayDeque<Long> pendingCommits = new ArrayDeque<>();
  private final ArrayDeque<Long> pendingCommitNanos = new ArrayDeque<>();
  private long lastCommitSentNanos;
  /** The current commit pacing; see {@link #MAX_COMMIT_INTERVAL_MILLIS}. */
  private long commitIntervalNanos = MIN_COMMIT_INTERVAL_MILLIS * 1_000_000L;
  /** Stream offsets of forced commits not answered yet. */
  private final TreeSet<Long> forcedAt = new TreeSet<>();
  /** Manual commits: forced pieces of the user's current segment, held back. */
  private final ManualSegment segment = new ManualSegment();
  private long replayHoldUntilNanos;
  private long lastCommitOffset = -1;
  private long horizon;
  private boolean haveHorizon;
  private String lastCommittedText;
  private boolean endRequested;
  private long lastInboundNanos;
  private long lastSendNanos;
  private long partialClockStart;
  private SttServerMessage.Committed held;
  private long heldSince;
  private boolean timestampsUnsupported;
  private long seenOverflow;
  /** Stream offset after the last audio ever sent (on any connection). */
  private long sentMax;
  /** A forced commit's answer kept fewer words than it had: start a new session now. */
  private boolean retranscribe;
  /** The server started the session on the current connection. */
  private boolean startedOnConn;
  /** Resume by session id (the voicewire extension). */
  private final SttSessionResume resume;
  /** The current connection asked to resume: nothing is sent until its session_started. */
  private boolean awaitingResume;
  /** The current connection continues a re-attached session: replayed commits are not held. */
  private boolean resumedConn;
  /**
   * Commits sent and not answered when the last connection dropped (stream offsets, send
   * times): a re-attached session answers those it received.
   */
  private final ArrayDeque<Long> lostCommits = new ArrayDeque<>();
  private final ArrayDeque<Long> lostCommitNanos = new ArrayDeque<>();

  private RealSttStream(ClientContext ctx, SttRequest request, Listener listener,
      boolean passThrough) {
    super(ctx, "stt " + request.modelId(), !passThrough);
    this.request = request;
    this.passThrough = passThrough;
    this.wireRequest = request.toBuilder().includeTimestamps(true).previousText(null).build();
    this.listener = listener;
    this.format = request.audioFormat();
    this.frame = format.frameSize();
    long maxBytes = Math.max(frame, ctx.sttReplayLimit().toMillis() * format.bytesPerSecond()
        / 1000);
    this.ring = new AudioRing(maxBytes, frame);
    // a relay's upstream is the cloud: it never asks for the extension
    this.resume = new SttSessionResume(ctx.sttResumable() && !passThrough);
  }

  /** Opens a stream and starts connecting. */
  public static RealSttStream open(ClientContext ctx, SttRequest request, Listener listener) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(listener, "listener == null");
    RealSttStream s = new RealSttStream(ctx, request, listener, false);
    s.start();
    return s;
  }

  /**
   * Opens a relay's stream and starts connecting: like {@link #open}, but each
   * {@code partial_transcript} reaches {@link Listener#onServerMessage} as received (the relay
   * forwards it unchanged) instead of {@link Listener#onPartial}, {@link #sendFrame} forwards
   * client frames as received, and the metrics have counters only (the relay's server keeps the
   * latencies).
   */
  public static RealSttStream openPassThrough(ClientContext ctx, SttRequest request,
      Listener listener) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(listener, "listener == null");
    RealSttStream s = new RealSttStream(ctx, request, listener, true);
    s.start();
    return s;
  }

  @Override
  public SttRequest request() {
    return request;
  }

  private long ms(long bytes) {
    return bytes * 1000 / format.bytesPerSecond();
  }

  private long bytesForSeconds(double secs) {
    long b = Math.round(secs * format.bytesPerSecond());
    return b - b % frame;
  }

  // ------------------------------------------------------------------ input

  @Override
  public boolean sendAudio(byte[] audio) {
    Objects.requireNonNull(audio, "audio == null");
    return sendAudio(audio, 0, audio.length);
  }

  @Override
  public boolean sendAudio(byte[] audio, int offset, int len) {
    Objects.requireNonNull(audio, "audio == null");
    Objects.checkFromIndexSize(offset, len, audio.length);
    if (len % frame != 0) {
      throw new IllegalArgumentException("audio length must be a whole number of " + frame
          + "-byte frames: " + len);
    }
    if (len == 0) {
      return true;
    }
    byte[] chunk = Arrays.copyOfRange(audio, offset, offset + len);
    return take(len, now -> ring.addAudio(chunk, now));
  }

  /**
   * Sends a client's plain audio chunk (no commit, no {@code previous_text}) as received: the
   * frame goes upstream unchanged unless it must be joined, split or given a
   * {@code previous_text} (a replay, a resumed session's first chunk), and the replay ring keeps
   * it undecoded. Same results as {@link #sendAudio(byte[])}.
   *
   * @throws IllegalArgumentException when its audio is not a whole number of frames
   */
  public boolean sendFrame(SttAudioFrame f) {
    Objects.requireNonNull(f, "frame == null");
    int len = f.audioBytes();
    if (len % frame != 0) {
      throw new IllegalArgumentException("audio length must be a whole number of " + frame
          + "-byte frames: " + len);
    }
    return len == 0 || take(len, now -> ring.addFrame(f, now));
  }

  /** Takes {@code len} bytes of audio that {@code add} appends to the ring at a time. */
  private boolean take(int len, java.util.function.LongConsumer add) {
    lock();
    try {
      if (isTerminal() || endRequested) {
        return false;
      }
      Connection c = connection();
      if (c != null && c.queuedChars() + len * 4L / 3 > Connection.MAX_QUEUED_CHARS) {
        return false; // the network is behind: this chunk is not taken
      }
      long now = ctx.nanoClock().getAsLong();
      add.accept(now);
      streamBytes += len;
      long overflow = ring.overflowBytes();
      if (overflow != seenOverflow) {
        long dropped = ms(overflow) - ms(seenOverflow);
        long total = ms(overflow);
        metrics.replayOverflowMillis.add(dropped);
        seenOverflow = overflow;
        events.offer(() -> listener.onReplayDropped(dropped, total));
      }
      if (partialClockStart == 0) {
        partialClockStart = now;
      }
      pump(now);
      return true;
    } finally {
      unlock();
    }
  }

  @Override
  public boolean commit() {
    lock();
    try {
      if (isTerminal() || endRequested) {
        return false;
      }
      addCommit();
      return true;
    } finally {
      unlock();
    }
  }

  private void addCommit() {
    long now = ctx.nanoClock().getAsLong();
    ring.addCommit(now);
    lastCommitOffset = streamBytes;
    pump(now);
  }

  @Override
  public boolean end() {
    lock();
    try {
      if (isTerminal() || endRequested) {
        return false;
      }
      endRequested = true;
      markEnding();
      if (streamBytes > Math.max(lastCommitOffset, haveHorizon ? horizon : 0)) {
        addCommit();
      }
      maybeFinish(ctx.nanoClock().getAsLong());
      return true;
    } finally {
      unlock();
    }
  }

  @Override
  public void close() {
    end();
  }

  /**
   * For the relay: the {@code previous_text} its client sent with its first chunk; sent with this
   * stream's first chunk when the request carries none. Call before that chunk's audio.
   */
  public void previousText(String text) {
    relayedPreviousText = text;
  }

  @Override
  public long audioSentMs() {
    lock();
    try {
      return ms(streamBytes);
    } finally {
      unlock();
    }
  }

  // ------------------------------------------------------------------ the pump

  /** Lock held: sends ring entries after {@link #sentSeq}, pacing commits. */
  private void pump(long now) {
    Connection c = connection();
    if (c == null || awaitingResume) {
      return;
    }
    int maxBytes = Math.max(frame, format.bytesForMillis(MAX_MESSAGE_MILLIS));
    if (replayHoldUntilNanos != 0) {
      if (!pendingCommits.isEmpty() && now < replayHoldUntilNanos) {
        return; // waiting for the answer to a replayed commit
      }
      replayHoldUntilNanos = 0;
    }
    AudioRing.Entry runFirst = null; // consecutive audio entries sent as one message
    AudioRing.Entry runLast = null;
    long runBytes = 0;
    AudioRing.Entry e;
    while ((e = ring.after(runLast != null ? runLast.seq() : sentSeq)) != null) {
      if (e.isCommit()) {
        if (runFirst != null) {
          if (!sendRun(c, runFirst, runLast, runBytes)) {
            return;
          }
          runFirst = null;
          runLast = null;
        }
        if (now - lastCommitSentNanos < commitIntervalNanos) {
          return; // onTick sends it when the interval has passed
        }
        if (!c.send(chunkMessage(new byte[0], true))) {
          return; // the connection is going; the next one replays the ring
        }
        sentSeq = e.seq();
        log.debug("{}: commit at {} ms sent{}", name, ms(e.offset()),
            e.seq() <= replaySeq ? " (replayed)" : "");
        pendingCommits.add(e.offset());
        pendingCommitNanos.add(e.seq() <= replaySeq ? now : e.sendNanos());
        lastCommitSentNanos = now;
        lastSendNanos = now;
        if (e.seq() <= replaySeq && !resumedConn) {
          replayHoldUntilNanos = now + REPLAY_COMMIT_WAIT_MILLIS * 1_000_000L;
          return;
        }
        continue;
      }
      if (runFirst != null && runBytes + e.length() > maxBytes) {
        if (!sendRun(c, runFirst, runLast, runBytes)) {
          return;
        }
        runFirst = null;
      }
      if (runFirst == null) {
        runFirst = e;
        runBytes = 0;
      }
      runBytes += e.length();
      runLast = e;
    }
    if (runFirst != null) {
      sendRun(c, runFirst, runLast, runBytes);
    }
  }

  /**
   * Sends the audio entries {@code first..last} ({@code bytes} of audio) as one message: a
   * client's frame as received when it is alone and needs no {@code previous_text}, else a
   * message made here.
   */
  private boolean sendRun(Connection c, AudioRing.Entry first, AudioRing.Entry last,
      long bytes) {
    String msg = null;
    if (first == last && first.frame() != null && (!firstOnConn || previousTextNow() == null)) {
      firstOnConn = false;
      msg = first.frame().text();
    }
    if (msg == null) {
      byte[] b = new byte[(int) bytes];
      int at = 0;
      for (AudioRing.Entry x = first; x != null; x = ring.after(x.seq())) {
        if (!x.isCommit()) {
          byte[] a = x.audio();
          System.arraycopy(a, 0, b, at, a.length);
          at += a.length;
        }
        if (x.seq() == last.seq()) {
          break;
        }
      }
      msg = chunkMessage(b, false);
    }
    if (!c.send(msg)) {
      return false;
    }
    sentSeq = last.seq();
    sentOnConn += bytes;
    sentMax = Math.max(sentMax, last.end());
    lastSendNanos = ctx.nanoClock().getAsLong();
    if (startedOnConn) {
      markHealthy(); // the session was accepted and took our audio
    }
    return true;
  }

  private String chunkMessage(byte[] chunk, boolean commit) {
    String prev = null;
    if (firstOnConn) {
      firstOnConn = false;
      prev = previousTextNow();
    }
    return new SttClientMessage(chunk, commit, format.sampleRate(), prev).encode();
  }

  /** The {@code previous_text} of a connection's first chunk, or null. Lock held. */
  private String previousTextNow() {
    if (lastCommittedText != null && !lastCommittedText.isBlank()) {
      String t = lastCommittedText; // a resumed session: the context is what was said
      return t.length() > MAX_PREVIOUS_TEXT_CHARS
          ? t.substring(t.length() - MAX_PREVIOUS_TEXT_CHARS) : t;
    }
    return request.previousText() != null ? request.previousText() : relayedPreviousText;
  }

  /** Lock held: finishes once every commit was sent and answered (with VAD, and settled). */
  private void maybeFinish(long now) {
    if (!endRequested || isTerminal() || held != null || !pendingCommits.isEmpty()
        || awaitingResume) {
      return;
    }
    if (connection() == null || ring.after(sentSeq) != null) {
      return; // something is still to be sent
    }
    if (request.commitStrategy() == CommitStrategy.VAD
        && now - lastInboundNanos < END_SETTLE_MILLIS * 1_000_000L) {
      // a VAD commit and the answer to our last commit cannot be told apart: wait until the
      // server has been quiet for a moment
      return;
    }
    finishLocked(true, "");
  }

  // ------------------------------------------------------------------ hooks

  @Override
  protected String pathAndQuery() {
    return "/v1/speech-to-text/realtime?" + SttParams.toQuery(wireRequest)
        + resume.nextAttemptQuery();
  }

  @Override
  protected TokenType tokenType() {
    return TokenType.REALTIME_SCRIBE;
  }

  /**
   * Lock held, before a connection's replay: each stretch of the replay (audio sent before, up
   * to {@link #sentMax}) longer than {@link #FORCED_COMMIT_REPLAY_MILLIS} without a commit gets
   * commits every {@link #FORCED_COMMIT_REPLAY_MILLIS}, each at the quietest point just before.
   * The pump holds the rest of a replay until a replayed commit is answered, so every connection
   * that lives long enough to transcribe one piece commits it.
   */
  private void forceCommitsInLongReplay(long now) {
    List<Long> marks = new ArrayList<>();
    marks.add(ring.start());
    for (AudioRing.Entry e : ring.entries()) {
      if (e.isCommit() && e.offset() <= sentMax) {
        marks.add(e.offset());
      }
    }
    marks.add(sentMax);
    long piece = format.bytesForMillis((double) FORCED_COMMIT_REPLAY_MILLIS);
    long search = format.bytesForMillis((double) QUIET_SEARCH_MILLIS);
    int window = format.bytesForMillis((double) QUIET_WINDOW_MILLIS);
    for (int i = 1; i < marks.size(); i++) {
      long from = marks.get(i - 1);
      long to = marks.get(i);
      while (to - from > piece) {
        long target = from + piece;
        long at = format.isPcm() ? ring.quietestPcm16(target - search, target, window) : target;
        if (at <= from || ring.insertCommit(at, now) < 0) {
          break;
        }
        metrics.forcedCommits.increment();
        forcedAt.add(at);
        log.debug("{}: forced a commit at {} ms in a replay", name, ms(at));
        from = at;
      }
    }
  }

  @Override
  protected void onConnectionOpen(Connection c) {
    long now = ctx.nanoClock().getAsLong();
    startedOnConn = false;
    retranscribe = false;
    resumedConn = false;
    lastInboundNanos = now;
    lastSendNanos = now;
    awaitingResume = resume.attemptIsResume();
    if (awaitingResume) {
      metrics.resumesAttempted.increment();
      return; // session_started says whether the server still has the session
    }
    startNewSession(now);
  }

  /**
   * Lock held: the current connection starts a new server session, which gets the ring from its
   * start (audio since the last committed transcript), with forced commits in a long replay.
   */
  private void startNewSession(long now) {
    lostCommits.clear();
    lostCommitNanos.clear();
    // forced commits are decided per replay, from where the committed text ends now
    ring.removeCommits(forcedAt);
    forcedAt.clear();
    forceCommitsInLongReplay(now);
    sessionBase = ring.start();
    sentOnConn = 0;
    firstOnConn = true;
    pendingCommits.clear();
    pendingCommitNanos.clear();
    lastInboundNanos = now;
    lastCommitSentNanos = 0;
    replayHoldUntilNanos = 0;
    long replayedBytes = ring.bytes();
    replaySeq = ring.nextSeq() - 1;
    sentSeq = 0;
    AudioRing.Entry first = ring.after(0);
    if (first != null) {
      sentSeq = first.seq() - 1;
    }
    if (replayedBytes > 0 && metrics.connections.sum() > 1) {
      metrics.replayedAudioMillis.add(ms(replayedBytes));
      metrics.seams.increment();
    }
    long committedUpTo = haveHorizon ? horizon : 0;
    if (sessionBase > committedUpTo) {
      setResumable(true, (ms(sessionBase - committedUpTo)) + " ms of audio fell out of the full "
          + "replay ring and was not replayed");
    }
    lastSendNanos = now;
    pump(now);
  }

  /**
   * Lock held: the server re-attached the session ({@code resumed: true}); it holds the first
   * {@code audioBytesReceived} bytes of the audio sent since {@link #sessionBase}. The stream
   * sends the rest from there, without forced commits; commits the session received before the
   * drop stay pending (their answers come again or live). A commit sent right at that offset
   * may or may not have reached the server: with VAD it is sent again (an extra answer is
   * placed by its words, or is blank); with manual commits it counts as received when the
   * server answered it already (manual: the server's commits answer ours in order), else the
   * session cannot be continued exactly. Then, and when that audio is no longer in the ring, the
   * stream starts a new session instead.
   */
  private void continueSession(SttSessionResume.Answer a, long now) {
    long boundary = sessionBase + a.audioBytesReceived();
    String why = null;
    boolean boundaryCommitReceived = false;
    if (boundary > sentMax || boundary < ring.start() || boundary > ring.end()) {
      why = "the resumed session holds audio up to " + ms(boundary) + " ms, the replay ring "
          + ms(ring.start()) + "-" + ms(ring.end()) + " ms";
    } else if (request.commitStrategy() == CommitStrategy.MANUAL
        && lostCommits.contains(boundary)) {
      long answered = a.commitsSent() - resume.commitsReceived();
      int index = 0;
      for (long at : lostCommits) {
        if (at == boundary) {
          break;
        }
        index++;
      }
      boundaryCommitReceived = index < answered;
      if (!boundaryCommitReceived) {
        why = "a commit sent at " + ms(boundary) + " ms may not have reached the server";
      }
    }
    if (why != null) {
      metrics.resumesFellBack.increment();
      resume.forget();
      dropLocked(new Failure(new SpeechError(ErrorCode.ERROR, "a new session: " + why),
          Retry.NOW));
      return;
    }
    // forced commits are for new sessions: those the server did not receive go
    java.util.Set<Long> unsent = new TreeSet<>(forcedAt.tailSet(boundary, true));
    ring.removeCommits(unsent);
    forcedAt.removeAll(unsent);
    ring.splitAt(boundary);
    pendingCommits.clear();
    pendingCommitNanos.clear();
    while (!lostCommits.isEmpty()) {
      long at = lostCommits.pollFirst();
      long sent = lostCommitNanos.pollFirst();
      if (at < boundary || at == boundary && boundaryCommitReceived) {
        pendingCommits.add(at); // received: answered again (if not counted) or live
        pendingCommitNanos.add(sent);
      }
    }
    sentSeq = ring.nextSeq() - 1;
    for (AudioRing.Entry e : ring.entries()) {
      if (e.offset() > boundary || e.offset() == boundary
          && (!e.isCommit() || !boundaryCommitReceived)) {
        sentSeq = e.seq() - 1; // what the server never received starts here
        break;
      }
    }
    replaySeq = ring.nextSeq() - 1;
    long again = Math.max(0, sentMax - boundary);
    metrics.resumesSucceeded.increment();
    metrics.resumeReplayedBytes.add(again);
    metrics.replayedAudioMillis.add(ms(again));
    sentOnConn = a.audioBytesReceived();
    firstOnConn = false; // the session has its context
    resumedConn = true;
    replayHoldUntilNanos = 0;
    log.debug("{}: session resumed at {} ms ({} ms sent again, {} commits pending)", name,
        ms(boundary), ms(again), pendingCommits.size());
    pump(now);
  }

  @Override
  protected void onConnectionLost() {
    boolean resumable = resume.resumableId() != null;
    if (!awaitingResume) {
      lostCommits.clear();
      lostCommitNanos.clear();
      lostCommits.addAll(pendingCommits);
      lostCommitNanos.addAll(pendingCommitNanos);
    }
    awaitingResume = false;
    if (held != null && resumable) {
      // a re-attached session sends it again, with its timestamps (it is not counted); a new
      // session transcribes its audio again from the ring
      held = null;
      resume.commitUncounted();
    }
    if (held != null) {
      // its end is exact only if it answers a manual commit; otherwise forget it: the ring still
      // holds its audio and the next session transcribes it again
      if (request.commitStrategy() == CommitStrategy.MANUAL && !pendingCommits.isEmpty()) {
        SttServerMessage.Committed h = held;
        held = null;
        deliverCommit(h.text(), null, List.of());
      } else {
        held = null;
      }
    }
    pendingCommits.clear();
    pendingCommitNanos.clear();
  }

  @Override
  protected void onText(Connection c, String text) {
    if (passThrough && PARTIAL.equals(JsonScan.topLevelString(text, "message_type"))) {
      long now = ctx.nanoClock().getAsLong();
      lastInboundNanos = now;
      if (held != null) {
        releaseHeld();
      }
      partialSeen(now);
      events.offer(() -> listener.onServerMessage(PARTIAL, text)); // as received: no parse
      afterMessage(now);
      return;
    }
    SttServerMessage m;
    try {
      m = SttServerMessage.decode(text);
    } catch (ProtocolException e) {
      log.debug("{}: ignoring an unreadable server message: {}", name, e.getMessage());
      return;
    }
    long now = ctx.nanoClock().getAsLong();
    lastInboundNanos = now;
    if (held != null && !(m instanceof SttServerMessage.CommittedWithTimestamps)) {
      releaseHeld();
    }
    switch (m) {
      case SttServerMessage.Started s -> {
        startedOnConn = true;
        SttSessionResume.Answer a = resume.started(s.sessionId(), s.json());
        if (awaitingResume) {
          awaitingResume = false;
          if (a != null && a.resumed()) {
            continueSession(a, now);
            if (connection() == null) {
              return; // it could not be continued: a new session is on its way
            }
          } else {
            metrics.resumesFellBack.increment();
            log.debug("{}: the server no longer had the session; a new one replays {} ms",
                name, ms(ring.bytes()));
            startNewSession(now);
          }
        }
        if (sentOnConn > 0) {
          markHealthy();
        }
        if (!started) {
          started = true;
          String id = s.sessionId();
          events.offer(() -> listener.onStarted(id));
        }
      }
      case SttServerMessage.Partial p -> {
        partialSeen(now);
        long start = haveHorizon ? ms(horizon) : ms(sessionBase);
        long end = Math.max(start, ms(sessionBase + sentOnConn));
        Transcript t = Transcript.partial(p.text(), start, end);
        // not progress: a partial may cover only replayed audio
        events.offer(() -> listener.onPartial(t));
      }
      case SttServerMessage.Committed cm -> {
        resume.commitReceived();
        if (timestampsUnsupported) {
          deliverCommit(cm.text(), null, List.of());
        } else {
          held = cm;
          heldSince = now;
        }
      }
      case SttServerMessage.CommittedWithTimestamps cw -> {
        String t = held != null ? held.text() : cw.text();
        held = null;
        deliverCommit(t, cw.languageCode(), cw.words());
      }
      case SttServerMessage.Error e -> {
        if (e.code() == ErrorCode.COMMIT_THROTTLED) {
          // the server ignored the commit it received last, which need not be our oldest
          // unanswered one (its answer may still be on its way): pace commits wider from now on
          commitIntervalNanos = Math.min(2 * commitIntervalNanos,
              MAX_COMMIT_INTERVAL_MILLIS * 1_000_000L);
          if (request.commitStrategy() == CommitStrategy.MANUAL) {
            // the user's boundaries must stay exact, and which one was ignored is unknown: start
            // a new session now; it replays everything after the last answered commit, commits
            // included, paced wider
            resume.forget();
            dropLocked(new Failure(new SpeechError(ErrorCode.COMMIT_THROTTLED,
                e.error() == null ? "commit throttled" : e.error()), Retry.NOW));
            return;
          }
          // VAD: our commits are no boundaries; a later commit covers its audio, or one is added
          pendingCommits.pollFirst();
          pendingCommitNanos.pollFirst();
          if (pendingCommits.isEmpty() && ring.after(sentSeq) == null) {
            ring.addCommit(now);
            lastCommitSentNanos = now;
          }
        } else {
          serverError(new SpeechError(e.code(), e.error() == null ? e.messageType() : e.error()));
        }
      }
      case SttServerMessage.Other o -> {
        String json = SttWords.asRequested(o.messageType(), o.encode(),
            request.includeTimestamps(), request.includeLanguageDetection(),
            ms(sessionBase) / 1000.0);
        if (json != null) {
          events.offer(() -> listener.onServerMessage(o.messageType(), json));
        }
      }
      default -> { }
    }
    afterMessage(now);
  }

  /** Lock held: a partial transcript arrived at {@code now}. */
  private void partialSeen(long now) {
    if (sentOnConn > 0) {
      markAccepted(); // the server is transcribing audio we sent on this connection
    }
    if (partialClockStart != 0) {
      metrics.partialLatencyNanos(now - partialClockStart);
      partialClockStart = 0;
    }
  }

  /** Lock held: what follows every server message. */
  private void afterMessage(long now) {
    if (retranscribe) {
      retranscribe = false;
      resume.forget(); // a new session: the resumed one would not transcribe the word again
      dropLocked(new Failure(new SpeechError(ErrorCode.ERROR,
          "a new session re-transcribes a word cut by a forced commit"), Retry.NOW));
      return;
    }
    if (replayHoldUntilNanos != 0 && pendingCommits.isEmpty()) {
      pump(now); // the replayed commit was answered: go on
    }
    maybeFinish(now);
  }

  /** The text of {@code words}: their texts joined, with a space unless spacing entries exist. */
  private static String textOf(List<Word> words) {
    boolean spacing = words.stream().anyMatch(w -> "spacing".equals(w.type()));
    StringBuilder sb = new StringBuilder();
    for (Word w : words) {
      if (!spacing && !sb.isEmpty()) {
        sb.append(' ');
      }
      sb.append(w.text());
    }
    return sb.toString();
  }

  private void releaseHeld() {
    SttServerMessage.Committed h = held;
    held = null;
    timestampsUnsupported = true;
    log.debug("{}: the server sends no word timestamps; placing commits by position", name);
    deliverCommit(h.text(), null, List.of());
  }

  /** Lock held: places a committed transcript on the timeline, drops repeats, delivers. */
  private void deliverCommit(String text, String languageCode, List<Word> words) {
    long now = ctx.nanoClock().getAsLong();
    long wordsStart = -1;
    long wordsEnd = -1;
    if (!words.isEmpty()) {
      double s = Double.MAX_VALUE;
      double e = 0;
      for (Word w : words) {
        s = Math.min(s, w.start());
        e = Math.max(e, w.end());
      }
      wordsStart = sessionBase + bytesForSeconds(s);
      wordsEnd = sessionBase + bytesForSeconds(e);
    }
    Long head = pendingCommits.peekFirst();
    long guard = format.bytesForMillis((double) WORD_GUARD_MILLIS);
    boolean cutWords = false;
    if (head != null && forcedAt.contains(head) && wordsEnd > head - guard
        && wordsEnd <= head + guard) {
      List<Word> kept = new ArrayList<>();
      for (Word w : words) {
        if (sessionBase + bytesForSeconds(w.end()) <= head - guard) {
          kept.add(w);
        }
      }
      while (!kept.isEmpty() && "spacing".equals(kept.getLast().type())) {
        kept.removeLast();
      }
      if (!kept.isEmpty()) {
        metrics.wordsRetranscribed.add(words.size() - kept.size());
        words = kept;
        text = textOf(kept);
        double e = 0;
        for (Word w : kept) {
          e = Math.max(e, w.end());
        }
        wordsEnd = sessionBase + bytesForSeconds(e);
        cutWords = true;
      }
    }
    boolean manual = request.commitStrategy() == CommitStrategy.MANUAL;
    // manual: the server answers each of our commits once, in order (a throttled one makes the
    // stream reconnect), so the oldest unanswered commit places the answer, whatever its words
    boolean inOrder = manual && !pendingCommits.isEmpty();
    if (!inOrder && wordsEnd >= 0 && haveHorizon && wordsEnd <= horizon) {
      dropRepeat(wordsEnd); // word times place it exactly: it ends where delivered text ended
      return;
    }
    while (!inOrder && wordsEnd >= 0 && !pendingCommits.isEmpty()
        && pendingCommits.peekFirst() < wordsEnd) {
      pendingCommits.pollFirst(); // commits answered earlier (or never): stale
      pendingCommitNanos.pollFirst();
    }
    Long commitAt = pendingCommits.pollFirst();
    Long commitAtNanos = pendingCommitNanos.pollFirst();
    boolean forced = commitAt != null && forcedAt.remove(commitAt) && inOrder;
    long end;
    long commitNanos = 0;
    if (cutWords) {
      end = wordsEnd; // the rest, from the cut word on, goes to a new session
      retranscribe = true;
      forcedAt.add(commitAt); // its ring entry goes when that session opens
    } else if (manual && commitAt != null) {
      // the answer to our commit covers the audio up to where we sent it (in order, exactly);
      // with VAD a client commit's position is no segment boundary, so it never places one
      end = commitAt;
      commitNanos = commitAtNanos;
    } else if (wordsEnd >= 0) {
      end = wordsEnd;
    } else if (text.isBlank()) {
      // nothing said and no position: deliver it, but never move the timeline on a guess
      long h = haveHorizon ? ms(horizon) : 0;
      Transcript blank = new Transcript(text, true, h, h, List.of(), null);
      events.offer(() -> listener.onCommitted(blank));
      return;
    } else {
      end = sessionBase + sentOnConn; // an upper bound: the server gave no position
    }
    end = Math.min(end, streamBytes);
    if (haveHorizon && end <= horizon) {
      dropRepeat(end);
      return;
    }
    long startB = haveHorizon ? horizon : 0;
    if (wordsStart >= 0) {
      startB = Math.max(startB, Math.min(wordsStart, end));
    }
    if (commitNanos != 0) {
      metrics.commitLatencyNanos(now - commitNanos);
    } else if (wordsEnd >= 0) {
      long sent = ring.sendNanosAt(wordsEnd - 1);
      if (sent > 0 && !inReplay(wordsEnd)) {
        metrics.commitLatencyNanos(now - sent);
      }
    }
    horizon = end;
    haveHorizon = true;
    ring.trimTo(end);
    forcedAt.headSet(end, true).clear();
    lastCommittedText = segment.joined(text);
    List<Word> outWords = List.of();
    if (request.includeTimestamps() && !words.isEmpty()) {
      double shift = ms(sessionBase) / 1000.0;
      List<Word> shifted = new ArrayList<>(words.size());
      for (Word w : words) {
        shifted.add(w.shifted(shift));
      }
      outWords = shifted;
    }
    String lang = request.includeLanguageDetection() || request.includeTimestamps()
        ? languageCode : null;
    partialClockStart = 0;
    markProgress();
    if (forced) {
      // a piece of the user's segment, committed by us: delivered with the user's commit
      segment.hold(text, ms(startB), outWords, lang);
      log.debug("{}: forced piece {}-{} ms held: '{}'", name, ms(startB), ms(end), text);
      return;
    }
    Transcript t = segment.complete(new Transcript(text, true, ms(startB), ms(end), outWords,
        lang));
    log.debug("{}: committed {}-{} ms on connection {}: '{}'", name, ms(startB), ms(end),
        metrics.connections.sum(), text);
    events.offer(() -> listener.onCommitted(t));
  }

  /** True when the audio at stream offset {@code offset} was sent before this connection. */
  private boolean inReplay(long offset) {
    for (AudioRing.Entry e : ring.entries()) {
      if (!e.isCommit() && e.offset() <= offset && offset < e.end()) {
        return e.seq() <= replaySeq && metrics.connections.sum() > 1;
      }
    }
    return false;
  }

  private void dropRepeat(long end) {
    metrics.duplicateCommitsDropped.increment();
    log.debug("{}: dropped a committed transcript repeated across a seam ({} ms <= {} ms)",
        name, ms(end), ms(horizon));
  }

  @Override
  protected void onTick(Connection c, long nowNanos) {
    if (held != null && nowNanos - heldSince >= TIMESTAMPS_WAIT_MILLIS * 1_000_000L) {
      releaseHeld();
    }
    pump(nowNanos);
    if (!endRequested && nowNanos - lastSendNanos >= ctx.sttKeepAlive().toNanos()
        && ring.after(sentSeq) == null) {
      c.send(chunkMessage(new byte[0], false)); // keep-alive, PROTOCOL.md §5.4
      lastSendNanos = nowNanos;
    }
    maybeFinish(nowNanos);
  }

  @Override
  protected String cannotResumeReason() {
    return null;
  }

  @Override
  protected boolean completesOnDrop() {
    return endRequested && ring.bytes() == 0 && held == null;
  }

  @Override
  protected boolean awaitingAcceptance() {
    return ring.bytes() > 0;
  }

  @Override
  protected String finishTimeoutWhat() {
    return "no committed transcript";
  }

  @Override
  protected void deliverStatus(ConnectionStatus status) {
    events.offer(() -> listener.onStatus(status));
  }

  @Override
  protected void deliverClosed(boolean complete) {
    events.offer(listener::onClosed);
  }

  @Override
  protected void deliverFailure(SpeechError error) {
    events.offer(() -> listener.onFailure(error));
  }
}
