package io.voicewire.client.internal.stream;

/**
 * Puts periodic per-stream work on one grid of the scheduler's clock ({@code nanoTime}): the first
 * run of each stream's fixed-rate task is at the next multiple of the period, so every stream of a
 * client runs together (a fixed-rate task keeps its phase) and the scheduler thread wakes once per
 * period for all of them instead of once per stream. A relay carrying 100 streams spent about
 * 5 % of its CPU waking that thread 1,000 times a second (perf, docs/bench-relay.md). Stateless.
 */
final class TickGrid {
  private TickGrid() {}

  /** The delay to the first run, ns: to the next multiple of {@code period}, at least half away. */
  static long firstDelayNanos(long nanoTime, long period) {
    long toGrid = period - Math.floorMod(nanoTime, period);
    return toGrid < period / 2 ? toGrid + period : toGrid;
  }
}
