package io.voicewire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Tier (a): backoff maths and validation. */
class ReconnectPolicyTest {
  private static final ReconnectPolicy P = new ReconnectPolicy(5, Duration.ofMillis(100),
      Duration.ofMillis(1000), 2.0, 0.5, Duration.ofSeconds(1));

  @Test
  void exponentialAndCapped() {
    assertEquals(100, P.delay(1, 0).toMillis());
    assertEquals(200, P.delay(2, 0).toMillis());
    assertEquals(400, P.delay(3, 0).toMillis());
    assertEquals(800, P.delay(4, 0).toMillis());
    assertEquals(1000, P.delay(5, 0).toMillis());
    assertEquals(1000, P.delay(50, 0).toMillis());
  }

  @Test
  void jitterStaysWithinItsFractionAndUnderTheCap() {
    Random r = new Random(0);
    for (int attempt = 1; attempt < 10; attempt++) {
      long full = P.delay(attempt, 0).toNanos();
      for (int i = 0; i < 100; i++) {
        long d = P.delay(attempt, r.nextDouble()).toNanos();
        assertTrue(d <= full && d >= full / 2, attempt + ": " + d);
      }
    }
  }

  @Test
  void validatesWithExactMessages() {
    Duration s = Duration.ofSeconds(1);
    assertEquals("maxAttempts < 0: -1", assertThrows(IllegalArgumentException.class,
        () -> new ReconnectPolicy(-1, s, s, 2, 0, s)).getMessage());
    assertEquals("initialDelay <= 0: PT0S", assertThrows(IllegalArgumentException.class,
        () -> new ReconnectPolicy(1, Duration.ZERO, s, 2, 0, s)).getMessage());
    assertEquals("maxDelay < initialDelay: PT0.5S < PT1S",
        assertThrows(IllegalArgumentException.class,
            () -> new ReconnectPolicy(1, s, Duration.ofMillis(500), 2, 0, s)).getMessage());
    assertEquals("multiplier must be >= 1: 0.5", assertThrows(IllegalArgumentException.class,
        () -> new ReconnectPolicy(1, s, s, 0.5, 0, s)).getMessage());
    assertEquals("jitter must be in range [0,1]: 2.0",
        assertThrows(IllegalArgumentException.class,
            () -> new ReconnectPolicy(1, s, s, 2, 2, s)).getMessage());
    assertEquals("initialDelay == null", assertThrows(NullPointerException.class,
        () -> new ReconnectPolicy(1, null, s, 2, 0, s)).getMessage());
    assertEquals("attempt < 1: 0",
        assertThrows(IllegalArgumentException.class, () -> P.delay(0, 0)).getMessage());
  }
}
