package io.voicewire.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * A monotonically increasing count, e.g. {@code underruns}. Thread safe; increments are
 * lock-free and scale under contention ({@link LongAdder}).
 */
public final class Counter {
  private final String name;
  private final LongAdder adder = new LongAdder();

  Counter(String name) {
    this.name = MetricNames.requireCamel(name);
  }

  /** The metric name. */
  public String name() {
    return name;
  }

  /** Adds one. */
  public void increment() {
    adder.increment();
  }

  /**
   * Adds {@code n} ≥ 0.
   *
   * @throws IllegalArgumentException for a negative {@code n}
   */
  public void add(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("counter " + name + " cannot decrease: " + n);
    }
    adder.add(n);
  }

  /** The current count. */
  public long get() {
    return adder.sum();
  }
}
