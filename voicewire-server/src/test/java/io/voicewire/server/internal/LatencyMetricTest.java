package io.voicewire.server.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link ServerMetrics.Latency}: values recorded (wait-free, into a recorder) reach the Prometheus
 * summary when the metrics are read, counted once, with their sum to the recorder's precision.
 */
class LatencyMetricTest {

  @Test
  void recordedLatenciesReachTheSummaryOnceWhenTheMetricsAreRead() {
    ServerMetrics m = new ServerMetrics();
    for (int i = 0; i < 1_000; i++) {
      m.partial.recordNanos(TimeUnit.MILLISECONDS.toNanos(2)); // 2,000 µs each
    }
    m.partial.recordNanos(TimeUnit.DAYS.toNanos(1)); // beyond MAX_TRACKED_MICROS: kept as it
    m.partial.recordNanos(-5); // a clock step back: 0
    String first = m.toPrometheus();
    assertTrue(first.contains("voicewire_stt_partial_latency_micros_count 1002\n"), first);
    double sum = sum(first);
    double expected = 1_000 * 2_000.0 + ServerMetrics.Latency.MAX_TRACKED_MICROS;
    assertTrue(Math.abs(sum - expected) <= expected * 0.01, "sum " + sum);
    String second = m.toPrometheus(); // nothing recorded since: nothing added
    assertTrue(second.contains("voicewire_stt_partial_latency_micros_count 1002\n"), second);
  }

  private static double sum(String exposition) {
    for (String line : exposition.split("\n")) {
      if (line.startsWith("voicewire_stt_partial_latency_micros_sum ")) {
        return Double.parseDouble(line.substring(line.indexOf(' ') + 1));
      }
    }
    throw new AssertionError("no sum in " + exposition);
  }
}
