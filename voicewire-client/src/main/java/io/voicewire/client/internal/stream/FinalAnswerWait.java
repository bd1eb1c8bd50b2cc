package io.voicewire.client.internal.stream;

import io.voicewire.client.internal.transport.Connection;

/**
 * When an STT stream in VAD mode may stop waiting for the answer to its final commit (the answer
 * may have been taken for a VAD commit's, see {@code SttCommits}): only once the server has
 * <em>read</em> that commit and then stayed quiet long enough. Quiet alone does not mean done: a
 * server applying uplink back-pressure (its engine's queue is full) holds a chunk and stops
 * reading the socket, so the final commit can sit unread in the socket buffers for many seconds
 * while the server is alive and will answer it.
 *
 * <ul>
 *   <li><b>Read:</b> once the commit is written (nothing queued on the connection), a ping is sent
 *       (again every {@link #PROBE_INTERVAL_MILLIS} until answered); the server reads frames in
 *       order, so the pong to a ping made after the commit was written proves the commit was
 *       read. A server that is not reading answers no ping; a server that is gone answers none
 *       either, and the heartbeat ends that connection (the stream then resumes elsewhere).
 *   <li><b>Quiet:</b> after that pong and after the server's last message, at least
 *       {@link RealSttStream#FINAL_ANSWER_QUIET_MILLIS}, or {@link #LAG_FACTOR} times the longest
 *       the server kept an answer waiting on this stream (its engine's backlog), at most half the
 *       client's finish timeout.
 * </ul>
 *
 * <p>Not thread safe: used with the stream's lock held.
 */
final class FinalAnswerWait {
  /** How often a ping is sent again while none made after the final commit was answered, ms. */
  static final long PROBE_INTERVAL_MILLIS = 1_000;
  /** The quiet asked for is at least this many times the server's longest wait so far. */
  static final long LAG_FACTOR = 2;

  /** The connection the fields below (to {@link #readNanos}) belong to. */
  private Connection conn;
  /** When the final commit was seen written (nothing queued); 0 before. */
  private long writtenNanos;
  /** When the last ping was asked for; 0 before. */
  private long probedNanos;
  /** When the answer to a ping made after {@link #writtenNanos} was seen; 0 before. */
  private long readNanos;
  /** The server's last message as of the last {@link #observe}. */
  private long seenInboundNanos;
  /** Whether an answer was owed at the last {@link #observe}. */
  private boolean owed;
  /** The longest the server was quiet while it owed an answer, on any connection. */
  private long longestWaitNanos;

  /**
   * Each tick: follows the server's quiet spells while it owes an answer to one of our commits
   * ({@code owed}); {@code lastInboundNanos} is the time of its last message.
   */
  void observe(Connection c, long lastInboundNanos, boolean owedNow) {
    if (c != conn) {
      conn = c;
      writtenNanos = 0;
      probedNanos = 0;
      readNanos = 0;
      owed = false;
      seenInboundNanos = lastInboundNanos;
    }
    if (lastInboundNanos != seenInboundNanos) {
      if (owed) {
        longestWaitNanos = Math.max(longestWaitNanos, lastInboundNanos - seenInboundNanos);
      }
      seenInboundNanos = lastInboundNanos;
    }
    owed = owedNow;
  }

  /**
   * Whether the final commit, handed to {@code c} with everything before it, is overdue at
   * {@code now}: read by the server (a pong proves it; pings are sent here), then quiet since
   * {@code lastInboundNanos} long enough. False while it may still be unread.
   */
  boolean overdue(Connection c, long now, long lastInboundNanos, long finishTimeoutNanos) {
    if (c == null) {
      return false;
    }
    observe(c, lastInboundNanos, owed);
    if (writtenNanos == 0) {
      if (c.queuedChars() > 0) {
        return false;
      }
      writtenNanos = now;
    }
    if (readNanos == 0) {
      if (c.lastAnsweredPingNanos() >= writtenNanos) {
        readNanos = now;
      } else {
        if (probedNanos == 0 || now - probedNanos >= PROBE_INTERVAL_MILLIS * 1_000_000L) {
          probedNanos = now;
          c.ping();
        }
        return false;
      }
    }
    long quiet = Math.max(RealSttStream.FINAL_ANSWER_QUIET_MILLIS * 1_000_000L,
        LAG_FACTOR * longestWaitNanos);
    quiet = Math.min(quiet, Math.max(RealSttStream.FINAL_ANSWER_QUIET_MILLIS * 1_000_000L,
        finishTimeoutNanos / 2));
    return now - Math.max(lastInboundNanos, readNanos) >= quiet;
  }
}
