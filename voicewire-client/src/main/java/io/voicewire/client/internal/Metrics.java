package io.voicewire.client.internal;

import io.voicewire.client.StreamMetrics;
import java.util.concurrent.atomic.LongAdder;
import io.voicewire.metrics.LatencyRecorder;
import java.util.function.LongSupplier;

/**
 * One stream's metrics. Latencies go into core's {@link LatencyRecorder}s (wait-free, any
 * thread); counters are {@link LongAdder}s. {@link #snapshot()} may be called from any thread.
 */
public final class Metrics {
  private final LatencyRecorder ttfa;
  private final LatencyRecorder interArrival;
  private final LatencyRecorder partial;
  private final LatencyRecorder commit;
  private final LatencyRecorder rtt;

  public final LongAdder connections = new LongAdder();
  public final LongAdder reconnects = new LongAdder();
  public final LongAdder seams = new LongAdder();
  public final LongAdder droppedAudioBytes = new LongAdder();
  public final LongAdder duplicateCommitsDropped = new LongAdder();
  public final LongAdder replayedAudioMillis = new LongAdder();
  public final LongAdder replayOverflowMillis = new LongAdder();
  public final LongAdder alignmentMismatches = new LongAdder();
  public final LongAdder forcedCommits = new LongAdder();
  public final LongAdder wordsRetranscribed = new LongAdder();

  /** @param nanoClock the stream's monotonic clock (interval timestamps only) */
  public Metrics(LongSupplier nanoClock) {
    LongSupplier millis = () -> nanoClock.getAsLong() / 1_000_000L;
    ttfa = new LatencyRecorder("timeToFirstAudioMicros", millis);
    interArrival = new LatencyRecorder("chunkInterArrivalMicros", millis);
    partial = new LatencyRecorder("partialLatencyMicros", millis);
    commit = new LatencyRecorder("commitLatencyMicros", millis);
    rtt = new LatencyRecorder("roundTripMicros", millis);
  }

  private static void record(LatencyRecorder r, long nanos) {
    r.record(Math.max(0, nanos / 1000));
  }

  public void timeToFirstAudioNanos(long nanos) {
    record(ttfa, nanos);
  }

  public void chunkInterArrivalNanos(long nanos) {
    record(interArrival, nanos);
  }

  public void partialLatencyNanos(long nanos) {
    record(partial, nanos);
  }

  public void commitLatencyNanos(long nanos) {
    record(commit, nanos);
  }

  public void roundTripNanos(long nanos) {
    record(rtt, nanos);
  }

  /** The totals so far. */
  public StreamMetrics snapshot() {
    return new StreamMetrics(ttfa.totalSnapshot(), interArrival.totalSnapshot(),
        partial.totalSnapshot(), commit.totalSnapshot(), rtt.totalSnapshot(), connections.sum(),
        reconnects.sum(), seams.sum(), droppedAudioBytes.sum(), duplicateCommitsDropped.sum(),
        replayedAudioMillis.sum(), replayOverflowMillis.sum(), alignmentMismatches.sum(),
        forcedCommits.sum(), wordsRetranscribed.sum());
  }
}
