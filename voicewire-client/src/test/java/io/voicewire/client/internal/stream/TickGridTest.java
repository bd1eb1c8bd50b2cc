package io.voicewire.client.internal.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Tier (a): every stream's first tick lands on the same grid of the scheduler's clock, so the
 * ticks of all streams of a client fire together (one wake-up of the scheduler thread per tick).
 */
class TickGridTest {
  static final long TICK = TimeUnit.MILLISECONDS.toNanos(ConnectionSupervisor.TICK_MILLIS);

  @Test
  void firstTicksLandOnOneGridAtLeastHalfATickAway() {
    SplittableRandom r = new SplittableRandom(7);
    long[] starts = {0, 1, TICK / 2 - 1, TICK / 2, TICK - 1, TICK, -1, -TICK / 2 - 1,
        Long.MAX_VALUE / 4};
    for (int i = 0; i < 10_000 + starts.length; i++) {
      long now = i < starts.length ? starts[i] : r.nextLong(Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
      long d = TickGrid.firstDelayNanos(now, TICK);
      assertEquals(0, Math.floorMod(now + d, TICK), "on the grid from " + now);
      assertTrue(d >= TICK / 2 && d < TICK + TICK / 2, "delay " + d + " from " + now);
    }
  }
}
