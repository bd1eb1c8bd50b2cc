package io.voicewire.server.internal;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link KeyLeases} in Redis, enforced across all replicas that share it.
 *
 * <ul>
 *   <li>Concurrent sessions per key: the sorted set {@code voicewire:leases:<keyId>} holds one
 *       member per live session, scored with its expiry (Redis clock). A replica renews its
 *       leases every third of the lease TTL while their sessions live; a crashed replica stops
 *       renewing, so its slots come back within one lease TTL ({@link #DEFAULT_LEASE_TTL}).
 *   <li>Session starts per minute per key: the counter
 *       {@code voicewire:starts:<keyId>:<minute>} of the Redis clock's current minute.
 * </ul>
 * Both are checked and taken by one Lua script, so concurrent starts on many replicas never
 * overshoot.
 *
 * <p>When Redis cannot be reached the policy is <b>fail open to local limits</b>: the session is
 * admitted under this replica's own per-key limit (which {@link SessionLimiter} always enforces)
 * and counted in {@link #fallbacks()}; sessions keep running. Thread safe.
 */
final class RedisKeyLeases implements KeyLeases {
  private static final Logger LOG = LoggerFactory.getLogger("io.voicewire.server.redis");

  /** Default lease TTL: a crashed replica's slots come back within this time. */
  static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(15);
  static final String LEASES = "voicewire:leases:";
  static final String STARTS = "voicewire:starts:";

  /** Returns 1 (granted), -1 (concurrent limit) or -2 (starts per minute). */
  private static final String ACQUIRE = """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local ttl = tonumber(ARGV[4])
      redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
      local maxStarts = tonumber(ARGV[3])
      local startsKey = KEYS[2] .. ':' .. math.floor(now / 60000)
      if maxStarts > 0 and tonumber(redis.call('GET', startsKey) or '0') >= maxStarts then
        return -2
      end
      if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end
      redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
      redis.call('PEXPIRE', KEYS[1], ttl * 2)
      if maxStarts > 0 then
        redis.call('INCR', startsKey)
        redis.call('PEXPIRE', startsKey, 120000)
      end
      return 1
      """;

  /** Pushes the expiry of the given members (that still exist) to now + ttl. */
  private static final String RENEW = """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local ttl = tonumber(ARGV[1])
      for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', now + ttl, ARGV[i]) end
      redis.call('PEXPIRE', KEYS[1], ttl * 2)
      return 1
      """;

  private final RedisConnection redis;
  private final int maxPerKey;
  private final int maxStartsPerMinute;
  private final long ttlMillis;
  private final SecureRandom random;
  private final Map<String, Set<String>> live = new ConcurrentHashMap<>();
  private final LongAdder fallbacks = new LongAdder();

  /**
   * @param maxStartsPerMinute session starts per key per minute; {@link Integer#MAX_VALUE} is off
   */
  RedisKeyLeases(RedisConnection redis, int maxPerKey, int maxStartsPerMinute, Duration leaseTtl,
      SecureRandom random) {
    this.redis = redis;
    this.maxPerKey = maxPerKey;
    this.maxStartsPerMinute = maxStartsPerMinute;
    this.ttlMillis = leaseTtl.toMillis();
    this.random = random;
    long every = Math.max(1, ttlMillis / 3);
    redis.background.scheduleWithFixedDelay(this::renewAll, every, every, TimeUnit.MILLISECONDS);
  }

  @Override
  public Grant acquire(String keyId) {
    byte[] b = new byte[12];
    random.nextBytes(b);
    String leaseId = HexFormat.of().formatHex(b);
    Object r;
    try {
      r = redis.call(j -> j.eval(ACQUIRE, List.of(LEASES + keyId, STARTS + keyId),
          List.of(leaseId, Integer.toString(maxPerKey),
              Integer.toString(maxStartsPerMinute == Integer.MAX_VALUE ? 0 : maxStartsPerMinute),
              Long.toString(ttlMillis))));
    } catch (RuntimeException e) {
      fallbacks.increment();
      return Grant.of(NO_LEASE); // fail open to this replica's own limits
    }
    long code = ((Number) r).longValue();
    if (code == -1) {
      return Grant.refused(Refusal.CONCURRENT, maxPerKey);
    }
    if (code == -2) {
      return Grant.refused(Refusal.STARTS_PER_MINUTE, maxStartsPerMinute);
    }
    live.computeIfAbsent(keyId, k -> ConcurrentHashMap.newKeySet()).add(leaseId);
    AtomicBoolean released = new AtomicBoolean();
    return Grant.of(() -> {
      if (released.compareAndSet(false, true)) {
        release(keyId, leaseId);
      }
    });
  }

  private void release(String keyId, String leaseId) {
    live.computeIfPresent(keyId, (k, set) -> {
      set.remove(leaseId);
      return set.isEmpty() ? null : set;
    });
    try {
      redis.background.execute(() -> {
        try {
          redis.call(j -> j.zrem(LEASES + keyId, leaseId));
        } catch (RuntimeException e) {
          // Redis down: the lease expires by itself within its TTL
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      // shutting down: the lease expires by itself within its TTL
    }
  }

  private void renewAll() {
    for (Map.Entry<String, Set<String>> e : live.entrySet()) {
      List<String> args = new ArrayList<>();
      args.add(Long.toString(ttlMillis));
      args.addAll(e.getValue());
      if (args.size() == 1) {
        continue;
      }
      try {
        redis.call(j -> j.eval(RENEW, List.of(LEASES + e.getKey()), args));
      } catch (RuntimeException x) {
        LOG.debug("lease renewal failed for {}: {}", e.getKey(), x.toString());
      }
    }
  }

  /** Sessions admitted without Redis (it could not be reached), since start. */
  long fallbacks() {
    return fallbacks.sum();
  }

  @Override
  public boolean healthy() {
    return redis.up();
  }
}
