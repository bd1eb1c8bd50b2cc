package io.voicewire.client.internal;

import io.voicewire.client.LatencyStats;
import io.voicewire.client.StreamMetrics;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One stream's metrics. Recording is wait-free (HdrHistogram {@link Recorder}, {@link LongAdder})
 * and may happen on any thread; {@link #snapshot()} folds the recorders' interval histograms into
 * running totals under a lock (recycling the interval histograms) and may be called from any
 * thread.
 */
public final class Metrics {
  private static final int DIGITS = 3;

  private final Series ttfa = new Series();
  private final Series interArrival = new Series();
  private final Series partial = new Series();
  private final Series commit = new Series();
  private final Series rtt = new Series();

  public final LongAdder connections = new LongAdder();
  public final LongAdder reconnects = new LongAdder();
  public final LongAdder seams = new LongAdder();
  public final LongAdder droppedAudioBytes = new LongAdder();
  public final LongAdder duplicateCommitsDropped = new LongAdder();
  public final LongAdder replayedAudioMillis = new LongAdder();
  public final LongAdder replayOverflowMillis = new LongAdder();
  public final LongAdder alignmentMismatches = new LongAdder();

  private final ReentrantLock snapshotLock = new ReentrantLock();

  /** A recorder plus the running total of its intervals. */
  private static final class Series {
    final Recorder recorder = new Recorder(DIGITS);
    final Histogram total = new Histogram(DIGITS);
    Histogram recycle;

    void record(long nanos) {
      recorder.recordValue(Math.max(0, nanos / 1000));
    }

    LatencyStats fold() {
      recycle = recorder.getIntervalHistogram(recycle);
      total.add(recycle);
      return LatencyStats.of(total);
    }
  }

  public void timeToFirstAudioNanos(long nanos) {
    ttfa.record(nanos);
  }

  public void chunkInterArrivalNanos(long nanos) {
    interArrival.record(nanos);
  }

  public void partialLatencyNanos(long nanos) {
    partial.record(nanos);
  }

  public void commitLatencyNanos(long nanos) {
    commit.record(nanos);
  }

  public void roundTripNanos(long nanos) {
    rtt.record(nanos);
  }

  /** The totals so far. */
  public StreamMetrics snapshot() {
    snapshotLock.lock();
    try {
      return new StreamMetrics(ttfa.fold(), interArrival.fold(), partial.fold(), commit.fold(),
          rtt.fold(), connections.sum(), reconnects.sum(), seams.sum(), droppedAudioBytes.sum(),
          duplicateCommitsDropped.sum(), replayedAudioMillis.sum(), replayOverflowMillis.sum(),
          alignmentMismatches.sum());
    } finally {
      snapshotLock.unlock();
    }
  }
}
