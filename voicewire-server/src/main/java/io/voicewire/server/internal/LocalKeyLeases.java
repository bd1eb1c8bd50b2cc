package io.voicewire.server.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * {@link KeyLeases} of one process: session starts per minute per key in fixed one-minute
 * windows of {@code millisClock}. Concurrent sessions per key are already counted by
 * {@link SessionLimiter} in this process, so the leases here hold nothing. Lock-free and thread
 * safe; at most {@link #MAX_TRACKED_KEYS} keys are tracked (older windows are dropped first).
 */
final class LocalKeyLeases implements KeyLeases {
  /** Most keys whose start count is remembered at once. */
  static final int MAX_TRACKED_KEYS = 100_000;
  private static final long WINDOW_MILLIS = 60_000;

  private record Window(long minute, int starts) {}

  private final int maxStartsPerMinute;
  private final LongSupplier millisClock;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  /**
   * @param maxStartsPerMinute session starts per key per minute; {@link Integer#MAX_VALUE} is off
   * @param millisClock wall-clock milliseconds ({@code System::currentTimeMillis})
   */
  LocalKeyLeases(int maxStartsPerMinute, LongSupplier millisClock) {
    this.maxStartsPerMinute = maxStartsPerMinute;
    this.millisClock = millisClock;
  }

  @Override
  public Grant acquire(String keyId) {
    if (maxStartsPerMinute == Integer.MAX_VALUE) {
      return Grant.of(NO_LEASE);
    }
    long minute = millisClock.getAsLong() / WINDOW_MILLIS;
    if (windows.size() >= MAX_TRACKED_KEYS) {
      windows.values().removeIf(w -> w.minute < minute);
    }
    boolean[] ok = {false};
    windows.compute(keyId, (k, w) -> {
      if (w == null || w.minute != minute) {
        ok[0] = true;
        return new Window(minute, 1);
      }
      if (w.starts >= maxStartsPerMinute) {
        return w;
      }
      ok[0] = true;
      return new Window(minute, w.starts + 1);
    });
    return ok[0] ? Grant.of(NO_LEASE) : Grant.refused(Refusal.STARTS_PER_MINUTE, maxStartsPerMinute);
  }
}
