package io.voicewire.client.internal.stream;

import io.voicewire.audio.AudioFormat;
import io.voicewire.client.internal.ClientContext;
import io.voicewire.client.internal.resume.AudioRing;
import io.voicewire.client.internal.resume.SttSessionResume;
import io.voicewire.protocol.SttServerMessage;
import io.voicewire.speech.SttListener;
import io.voicewire.speech.SttRequest;
import java.util.TreeSet;

/**
 * The state one {@link RealSttStream} shares between its parts: the input ({@link #ring}, an
 * outbox of audio and commits), what went out on the current connection ({@link SttOutbox}),
 * where committed transcripts sit on the audio timeline ({@link SttCommits}) and the
 * connection's session ({@link SttWire}). Offsets are in bytes of the stream's audio since it
 * began ("stream offsets").
 *
 * <p>Not thread safe: guarded by the stream's {@link ConnectionSupervisor} lock.
 */
final class SttState {
  final SttRequest request;
  /** What is asked of the server: word timestamps always, {@code previous_text} per chunk. */
  final SttRequest wireRequest;
  /** The transcript events' listener: the stream's, or the relay's engine-session listener. */
  final SttListener listener;
  /**
   * The relay's stream: {@code partial_transcript} messages go to
   * {@link SttListener#onServerMessage} exactly as received, without a parse.
   */
  final boolean passThrough;
  final AudioFormat format;
  final int frame;
  final AudioRing ring;
  /** Resume by session id (the voicewire extension). */
  final SttSessionResume resume;
  /** Manual commits: forced pieces of the user's current segment, held back. */
  final ManualSegment segment = new ManualSegment();

  /** A relayed client's {@code previous_text}, for the first chunk when the request has none. */
  volatile String relayedPreviousText;

  long streamBytes;
  /** Stream offset where the current server session's audio starts. */
  long sessionBase;
  /** Audio of the current server session (what it received before this connection, and since). */
  long sentOnConn;
  /** The last ring entry sent on the current connection. */
  long sentSeq;
  /** Ring entries up to this one were sent before the current connection (a replay). */
  long replaySeq;
  /** Stream offset after the last audio ever sent (on any connection). */
  long sentMax;
  boolean started;
  boolean firstOnConn;
  /**
   * Commit requests sent in the current server session (over all its connections) that the
   * server may have: a resume learns how many it took ({@code commit_requests_received}).
   */
  long sessionCommitRequests;
  /** Stream offsets (and send times) of the commits sent on this session and not answered. */
  final SentCommits pendingCommits = new SentCommits();
  long lastCommitSentNanos;
  /** The current commit pacing; see {@link RealSttStream#MAX_COMMIT_INTERVAL_MILLIS}. */
  long commitIntervalNanos = RealSttStream.MIN_COMMIT_INTERVAL_MILLIS * 1_000_000L;
  /** Stream offsets of forced commits not answered yet. */
  final TreeSet<Long> forcedAt = new TreeSet<>();
  long replayHoldUntilNanos;
  long lastCommitOffset = -1;
  /** Stream offset where the delivered committed transcripts end (when {@link #haveHorizon}). */
  long horizon;
  boolean haveHorizon;
  String lastCommittedText;
  /** Written under the lock; volatile for {@code RealSttStream.sendFrame}'s lock-free check. */
  volatile boolean endRequested;
  long lastInboundNanos;
  long lastSendNanos;
  long partialClockStart;
  /** A non-blank partial transcript came after the last committed one. */
  boolean partialSinceCommit;
  /** A {@code committed_transcript} waiting for its {@code _with_timestamps}. */
  SttServerMessage.Committed held;
  long heldSince;
  boolean timestampsUnsupported;
  long seenOverflow;
  /** A forced commit's answer kept fewer words than it had: start a new session now. */
  boolean retranscribe;
  /** When the current connection opened, and the commit messages received on it. */
  long connOpenedNanos;
  int connCommits;
  /** The server sent an error message on the current connection (it ends it: no cut). */
  boolean serverErrorOnConn;
  /** A connection opened and was not lost yet (a refused handshake decides nothing). */
  boolean connOpen;
  /**
   * The next new session's replay gets forced commits: the connection lost last was cut short
   * ({@link RealSttStream#SHORT_CONNECTION_MILLIS}, no commit), not moved by the server.
   */
  boolean forceCommits;
  /** The server started the session on the current connection. */
  boolean startedOnConn;
  /** The current connection asked to resume: nothing is sent until its session_started. */
  boolean awaitingResume;
  /** The current connection continues a re-attached session: replayed commits are not held. */
  boolean resumedConn;
  /**
   * Commits sent and not answered when the last connection dropped (stream offsets, send
   * times): a re-attached session answers those it received.
   */
  final SentCommits lostCommits = new SentCommits();

  SttState(ClientContext ctx, SttRequest request, SttListener listener, boolean passThrough) {
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

  /** Milliseconds of {@code bytes} of audio. */
  long ms(long bytes) {
    return bytes * 1000 / format.bytesPerSecond();
  }

  /** Whole frames of audio in {@code secs} seconds, bytes. */
  long bytesForSeconds(double secs) {
    long b = Math.round(secs * format.bytesPerSecond());
    return b - b % frame;
  }
}
