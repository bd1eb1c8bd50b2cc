package io.voicewire.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.server.RedisProcess;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The failed-login throttle and the mint budget kept in a real redis-server, held across
 * "replicas" (separate connections, as separate processes have), and their fallback to each
 * replica's own limit when Redis is gone.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisAuthLimitsTest {
  private static final long TTL_MILLIS = Tokens.TOKEN_TTL.toMillis();

  private static RedisAuthLimits limits(RedisConnection c, MintBudget.Limits l) {
    return new RedisAuthLimits(c, l, TTL_MILLIS, new SecureRandom());
  }

  @Test
  void failedLoginsFromOneAddressAreCountedAcrossReplicas() throws Exception {
    try (RedisProcess redis = RedisProcess.start();
        RedisConnection a = new RedisConnection(redis.url());
        RedisConnection b = new RedisConnection(redis.url())) {
      LoginThrottle one = new LoginThrottle(Clock.systemUTC(),
          limits(a, MintBudget.Limits.DEFAULT));
      LoginThrottle two = new LoginThrottle(Clock.systemUTC(),
          limits(b, MintBudget.Limits.DEFAULT));
      for (int i = 0; i < LoginThrottle.MAX_FAILED_LOGINS; i++) {
        assertNull((i % 2 == 0 ? one : two).refusal("10.0.0.7"), "attempt " + i);
        (i % 2 == 0 ? one : two).failed("10.0.0.7");
      }
      // 15 failures on each replica: per replica that would be within the limit of 30
      for (LoginThrottle t : List.of(one, two)) {
        String refused = t.refusal("10.0.0.7");
        assertNotNull(refused, "the address is throttled on every replica");
        assertTrue(refused.contains("MAX_FAILED_LOGINS") && refused.contains("retry in 60 s"),
            refused);
      }
      assertNull(one.refusal("10.0.0.8"), "another address is not affected");
      long pttl = Long.parseLong(redis.command("PTTL " + RedisAuthLimits.FAILED_LOGINS
          + "10.0.0.7").substring(1));
      assertTrue(pttl > 0 && pttl <= LoginThrottle.WINDOW_MILLIS, "window in Redis: " + pttl);
    }
  }

  @Test
  void theMintBudgetHoldsAcrossReplicasAndAUseAnywhereFreesIt() throws Exception {
    try (RedisProcess redis = RedisProcess.start();
        RedisConnection a = new RedisConnection(redis.url());
        RedisConnection b = new RedisConnection(redis.url())) {
      // the rate: a burst of 4 at 0.01 a second, taken from two replicas at once
      MintBudget.Limits burst = new MintBudget.Limits(1_000, 4, 0.01);
      List<RedisAuthLimits> replicas = List.of(limits(a, burst), limits(b, burst));
      AtomicInteger minted = new AtomicInteger();
      AtomicInteger tooFast = new AtomicInteger();
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        RedisAuthLimits r = replicas.get(i % 2);
        threads.add(Thread.ofVirtual().start(() -> {
          long code = r.tryMint("burst-key");
          if (code == 1) {
            minted.incrementAndGet();
          } else if (code == -2) {
            tooFast.incrementAndGet();
          }
        }));
      }
      for (Thread t : threads) {
        assertTrue(t.join(java.time.Duration.ofSeconds(10)));
      }
      assertEquals(4, minted.get(), "mints granted across replicas");
      assertEquals(8, tooFast.get());
      assertEquals(1, replicas.get(0).tryMint("other-key"), "another key has its own budget");

      // unused tokens: at most 2 per key, and a use on the other replica frees one
      MintBudget.Limits unused = new MintBudget.Limits(2, 100, 10);
      RedisAuthLimits one = limits(a, unused);
      RedisAuthLimits two = limits(b, unused);
      assertEquals(1, one.tryMint("k"));
      assertEquals(1, two.tryMint("k"));
      assertEquals(-1, one.tryMint("k"));
      assertEquals(-1, two.tryMint("k"));
      two.used("k");
      assertEquals(1, one.tryMint("k"));
      assertEquals(-1, two.tryMint("k"));
      long pttl = Long.parseLong(redis.command("PTTL " + RedisAuthLimits.MINT_UNUSED + "k")
          .substring(1));
      assertTrue(pttl > 0 && pttl <= TTL_MILLIS, "unused tokens leave with their expiry: " + pttl);
      assertEquals(0, one.fallbacks() + two.fallbacks());
    }
  }

  @Test
  void redisDownFallsBackToEachReplicasOwnThrottleAndBudget() throws Exception {
    RedisConnection c;
    try (RedisProcess redis = RedisProcess.start()) {
      c = new RedisConnection(redis.url());
    }
    try {
      RedisAuthLimits shared = limits(c, MintBudget.Limits.DEFAULT);
      LoginThrottle throttle = new LoginThrottle(Clock.systemUTC(), shared);
      for (int i = 0; i < LoginThrottle.MAX_FAILED_LOGINS; i++) {
        assertNull(throttle.refusal("10.0.0.9"));
        throttle.failed("10.0.0.9");
      }
      String refused = throttle.refusal("10.0.0.9");
      assertNotNull(refused, "this replica's own throttle still holds");
      assertTrue(refused.contains("MAX_FAILED_LOGINS"), refused);

      // a stopped clock: the in-process bucket must not refill while Redis calls fail slowly
      MintBudget budget = new MintBudget(Clock.fixed(java.time.Instant.now(),
          java.time.ZoneOffset.UTC), TTL_MILLIS, shared);
      for (int i = 0; i < MintBudget.MINT_BURST; i++) {
        assertNull(budget.tryMint("k"), "mint " + i);
      }
      String fast = budget.tryMint("k");
      assertNotNull(fast, "this replica's own budget still holds");
      assertTrue(fast.contains("MINTS_PER_SECOND"), fast);
      assertEquals(2L * LoginThrottle.MAX_FAILED_LOGINS + 1 + MintBudget.MINT_BURST + 1,
          shared.fallbacks(), "every check decided alone is counted");
    } finally {
      c.close();
    }
  }
}
