package io.voicewire.metrics;

import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Records latencies (or any non-negative values) into an HdrHistogram {@link Recorder} and
 * reports percentiles per interval and since creation.
 *
 * <p>The name carries the unit: {@code ttfaMicros}, {@code chunkGapMillis}. Values above the
 * highest trackable value (by default one minute in the name's unit) are clamped to it and
 * counted in {@link #clampedCount()}; negative values are recorded as 0.
 *
 * <h2>Threading</h2>
 * <p>{@link #record} and {@link #recordWithExpectedInterval} may be called from any number of
 * threads and are wait-free (HdrHistogram's writer-reader phaser); they do not allocate. The
 * reading methods ({@link #intervalSnapshot()}, {@link #totalSnapshot()}) may be called from
 * any thread; they serialise among themselves on a lock that writers never take. Each reading
 * swaps the recorder's active histogram for the one taken at the previous reading (recycled,
 * no allocation in steady state) and adds it into an interval and a total histogram, so the two
 * kinds of snapshot do not steal from each other.
 *
 * <pre>{@code
 * LatencyRecorder ttfa = new LatencyRecorder("ttfaMicros", System::currentTimeMillis);
 * ttfa.record(elapsedMicros);                       // hot path, any thread
 * LatencySnapshot s = ttfa.intervalSnapshot();      // reporter thread, e.g. every 10 s
 * }</pre>
 */
public final class LatencyRecorder {
  /** Significant decimal digits of every histogram. */
  public static final int SIGNIFICANT_DIGITS = 3;

  private final String name;
  private final long highestTrackable;
  private final LongSupplier clockMillis;
  private final Recorder recorder;
  private final LongAdder clamped = new LongAdder();
  private final Object readLock = new Object();
  // reader-side, guarded by readLock
  private Histogram recycled;
  private final Histogram interval;
  private final Histogram total;
  private long intervalStart;
  private final long createdAt;

  /** A recorder whose highest trackable value is one minute in the name's unit. */
  public LatencyRecorder(String name, LongSupplier clockMillis) {
    this(name, defaultHighest(MetricNames.requireUnit(name)), clockMillis);
  }

  /**
   * @param name camelCase, ending with a unit: Nanos, Micros, Millis, Seconds or Bytes
   * @param highestTrackableValue the largest value kept exactly (larger ones are clamped), ≥ 2
   * @param clockMillis the clock stamped on snapshots
   */
  public LatencyRecorder(String name, long highestTrackableValue, LongSupplier clockMillis) {
    this.name = MetricNames.requireUnit(name);
    if (highestTrackableValue < 2) {
      throw new IllegalArgumentException("highestTrackableValue < 2: " + highestTrackableValue);
    }
    this.highestTrackable = highestTrackableValue;
    this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis == null");
    this.recorder = new Recorder(highestTrackableValue, SIGNIFICANT_DIGITS);
    this.interval = new Histogram(highestTrackableValue, SIGNIFICANT_DIGITS);
    this.total = new Histogram(highestTrackableValue, SIGNIFICANT_DIGITS);
    this.createdAt = clockMillis.getAsLong();
    this.intervalStart = createdAt;
  }

  private static long defaultHighest(String name) {
    if (name.endsWith("Nanos")) {
      return 60_000_000_000L;
    } else if (name.endsWith("Micros")) {
      return 60_000_000L;
    } else if (name.endsWith("Millis")) {
      return 60_000L;
    } else if (name.endsWith("Seconds")) {
      return 86_400L;
    }
    return 1L << 40; // Bytes
  }

  /** The metric name. */
  public String name() {
    return name;
  }

  /** Records one value. Wait-free. */
  public void record(long value) {
    recorder.recordValue(clamp(value));
  }

  /**
   * Records a value measured by a paced sender (one sample per {@code expectedInterval}, e.g.
   * a 20 ms frame): when the value exceeds the interval, the samples a stalled sender did not
   * take are added as {@code value − k·interval}, correcting for coordinated omission.
   * Wait-free.
   */
  public void recordWithExpectedInterval(long value, long expectedInterval) {
    recorder.recordValueWithExpectedInterval(clamp(value), expectedInterval);
  }

  private long clamp(long value) {
    if (value > highestTrackable) {
      clamped.increment();
      return highestTrackable;
    }
    return Math.max(0, value);
  }

  /** Values that were above the highest trackable value and clamped. */
  public long clampedCount() {
    return clamped.sum();
  }

  /** Percentiles of the values recorded since the previous {@code intervalSnapshot()}. */
  public LatencySnapshot intervalSnapshot() {
    synchronized (readLock) {
      drain();
      long now = clockMillis.getAsLong();
      LatencySnapshot s = snapshot(interval, intervalStart, now);
      interval.reset();
      intervalStart = now;
      return s;
    }
  }

  /** Percentiles of every value recorded since this recorder was created. */
  public LatencySnapshot totalSnapshot() {
    synchronized (readLock) {
      drain();
      return snapshot(total, createdAt, clockMillis.getAsLong());
    }
  }

  /** Runs {@code reader} on the total histogram under the read lock (for exporters). */
  void withTotal(java.util.function.Consumer<Histogram> reader) {
    synchronized (readLock) {
      drain();
      reader.accept(total);
    }
  }

  private void drain() {
    assert Thread.holdsLock(readLock);
    recycled = recorder.getIntervalHistogram(recycled);
    interval.add(recycled);
    total.add(recycled);
  }

  private LatencySnapshot snapshot(Histogram h, long start, long end) {
    long n = h.getTotalCount();
    if (n == 0) {
      return new LatencySnapshot(name, 0, 0, 0, 0, 0, 0, 0, start, end);
    }
    return new LatencySnapshot(name, n, h.getValueAtPercentile(50), h.getValueAtPercentile(90),
        h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue(), h.getMean(),
        start, end);
  }

  @Override
  public String toString() {
    return "LatencyRecorder[" + name + "]";
  }
}
