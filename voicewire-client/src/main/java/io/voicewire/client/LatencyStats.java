package io.voicewire.client;

import org.HdrHistogram.Histogram;

/**
 * A summary of one latency histogram, in microseconds.
 *
 * @param count number of samples
 * @param p50 median, µs
 * @param p90 90th percentile, µs
 * @param p99 99th percentile, µs
 * @param max largest sample, µs
 * @param mean mean, µs
 */
public record LatencyStats(long count, long p50, long p90, long p99, long max, double mean) {

  /** No samples. */
  public static final LatencyStats EMPTY = new LatencyStats(0, 0, 0, 0, 0, 0);

  /** Summarises an HdrHistogram recorded in microseconds. */
  public static LatencyStats of(Histogram h) {
    if (h == null || h.getTotalCount() == 0) {
      return EMPTY;
    }
    return new LatencyStats(h.getTotalCount(), h.getValueAtPercentile(50),
        h.getValueAtPercentile(90), h.getValueAtPercentile(99), h.getMaxValue(), h.getMean());
  }

  @Override
  public String toString() {
    if (count == 0) {
      return "n=0";
    }
    return String.format(java.util.Locale.ROOT, "n=%d p50=%.1fms p90=%.1fms p99=%.1fms max=%.1fms",
        count, p50 / 1000.0, p90 / 1000.0, p99 / 1000.0, max / 1000.0);
  }
}
