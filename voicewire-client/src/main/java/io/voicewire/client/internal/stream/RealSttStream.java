package io.voicewire.client.internal.stream;

import io.voicewire.client.ConnectionStatus;
import io.voicewire.client.StreamMetrics;
import io.voicewire.client.SttStream;
import io.voicewire.client.internal.ClientContext;
import io.voicewire.client.internal.resume.AudioRing;
import io.voicewire.client.internal.transport.Connection;
import io.voicewire.protocol.SttAudioFrame;
import io.voicewire.protocol.SttParams;
import io.voicewire.protocol.TokenType;
import io.voicewire.speech.SttListener;
import io.voicewire.speech.SttRequest;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * {@link SttStream} over the realtime STT socket, resuming through an {@link AudioRing}; composed
 * of a {@link ConnectionSupervisor} (connections, retries, status), its {@link SttState}, the
 * {@link SttOutbox} (what goes out), {@link SttCommits} (where committed transcripts sit) and
 * {@link SttWire} (each connection's session, and what a drop means).
 *
 * <p>The ring is the outbox: audio and commits are appended to it, and a pump sends them in order
 * on the current connection, holding a commit back until {@link #MIN_COMMIT_INTERVAL_MILLIS}
 * after the previous one (servers throttle closer commits). After a drop the stream asks a
 * voicewire server to re-attach its session by id ({@link io.voicewire.client.SttResumeMode}) and
 * sends only the audio the server never received; otherwise (another server, or the session is
 * gone) the pump starts again at the ring's start in a new session, so the replay keeps the
 * original commits (paced the same way).
 *
 * <p>Where a committed transcript sits on the stream's audio timeline: for a manual commit, the
 * stream offset at which the client sent that commit (exact; the server handles messages in
 * order); otherwise the end of its last word (the stream asks the server for word timestamps and
 * holds the {@code committed_transcript} until its {@code _with_timestamps} follows, for at most
 * {@link #TIMESTAMPS_WAIT_MILLIS}); a blank one with neither never moves the timeline; a
 * non-blank one with neither is placed at the audio sent so far (an upper bound; only servers
 * without timestamps). A committed transcript ending at or before the last delivered one is a
 * repeat and is dropped.
 *
 * <p>Thread safe: all state is guarded by the supervisor's lock.
 */
public final class RealSttStream implements SttStream {
  /** Longest wait for a {@code committed_transcript_with_timestamps} after its text, ms. */
  public static final long TIMESTAMPS_WAIT_MILLIS = 1_000;
  /**
   * VAD mode, after end: when no answer the stream could tell from a VAD commit's came for its
   * final commit, it still finishes once the server has been quiet this long with no uncommitted
   * text, ms (see {@code SttCommits}).
   */
  public static final long FINAL_ANSWER_QUIET_MILLIS = 5_000;
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
   * A replay longer than this (audio sent before, not yet committed) after a connection cut
   * short ({@link #SHORT_CONNECTION_MILLIS}) gets commits of its own, one every this much
   * replayed audio, each sent as soon as its audio has been: under repeated
   * cuts every connection then commits a piece it can transcribe in its short life, instead of
   * replaying an ever longer segment that never commits. The price: the commit boundary is no
   * pause the speaker made and may fall inside a word
   * ({@link io.voicewire.client.StreamMetrics#forcedCommits()} counts them), ms. With manual
   * commits the pieces are not delivered on their own: they are joined into the committed
   * transcript of the user's next commit ({@link ManualSegment}).
   */
  public static final long FORCED_COMMIT_REPLAY_MILLIS = 2_000;
  /**
   * Forced commits ({@link #FORCED_COMMIT_REPLAY_MILLIS}) are for a cutting network only: they
   * are added to a new session's replay when the connection lost last lived shorter than this
   * and received no committed transcript, and was cut: lost without the server's error message
   * or close frame (a reset, 1006, a ping timeout), ms. Never after the server's own error or
   * close (1012, a drain: it closed right after a commit, or the replay is transcribed whole
   * elsewhere; {@code queue_overflow}; {@code resource_exhausted}, …), or after a connection that
   * lived longer: the replay is then transcribed as the speaker spoke it, so the text is the
   * uninterrupted run's (a forced commit inside speech can cost the words around it).
   */
  public static final long SHORT_CONNECTION_MILLIS = 3_000;
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
  /** The partial transcript's {@code message_type}. */
  static final String PARTIAL = "partial_transcript";
  /** Longest {@code previous_text} sent to a resumed session, chars. */
  public static final int MAX_PREVIOUS_TEXT_CHARS = 300;

  private final ConnectionSupervisor sup;
  private final SttState st;
  private final SttOutbox out;
  private final SttWire wire;
  /** Gets {@link Listener#onReplayDropped}: the stream's listener (a relay's has none). */
  private final Listener drops;

  private RealSttStream(ClientContext ctx, SttRequest request, SttListener listener,
      Consumer<ConnectionStatus> status, Listener drops, boolean passThrough) {
    this.st = new SttState(ctx, request, listener, passThrough);
    this.drops = drops;
    this.sup = new ConnectionSupervisor(ctx, new Endpoint("stt " + request.modelId(),
        "/v1/speech-to-text/realtime?" + SttParams.toQuery(st.wireRequest),
        TokenType.REALTIME_SCRIBE, "no committed transcript"), !passThrough);
    this.out = new SttOutbox(st, sup);
    this.wire = new SttWire(st, sup, out, new SttCommits(st, sup));
    sup.bind(wire, wire, StreamOutcomes.queued(sup.events, status,
        complete -> listener.onClosed(), listener::onFailure, st.ring::release));
  }

  /** Opens a stream and starts connecting. */
  public static RealSttStream open(ClientContext ctx, SttRequest request, Listener listener) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(listener, "listener == null");
    RealSttStream s = new RealSttStream(ctx, request, listener, listener::onStatus, listener,
        false);
    s.sup.start();
    return s;
  }

  /**
   * Opens a relay's stream and starts connecting: like {@link #open}, but each
   * {@code partial_transcript} reaches {@link Listener#onServerMessage} as received (the relay
   * forwards it unchanged) instead of {@link Listener#onPartial}, {@link #sendFrame} forwards
   * client frames as received, the metrics have counters only (the relay's server keeps the
   * latencies), and it never asks for the voicewire extension (its upstream is the cloud). The
   * events go to the relay's engine-session {@code listener}, the connection status to
   * {@code status}.
   */
  public static RealSttStream openPassThrough(ClientContext ctx, SttRequest request,
      SttListener listener, Consumer<ConnectionStatus> status) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(listener, "listener == null");
    RealSttStream s = new RealSttStream(ctx, request, listener, status, new Listener() {}, true);
    s.sup.start();
    return s;
  }

  @Override
  public SttRequest request() {
    return st.request;
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
    checkFrames(len);
    if (len == 0) {
      return true;
    }
    byte[] chunk = Arrays.copyOfRange(audio, offset, offset + len);
    return take(len, now -> st.ring.addAudio(chunk, now));
  }

  /**
   * Sends a client's plain audio chunk (no commit, no {@code previous_text}) as received: the
   * frame goes upstream unchanged unless it must be joined, split or given a
   * {@code previous_text} (a replay, a new session's first chunk), and the replay ring keeps
   * it undecoded. The frame's bytes are read during this call only (they may be the caller's
   * reused buffer). Same results as {@link #sendAudio(byte[])}.
   *
   * @throws IllegalArgumentException when its audio is not a whole number of frames
   */
  public boolean sendFrame(SttAudioFrame f) {
    Objects.requireNonNull(f, "frame == null");
    int len = f.audioBytes();
    checkFrames(len);
    if (len == 0) {
      return true;
    }
    // Admission without the lock (the caller may be a selector thread that must not park):
    // the same refusals as take's, on recent values. An admitted frame is then taken under the
    // lock, now or by its holder (StreamLock.submit), in order with this caller's other calls.
    if (sup.isTerminal() || st.endRequested) {
      return false;
    }
    Connection c = sup.connectionUnlocked();
    if (c != null && c.queuedChars() + len * 4L / 3 > Connection.MAX_QUEUED_CHARS) {
      return false; // the network is behind: this chunk is not taken
    }
    // The frame may borrow the caller's buffer: it is used only if taken now; when the lock is
    // busy, a copy waits for it (the ring copies the frame into its segments either way).
    sup.submit(take(f), () -> take(f.detached()));
    return true;
  }

  /** The taking of admitted frame {@code f} into the ring, to run under the lock. */
  private Runnable take(SttAudioFrame f) {
    return () -> takeLocked(f.audioBytes(), now -> st.ring.addFrame(f, now), false);
  }

  private void checkFrames(int len) {
    if (len % st.frame != 0) {
      throw new IllegalArgumentException("audio length must be a whole number of " + st.frame
          + "-byte frames: " + len);
    }
  }

  /** Takes {@code len} bytes of audio that {@code add} appends to the ring at a time. */
  private boolean take(int len, LongConsumer add) {
    return sup.call(() -> takeLocked(len, add, true));
  }

  /**
   * {@link #take}'s body; {@code bounded} false for a frame admitted already (its queue check
   * was made without the lock: taking it now may pass the bound by that frame). Lock held.
   */
  private boolean takeLocked(int len, LongConsumer add, boolean bounded) {
    if (sup.isTerminal() || st.endRequested) {
      return false; // admitted frames: the stream ended meanwhile, and reports how
    }
    Connection c = sup.connection();
    if (bounded && c != null
        && c.queuedChars() + len * 4L / 3 > Connection.MAX_QUEUED_CHARS) {
      return false; // the network is behind: this chunk is not taken
    }
    long now = sup.ctx.nanoClock().getAsLong();
    add.accept(now);
    st.streamBytes += len;
    long overflow = st.ring.overflowBytes();
    if (overflow != st.seenOverflow) {
      long dropped = st.ms(overflow) - st.ms(st.seenOverflow);
      long total = st.ms(overflow);
      sup.metrics.replayOverflowMillis.add(dropped);
      st.seenOverflow = overflow;
      sup.events.offer(() -> drops.onReplayDropped(dropped, total));
    }
    if (st.partialClockStart == 0) {
      st.partialClockStart = now;
    }
    out.pump(now);
    return true;
  }

  @Override
  public boolean commit() {
    return sup.call(() -> {
      if (sup.isTerminal() || st.endRequested) {
        return false;
      }
      addCommit();
      return true;
    });
  }

  private void addCommit() {
    long now = sup.ctx.nanoClock().getAsLong();
    st.ring.addCommit(now);
    st.lastCommitOffset = st.streamBytes;
    out.pump(now);
  }

  @Override
  public boolean end() {
    return sup.call(() -> {
      if (sup.isTerminal() || st.endRequested) {
        return false;
      }
      st.endRequested = true;
      sup.markEnding();
      if (st.streamBytes > Math.max(st.lastCommitOffset, st.haveHorizon ? st.horizon : 0)) {
        addCommit();
      }
      wire.maybeFinish(sup.ctx.nanoClock().getAsLong());
      return true;
    });
  }

  @Override
  public void close() {
    end();
  }

  @Override
  public void cancel() {
    sup.cancel();
  }

  @Override
  public ConnectionStatus status() {
    return sup.status();
  }

  @Override
  public StreamMetrics metrics() {
    return sup.metrics();
  }

  /**
   * For the relay: the {@code previous_text} its client sent with its first chunk; sent with this
   * stream's first chunk when the request carries none. Call before that chunk's audio.
   */
  public void previousText(String text) {
    st.relayedPreviousText = text;
  }

  @Override
  public long audioSentMs() {
    return sup.call(() -> st.ms(st.streamBytes));
  }
}
