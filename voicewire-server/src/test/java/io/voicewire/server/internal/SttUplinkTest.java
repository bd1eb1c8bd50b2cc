package io.voicewire.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.audio.AudioFormat;
import io.voicewire.server.Limits;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The STT commit rate of {@link SttUplink}: one commit per {@code minCommitInterval} sustained,
 * bursts of {@link SttUplink#COMMIT_BURST}. Arrival times are given, so the rule is checked
 * exactly, with no clock.
 */
class SttUplinkTest {
  static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  static final long T0 = 1_000_000 * MS; // any origin: System.nanoTime may be negative or large

  static SttUplink uplink(long intervalMillis) {
    return new SttUplink(AudioFormat.PCM_16000, Limits.DEFAULTS.toBuilder()
        .minCommitInterval(Duration.ofMillis(intervalMillis)).build());
  }

  @Test
  void commitsPacedAtTheIntervalAreNeverRefusedWhateverTheJitter() {
    // a client pacing commits 150 ms apart, each delayed 0-140 ms by the network: two of them
    // may arrive 10 ms apart (the old arrival-gap rule refused those)
    SttUplink u = uplink(100);
    long[] delays = {0, 140, 0, 140, 0, 140, 130, 5, 140, 0, 90, 140, 0};
    long previous = Long.MIN_VALUE;
    long closest = Long.MAX_VALUE;
    for (int i = 0; i < delays.length; i++) {
      long arrival = T0 + i * 150 * MS + delays[i] * MS;
      if (previous != Long.MIN_VALUE) {
        closest = Math.min(closest, arrival - previous);
      }
      previous = arrival;
      assertTrue(u.commitAllowed(arrival), "commit " + i);
    }
    assertEquals(10 * MS, closest, "the test has arrivals closer than the interval");
  }

  @Test
  void aBurstPassesAndTheRestOfAFloodIsThrottled() {
    SttUplink u = uplink(100);
    int allowed = 0;
    for (int i = 0; i < 20; i++) {
      if (u.commitAllowed(T0 + i * MS)) { // 20 commits within 20 ms
        allowed++;
      }
    }
    assertEquals(SttUplink.COMMIT_BURST, allowed, "a flood gets only the burst");
    assertFalse(u.commitAllowed(T0 + 50 * MS), "the bucket refills at the sustained rate only");
    assertTrue(u.commitAllowed(T0 + 100 * MS), "one interval later one more");
    assertFalse(u.commitAllowed(T0 + 101 * MS));
  }

  @Test
  void aSustainedFloodIsHeldToOneCommitPerInterval() {
    SttUplink u = uplink(100);
    int allowed = 0;
    for (int ms = 0; ms < 10_000; ms += 30) { // a commit every 30 ms for 10 s
      if (u.commitAllowed(T0 + ms * MS)) {
        allowed++;
      }
    }
    // the burst, then one per 100 ms: never more than 10 s / 100 ms + the burst
    assertTrue(allowed <= 100 + SttUplink.COMMIT_BURST, "allowed " + allowed);
    assertTrue(allowed >= 100, "the sustained rate is kept: allowed " + allowed);
  }

  @Test
  void aQuietSpellRefillsOnlyTheBurstNotMore() {
    SttUplink u = uplink(100);
    assertTrue(u.commitAllowed(T0));
    long later = T0 + 60_000 * MS; // a minute without commits
    for (int i = 0; i < SttUplink.COMMIT_BURST; i++) {
      assertTrue(u.commitAllowed(later), "burst commit " + i);
    }
    assertFalse(u.commitAllowed(later), "no credit beyond the burst");
  }

  @Test
  void aZeroIntervalNeverThrottles() {
    SttUplink u = uplink(0);
    for (int i = 0; i < 50; i++) {
      assertTrue(u.commitAllowed(T0));
    }
  }

  @Test
  void theThrottledMessageStatesTheRule() {
    assertEquals("Commits may come at most one per 100 ms on average, in bursts of up to 3; "
        + "this commit was ignored", uplink(100).throttledMessage());
  }
}
