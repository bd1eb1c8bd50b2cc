package io.voicewire.bench.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link CanaryAb}: phase attribution and the criterion (no server; clock values only). */
class CanaryAbTest {
  static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void latenciesGoToThePhaseTheyStartedAndEndedIn() {
    long now = System.nanoTime();
    // phases of 20 s: we are 5 s into the second phase (abused); the first (quiet) ended 5 s ago
    CanaryAb ab = new CanaryAb(20, 4, now - 25 * SECOND);
    SoakSessions.Timing tts = ab.timing(0);
    tts.since(now - 2 * SECOND); // started and ended in the second phase: counted, abused
    tts.since(now - 7 * SECOND); // started in the first phase, ended in the second: dropped
    tts.since(now - 60 * SECOND); // before the first phase: dropped
    assertEquals(1, ab.merged(true, 0).getTotalCount());
    assertEquals(0, ab.merged(false, 0).getTotalCount());
    // 4 s into the third phase (quiet): within the settle time, dropped; 14 s in: counted
    CanaryAb quiet = new CanaryAb(20, 4, now - 45 * SECOND);
    quiet.timing(0).since(now - 1 * SECOND);
    assertEquals(0, quiet.merged(false, 0).getTotalCount());
    CanaryAb later = new CanaryAb(20, 4, now - 55 * SECOND);
    later.timing(0).since(now - 1 * SECOND);
    assertEquals(1, later.merged(false, 0).getTotalCount());
  }

  @Test
  void theCriterionNeedsEverySeriesWithinItsRatios() {
    CanaryAb ab = new CanaryAb(20, 4, System.nanoTime());
    for (int s = 0; s < CanaryAb.SERIES.size(); s++) {
      for (int i = 0; i < 100; i++) {
        ab.record(0, s, 1_000_000); // quiet: 1 s
        ab.record(1, s, 1_200_000); // abused: 1.2 s, within 1.25x at p50 and 1.5x at p99
      }
    }
    assertTrue(ab.holds());
    for (int i = 0; i < 11; i++) { // 11 of 211 abused TTS samples take 10 s: p99 8x quiet
      ab.record(3, 0, 10_000_000);
    }
    assertFalse(ab.holds());
    CanaryAb empty = new CanaryAb(20, 2, System.nanoTime());
    empty.record(0, 0, 1_000);
    assertFalse(empty.holds(), "a series without samples cannot show normal latency");
  }
}
