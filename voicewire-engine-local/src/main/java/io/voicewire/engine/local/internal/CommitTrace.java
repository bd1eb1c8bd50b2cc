package io.voicewire.engine.local.internal;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Where a slow commit's time went, for the operator's log: how much audio still waited for the
 * session's decoder when the commit came, and, while the commit waited for its transcript, how
 * much audio the decoder read and how long the session's passes waited for a lane, for turns on
 * their model set ({@link ModelTurns}) and held back ({@link DecodePace#holdsBack()}), from the
 * session's {@link DecodePace}. What is left of the wait is decoding, and the CPU the decoder did
 * not get.
 *
 * @param nanos when the commit came
 * @param queuedMs the audio that waited for the decoder then
 */
record CommitTrace(DecodePace pace, long nanos, long queuedMs, long laneNanos, long turnNanos,
    long heldNanos, double takenMs) {
  /** A commit answered this long or more after it came is logged ({@link #slowNote}), ms. */
  static final long SLOW_COMMIT_MILLIS = 1_000;

  /** The session's counters now, for a commit that came with {@code queuedMs} undecoded. */
  static CommitTrace mark(DecodePace pace, long queuedMs) {
    return new CommitTrace(pace, System.nanoTime(), queuedMs, pace.laneWaitNanos(),
        pace.turnWaitNanos(), pace.heldBackNanos(), pace.takenMillis());
  }

  /**
   * What the log says about this commit, answered now, or null when it was answered within
   * {@link #SLOW_COMMIT_MILLIS}. Holds no text of the transcript.
   */
  String slowNote() {
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    if (ms < SLOW_COMMIT_MILLIS) {
      return null;
    }
    return String.format(Locale.ROOT, "commit answered after %d ms: %d ms of audio waited for the"
        + " decoder when it came; meanwhile the decoder read %.0f ms of audio, and the passes"
        + " waited %d ms for a lane, %d ms for turns on the models and %d ms held back", ms,
        queuedMs, pace.takenMillis() - takenMs, millis(pace.laneWaitNanos() - laneNanos),
        millis(pace.turnWaitNanos() - turnNanos), millis(pace.heldBackNanos() - heldNanos));
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
