package io.voicewire.client.internal;

import io.voicewire.client.StreamMetrics;
import java.util.concurrent.atomic.LongAdder;
import io.voicewire.metrics.LatencyRecorder;
import java.util.function.LongSupplier;

/**
 * One stream's metrics. Latencies go into core's {@link LatencyRecorder}s (wait-free, any
 * thread); counters are {@link LongAdder}s. {@link #snapshot()} may be called from any thread.
 * A {@link #countersOnly} instance (a relay's stream: the server keeps its own latency metrics)
 * records no latencies and holds no histograms, which are about 0.5 MiB each stream.
 */
public final class Metrics {
  /** Shared, never written: the latencies of a {@link #countersOnly} instance. */
  private static final class Empty {
    static final LongSupplier CLOCK = () -> 0;
    static final LatencyRecorder TTFA = new LatencyRecorder("timeToFirstAudioMicros", CLOCK);
    static final LatencyRecorder INTER = new LatencyRecorder("chunkInterArrivalMicros", CLOCK);
    static final LatencyRecorder PARTIAL = new LatencyRecorder("partialLatencyMicros", CLOCK);
    static final LatencyRecorder COMMIT = new LatencyRecorder("commitLatencyMicros", CLOCK);
    static final LatencyRecorder RTT = new LatencyRecorder("roundTripMicros", CLOCK);
  }

  private final boolean latencies;
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
  public final LongAdder resumesAttempted = new LongAdder();
  public final LongAdder resumesSucceeded = new LongAdder();
  public final LongAdder resumesFellBack = new LongAdder();
  public final LongAdder resumeReplayedBytes = new LongAdder();

  /** @param nanoClock the stream's monotonic clock (interval timestamps only) */
  public Metrics(LongSupplier nanoClock) {
    latencies = true;
    LongSupplier millis = () -> nanoClock.getAsLong() / 1_000_000L;
    ttfa = new LatencyRecorder("timeToFirstAudioMicros", millis);
    interArrival = new LatencyRecorder("chunkInterArrivalMicros", millis);
    partial = new LatencyRecorder("partialLatencyMicros", millis);
    commit = new LatencyRecorder("commitLatencyMicros", millis);
    rtt = new LatencyRecorder("roundTripMicros", millis);
  }

  private Metrics() {
    latencies = false;
    ttfa = Empty.TTFA;
    interArrival = Empty.INTER;
    partial = Empty.PARTIAL;
    commit = Empty.COMMIT;
    rtt = Empty.RTT;
  }

  /** Metrics with the counters only: latencies are not recorded (they read as empty). */
  public static Metrics countersOnly() {
    return new Metrics();
  }

  private void record(LatencyRecorder r, long nanos) {
    if (latencies) {
      r.record(Math.max(0, nanos / 1000));
    }
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
        forcedCommits.sum(), wordsRetranscribed.sum(), resumesAttempted.sum(),
        resumesSucceeded.sum(), resumesFellBack.sum(), resumeReplayedBytes.sum());
  }
}
