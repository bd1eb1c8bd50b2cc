package io.voicewire.bench.relay;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A capacity probe counts only where the harness itself keeps up: a run in which the direct
 * path (no relay) was slow or lost answers says nothing about the relay (it once reported a
 * negative "added" p99 and so a capacity of 1,600 streams that the relay never had).
 */
class CapacityProbeTest {
  @Test
  void aProbeCountsWhileTheDirectPathKeepsUp() {
    assertFalse(new CapacitySearch.Probe(12.0, 0.6, 40_000, 40_000).harnessSaturated());
    assertFalse(new CapacitySearch.Probe(-0.2, CapacitySearch.DIRECT_P99_LIMIT_MILLIS, 40_000, 39_700)
        .harnessSaturated(), "a few answers still in flight at the window's end");
  }

  @Test
  void aSlowOrLossyDirectPathMakesTheProbeNotMeasurable() {
    assertTrue(new CapacitySearch.Probe(-164.6, 180.0, 40_000, 40_000).harnessSaturated());
    assertTrue(new CapacitySearch.Probe(3.0, 1.0, 40_000, 30_000).harnessSaturated());
  }
}
