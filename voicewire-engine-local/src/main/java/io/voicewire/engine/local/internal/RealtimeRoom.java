package io.voicewire.engine.local.internal;

import io.voicewire.engine.local.SttLoad;
import java.util.Locale;

/**
 * Admission of STT streams by measured load, beyond the cost estimate ({@link DecodeCost}): while
 * streams are speaking and {@link #STREAMS_PER_COPY_ALWAYS_ADMITTED} streams per model copy are
 * open, a new stream is refused when every copy is falling behind — no copy's recent busy share
 * for real-time streams ({@link ModelTurns#realTimeShare()}) plus one speaking stream's measured
 * cost stays within {@link DecodeCost#REALTIME_CPU_SHARE}, and real-time lanes queue for every
 * copy ({@link #MIN_MEAN_WAITING}).
 * So a machine that gives the engine less CPU than the estimate assumes (other processes, costly
 * speech) refuses the stream that would make every stream fall behind, instead of queueing it;
 * streams sent faster than real time keep the copies busy without refusing anyone, since their
 * decoding yields to real-time streams ({@link DecodePace}).
 *
 * <p>Stateless; thread safe.
 */
final class RealtimeRoom {
  /**
   * Streams per model copy admitted whatever the copies measure (up to the cost estimate): a
   * machine busy with other work makes the copies look full, and two streams per copy are what
   * the tests and small deployments run; the measured refusal is for the streams beyond.
   */
  static final int STREAMS_PER_COPY_ALWAYS_ADMITTED = 2;
  /** Mean lanes waiting for a copy (recently) from which it counts as falling behind. */
  static final double MIN_MEAN_WAITING = 0.5;

  private RealtimeRoom() {}

  /**
   * Why one more stream would not be served in real time by what {@code pool} measures now, or
   * null when it would (or nothing speaks, or fewer than {@link #STREAMS_PER_COPY_ALWAYS_ADMITTED}
   * streams per copy take audio: sessions that are closing only finish their decoding).
   */
  static String refusal(DecoderPool pool, int openStreams) {
    if (openStreams < STREAMS_PER_COPY_ALWAYS_ADMITTED * pool.modelSets() || pool.busy() == 0) {
      return null;
    }
    double stream = pool.cost().cpuPerAudioSecond();
    if (pool.hasRealtimeRoom(stream, DecodeCost.REALTIME_CPU_SHARE) || !allQueueing(pool)) {
      return null;
    }
    StringBuilder sb = new StringBuilder("its model copies decoded real-time streams");
    for (double[] set : pool.load()) {
      sb.append(String.format(Locale.ROOT, " %.0f %%", 100 * set[2]));
    }
    return sb.append(String.format(Locale.ROOT, " of the last seconds and a speaking stream"
        + " needs %.0f %% of one, above the real-time share of %.0f %%", 100 * stream,
        100 * DecodeCost.REALTIME_CPU_SHARE)).toString();
  }

  /**
   * Whether every copy is falling behind: real-time lanes waited for it {@link #MIN_MEAN_WAITING}
   * on average, recently (queueing for the models, not decoding).
   */
  private static boolean allQueueing(DecoderPool pool) {
    for (double[] set : pool.load()) {
      if (set[3] < MIN_MEAN_WAITING) {
        return false;
      }
    }
    return true;
  }

  /** What {@code pool} measures of its load (all empty without a pool). */
  static SttLoad load(DecoderPool pool) {
    if (pool == null) {
      return new SttLoad(new int[0], new double[0], new double[0], 0, false);
    }
    double[][] l = pool.load();
    double[] busy = new double[l.length];
    double[] waiting = new double[l.length];
    for (int i = 0; i < l.length; i++) {
      busy[i] = l[i][0];
      waiting[i] = l[i][1];
    }
    double cost = pool.cost().cpuPerAudioSecond();
    return new SttLoad(pool.busyPerSet(), busy, waiting, cost,
        pool.hasRealtimeRoom(cost, DecodeCost.REALTIME_CPU_SHARE));
  }
}
