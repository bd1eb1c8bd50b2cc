package io.voicewire.metrics;

/**
 * Percentiles of the values a {@link LatencyRecorder} saw in an interval (or since it was
 * created). Values are in the unit the metric's name ends with ({@code ttfaMicros} → µs).
 * Percentiles carry HdrHistogram's precision (3 significant digits by default). For an empty
 * interval every statistic is 0.
 *
 * @param name the metric name, e.g. {@code ttfaMicros}
 * @param count values recorded (including those added by expected-interval correction)
 * @param p50 median
 * @param p90 90th percentile
 * @param p99 99th percentile
 * @param p999 99.9th percentile
 * @param max largest value
 * @param mean arithmetic mean
 * @param startMillis start of the interval (recorder clock)
 * @param endMillis end of the interval (recorder clock)
 */
public record LatencySnapshot(
    String name, long count, double p50, double p90, double p99, double p999, double max,
    double mean, long startMillis, long endMillis) {}
