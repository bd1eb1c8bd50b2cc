package io.voicewire.engine.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The real-time capacity follows the measured decoding cost. */
class DecodeCostTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void beforeAnyDecodingThePriorSetsTheCapacity() {
    DecodeCost c = new DecodeCost(2);
    assertEquals(DecodeCost.PRIOR_CPU_PER_AUDIO_SECOND, c.cpuPerAudioSecond());
    assertEquals((int) (2 * DecodeCost.REALTIME_CPU_SHARE / DecodeCost.PRIOR_CPU_PER_AUDIO_SECOND),
        c.streams(6));
    assertEquals(0.0, c.measuredAudioSeconds());
  }

  @Test
  void cheapSpeechRaisesItUpToTheLanesAndCostlySpeechLowersItToOne() {
    DecodeCost c = new DecodeCost(2);
    for (int i = 0; i < 100; i++) {
      c.record(SECOND * 2, 10); // 0.2 CPU s per audio s: 9 would fit
    }
    assertEquals(0.2, c.cpuPerAudioSecond(), 0.01);
    assertEquals(6, c.streams(6), "never more than the lanes");
    for (int i = 0; i < 100; i++) {
      c.record(SECOND * 30, 10); // 3 CPU s per audio s: not even one fits
    }
    assertEquals(1, c.streams(6), "at least one stream is always served");
  }

  @Test
  void oneLongPassMovesTheEstimateByItsShareOfTheWindowAndTinyPassesNotAtAll() {
    DecodeCost c = new DecodeCost(2);
    c.record(SECOND / 100, 0.2); // below MIN_SAMPLE_AUDIO_SECONDS: ignored
    assertEquals(DecodeCost.PRIOR_CPU_PER_AUDIO_SECOND, c.cpuPerAudioSecond());
    c.record(SECOND * 6, 10); // 0.6 for 10 s of a 60 s window
    double w = 10 / (10 + DecodeCost.WINDOW_AUDIO_SECONDS);
    assertEquals(DecodeCost.PRIOR_CPU_PER_AUDIO_SECOND
        + (0.6 - DecodeCost.PRIOR_CPU_PER_AUDIO_SECOND) * w, c.cpuPerAudioSecond(), 1e-9);
    assertTrue(c.measuredAudioSeconds() == 10);
  }
}
