package io.voicewire.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.server.RedisProcess;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Per-key leases in a real redis-server: renewal while alive, expiry after a crash. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisKeyLeasesTest {
  private static final Duration TTL = Duration.ofMillis(1200);

  @Test
  void leasesAreRenewedWhileAliveAndComeBackWithinTheTtlAfterACrash() throws Exception {
    try (RedisProcess redis = RedisProcess.start();
        RedisConnection survivorConn = new RedisConnection(redis.url())) {
      RedisKeyLeases survivor = new RedisKeyLeases(survivorConn, 3, Integer.MAX_VALUE, TTL,
          new SecureRandom());
      RedisConnection crashedConn = new RedisConnection(redis.url());
      RedisKeyLeases crashed = new RedisKeyLeases(crashedConn, 3, Integer.MAX_VALUE, TTL,
          new SecureRandom());
      List<KeyLeases.Lease> held = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        held.add(crashed.acquire("k").lease());
      }
      KeyLeases.Lease mine = survivor.acquire("k").lease();
      assertNotNull(mine);
      // renewed: still held after three TTLs
      Thread.sleep(TTL.toMillis() * 3);
      assertEquals(KeyLeases.Refusal.CONCURRENT, survivor.acquire("k").refusal());
      assertEquals("3", redis.command("ZCARD " + RedisKeyLeases.LEASES + "k").substring(1));

      // the "crashed" replica stops renewing without releasing anything
      long crashedAt = System.nanoTime();
      crashedConn.close();
      KeyLeases.Grant g;
      do {
        g = survivor.acquire("k");
        Thread.sleep(20);
      } while (g.lease() == null && System.nanoTime() - crashedAt < TimeUnit.SECONDS.toNanos(10));
      long backMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - crashedAt);
      assertNotNull(g.lease(), "slots of the crashed replica never came back");
      assertTrue(backMillis <= TTL.toMillis() + 500, "came back after " + backMillis + " ms");
      assertNotNull(survivor.acquire("k").lease()); // both slots are back
      assertNull(survivor.acquire("k").lease());

      // a release frees the slot at once
      mine.release();
      mine.release(); // idempotent
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      KeyLeases.Lease again;
      while ((again = survivor.acquire("k").lease()) == null && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertNotNull(again);
      assertTrue(survivor.healthy());
    }
  }

  @Test
  void aLimitOfNHoldsUnderConcurrentAcquisitionFromManyReplicas() throws Exception {
    try (RedisProcess redis = RedisProcess.start()) {
      List<RedisConnection> conns = new ArrayList<>();
      List<RedisKeyLeases> replicas = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        RedisConnection c = new RedisConnection(redis.url());
        conns.add(c);
        replicas.add(new RedisKeyLeases(c, 5, Integer.MAX_VALUE, Duration.ofSeconds(15),
            new SecureRandom()));
      }
      try {
        List<Thread> threads = new ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger granted =
            new java.util.concurrent.atomic.AtomicInteger();
        for (int i = 0; i < 40; i++) {
          RedisKeyLeases r = replicas.get(i % 4);
          Thread t = Thread.ofVirtual().start(() -> {
            if (r.acquire("shared").lease() != null) {
              granted.incrementAndGet();
            }
          });
          threads.add(t);
        }
        for (Thread t : threads) {
          assertTrue(t.join(Duration.ofSeconds(10)));
        }
        assertEquals(5, granted.get());
      } finally {
        conns.forEach(RedisConnection::close);
      }
    }
  }

  @Test
  void redisDownFallsBackToTheReplicasOwnLimits() throws Exception {
    RedisConnection c;
    try (RedisProcess redis = RedisProcess.start()) {
      c = new RedisConnection(redis.url());
    }
    try {
      RedisKeyLeases leases = new RedisKeyLeases(c, 1, Integer.MAX_VALUE, TTL,
          new SecureRandom());
      assertNotNull(leases.acquire("k").lease());
      assertNotNull(leases.acquire("k").lease()); // not counted: Redis is gone
      assertEquals(2, leases.fallbacks());
      assertFalse(leases.healthy());
      // and the process's own limit still holds
      SessionLimiter limiter = new SessionLimiter(10, 2, leases);
      SessionLimiter.Refusal[] why = new SessionLimiter.Refusal[1];
      assertNotNull(limiter.acquire("k", why));
      assertNotNull(limiter.acquire("k", why));
      assertNull(limiter.acquire("k", why));
      assertEquals("This API key is at its limit of 2 concurrent sessions", why[0].message());
    } finally {
      c.close();
    }
  }
}
