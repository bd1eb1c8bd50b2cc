package io.voicewire.server.internal;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The failed-login throttle ({@link LoginThrottle}) and the per-key mint budget
 * ({@link MintBudget}) kept in Redis, so that they hold across every replica that shares it
 * instead of multiplying by the number of replicas. Times come from the Redis clock, as the
 * session leases' ({@link RedisKeyLeases}).
 *
 * <ul>
 *   <li>Failed logins: the counter {@code voicewire:failed-logins:<address>}, which expires
 *       {@link LoginThrottle#WINDOW_MILLIS} after the first failure it counts.
 *   <li>Mint budget: the hash {@code voicewire:mint:<keyId>} (token bucket: credit and the time
 *       it was last refilled) and the sorted set {@code voicewire:mint-unused:<keyId>} of the
 *       key's unused tokens, scored with their expiry; one Lua script checks and takes both, so
 *       that concurrent mints on many replicas never overshoot.
 * </ul>
 *
 * <p>When Redis cannot be reached the policy is the same as the leases': <b>fall back to this
 * replica's own limit</b>. Each call then returns {@link #UNREACHABLE}, the caller applies its
 * in-process limit, and the fallback is counted in {@link #fallbacks()}. (Minting needs the token
 * store, which fails closed, so no token is minted while Redis is down anyway.)
 *
 * <p>Thread safe: no state but the counters; every call is one bounded Redis command.
 */
final class RedisAuthLimits {
  static final String FAILED_LOGINS = "voicewire:failed-logins:";
  static final String MINT = "voicewire:mint:";
  static final String MINT_UNUSED = "voicewire:mint-unused:";
  /** What a call answers when Redis could not be reached. */
  static final long UNREACHABLE = Long.MIN_VALUE;

  /** Counts one failure; the window starts with the first. Returns the count. */
  private static final String FAILED = """
      local n = redis.call('INCR', KEYS[1])
      if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
      return n
      """;

  /** 0 when the address may try; else the ms until its window ends (at least 1). */
  private static final String REFUSAL = """
      local n = tonumber(redis.call('GET', KEYS[1]) or '0')
      if n < tonumber(ARGV[1]) then return 0 end
      local ttl = redis.call('PTTL', KEYS[1])
      if ttl < 1 then return 1 end
      return ttl
      """;

  /**
   * ARGV: burst, mints per second, max unused, token ttl ms, member. Returns 1 (minted), -1 (too
   * many unused tokens) or -2 (too fast).
   */
  private static final String MINT_ONE = """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local burst = tonumber(ARGV[1])
      local rate = tonumber(ARGV[2])
      local ttl = tonumber(ARGV[4])
      redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
      if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then return -1 end
      local credit = tonumber(redis.call('HGET', KEYS[1], 'credit') or ARGV[1])
      local last = tonumber(redis.call('HGET', KEYS[1], 'at') or now)
      credit = math.min(burst, credit + (now - last) * rate / 1000)
      if credit < 1 then
        redis.call('HSET', KEYS[1], 'credit', tostring(credit), 'at', tostring(now))
        return -2
      end
      redis.call('HSET', KEYS[1], 'credit', tostring(credit - 1), 'at', tostring(now))
      redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
      redis.call('ZADD', KEYS[2], now + ttl, ARGV[5])
      redis.call('PEXPIRE', KEYS[2], ttl)
      return 1
      """;

  private final RedisConnection redis;
  private final MintBudget.Limits mintLimits;
  private final long tokenTtlMillis;
  private final SecureRandom random;
  private final LongAdder fallbacks = new LongAdder();

  RedisAuthLimits(RedisConnection redis, MintBudget.Limits mintLimits, long tokenTtlMillis,
      SecureRandom random) {
    this.redis = redis;
    this.mintLimits = mintLimits;
    this.tokenTtlMillis = tokenTtlMillis;
    this.random = random;
  }

  /**
   * 0 when {@code address} may try to log in, the ms until it may when it is throttled
   * (across replicas), or {@link #UNREACHABLE}.
   */
  long loginRefusalMillis(String address) {
    try {
      Object r = redis.call(j -> j.eval(REFUSAL, List.of(FAILED_LOGINS + address),
          List.of(Integer.toString(LoginThrottle.MAX_FAILED_LOGINS))));
      return ((Number) r).longValue();
    } catch (RuntimeException e) {
      fallbacks.increment();
      return UNREACHABLE;
    }
  }

  /** Counts a failed login from {@code address}: false when Redis could not be reached. */
  boolean loginFailed(String address) {
    try {
      redis.call(j -> j.eval(FAILED, List.of(FAILED_LOGINS + address),
          List.of(Long.toString(LoginThrottle.WINDOW_MILLIS))));
      return true;
    } catch (RuntimeException e) {
      fallbacks.increment();
      return false;
    }
  }

  /**
   * Takes one mint from {@code keyId}'s budget across replicas: 1 (taken), -1 (too many unused
   * tokens), -2 (too fast) or {@link #UNREACHABLE}.
   */
  long tryMint(String keyId) {
    byte[] b = new byte[12];
    random.nextBytes(b);
    try {
      Object r = redis.call(j -> j.eval(MINT_ONE, List.of(MINT + keyId, MINT_UNUSED + keyId),
          List.of(Integer.toString(mintLimits.burst()),
              Double.toString(mintLimits.mintsPerSecond()),
              Integer.toString(mintLimits.maxUnused()), Long.toString(tokenTtlMillis),
              HexFormat.of().formatHex(b))));
      return ((Number) r).longValue();
    } catch (RuntimeException e) {
      fallbacks.increment();
      return UNREACHABLE;
    }
  }

  /**
   * A token of {@code keyId} was used or found expired (on any replica): it no longer counts.
   * Without Redis nothing is lost: the entry leaves by itself at the token's expiry.
   */
  void used(String keyId) {
    try {
      redis.call(j -> j.zpopmin(MINT_UNUSED + keyId));
    } catch (RuntimeException e) {
      fallbacks.increment();
    }
  }

  /** Checks decided by this replica alone because Redis could not be reached, since start. */
  long fallbacks() {
    return fallbacks.sum();
  }
}
