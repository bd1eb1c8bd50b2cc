package io.voicewire.bench.relay;

import org.HdrHistogram.Histogram;

/**
 * What one {@link RawWsLoad} run counts: chunks sent, answers matched (their round trips in the
 * histogram, corrected for coordinated omission with the pacing interval, while measuring) and
 * errors, and whether the run is measuring or ending (closes are then expected, not errors).
 *
 * <p>Not thread safe: confined to the load generator's selector thread.
 */
final class LoadTally {
  final Histogram histogram = new Histogram(3);
  long sent;
  long received;
  long errors;
  /** Committed transcripts received (whole run, not reset). */
  long committed;
  boolean measuring;
  boolean ending;
  long expectedIntervalMicros;

  /** Zeroes everything for a run paced every {@code expectedIntervalMicros}. */
  void reset(long expectedIntervalMicros) {
    this.expectedIntervalMicros = expectedIntervalMicros;
    sent = 0;
    received = 0;
    errors = 0;
    measuring = false;
    ending = false;
    histogram.reset();
  }
}
