package io.voicewire.engine.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The grants a tenant's held-back sessions share (issue #10), on a clock the test moves. */
class HeldBackGrantsTest {
  private final AtomicLong now = new AtomicLong(5_000_000_000L);
  private final HeldBackGrants grants = new HeldBackGrants(now::get);

  @Test
  void aTenantsGrantsAreSpacedForAllItsSessionsTogether() {
    long t0 = now.get();
    assertEquals(t0, grants.reserve(), "the first grant is due at once");
    assertEquals(t0 + HeldBackGrants.SPACING_NANOS, grants.reserve(), "a second session waits");
    assertEquals(t0 + 2 * HeldBackGrants.SPACING_NANOS, grants.reserve(), "and a third");
    // a quantum of audio per spacing: the tenant's rate, not each session's
    assertEquals(DecodePace.HELD_BACK_QUANTUM_MILLIS / DecodePace.RATE,
        HeldBackGrants.SPACING_NANOS / 1e6, 1e-3);
  }

  @Test
  void aGrantNobodyAskedForIsNotSavedUp() {
    grants.reserve();
    now.addAndGet(TimeUnit.SECONDS.toNanos(10)); // ten seconds without asking
    long t = now.get();
    assertEquals(t, grants.reserve());
    assertEquals(t + HeldBackGrants.SPACING_NANOS, grants.reserve(), "no burst for the pause");
  }

  @Test
  void theGrantsAreForgottenWhenTheirLastSessionLeaves() {
    grants.join().join();
    assertFalse(grants.leave());
    assertTrue(grants.leave());
  }
}
