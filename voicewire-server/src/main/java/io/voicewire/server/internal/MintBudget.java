package io.voicewire.server.internal;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many single-use tokens each key may mint: at most {@link #MAX_UNUSED_TOKENS_PER_KEY}
 * minted and neither used nor expired, and at most {@link #MINTS_PER_SECOND} a second on average
 * with bursts of {@link #MINT_BURST} (a token bucket). The store's global bound
 * ({@code TokenStore.MAX_IN_MEMORY_TOKENS}) stays as the last line, so that one key can no longer
 * fill it for everyone.
 *
 * <p>With Redis ({@link RedisAuthLimits}) the budget is kept there and holds across replicas; the
 * in-process record below is then used only while Redis cannot be reached.
 *
 * <p>Thread safe: each key's record is updated under its own lock, never across I/O (the Redis
 * call is made without any lock).
 */
final class MintBudget {
  /** Unused, unexpired tokens one key may hold. */
  static final int MAX_UNUSED_TOKENS_PER_KEY = 1_000;
  /** Tokens one key may mint in a burst. */
  static final int MINT_BURST = 100;
  /** Tokens one key may mint per second, on average. */
  static final double MINTS_PER_SECOND = 10;

  /** The budget's limits, as sent to Redis. */
  record Limits(int maxUnused, int burst, double mintsPerSecond) {
    static final Limits DEFAULT = new Limits(MAX_UNUSED_TOKENS_PER_KEY, MINT_BURST,
        MINTS_PER_SECOND);
  }

  private static final class Key {
    double credit = MINT_BURST;
    long lastMillis;
    /** Expiry instants (epoch ms) of outstanding tokens, oldest first (the TTL is fixed). */
    final ArrayDeque<Long> expiries = new ArrayDeque<>();
  }

  private final Clock clock;
  private final long ttlMillis;
  private final ConcurrentHashMap<String, Key> keys = new ConcurrentHashMap<>();
  private final RedisAuthLimits shared;

  /** @param shared the budget in Redis, or null to keep it in this process only */
  MintBudget(Clock clock, long ttlMillis, RedisAuthLimits shared) {
    this.clock = clock;
    this.ttlMillis = ttlMillis;
    this.shared = shared;
  }

  /** Takes one mint for {@code keyId}: null when allowed, else the refusal message. */
  String tryMint(String keyId) {
    long r = shared == null ? RedisAuthLimits.UNREACHABLE : shared.tryMint(keyId);
    if (r == 1) {
      return null;
    } else if (r == -1) {
      return unusedRefusal();
    } else if (r == -2) {
      return rateRefusal();
    }
    return tryMintHere(keyId);
  }

  private static String unusedRefusal() {
    return "This API key holds " + MAX_UNUSED_TOKENS_PER_KEY + " unused single-use tokens "
        + "(MAX_UNUSED_TOKENS_PER_KEY): use or let some expire first";
  }

  private static String rateRefusal() {
    return "This API key mints single-use tokens too fast (limit " + (int) MINTS_PER_SECOND
        + " per second, bursts of " + MINT_BURST + ", MINTS_PER_SECOND); retry shortly";
  }

  private String tryMintHere(String keyId) {
    Key k = keys.computeIfAbsent(keyId, id -> {
      Key n = new Key();
      n.lastMillis = clock.millis();
      return n;
    });
    synchronized (k) {
      long now = clock.millis();
      k.credit = Math.min(MINT_BURST, k.credit + (now - k.lastMillis) * MINTS_PER_SECOND / 1000);
      k.lastMillis = now;
      while (!k.expiries.isEmpty() && k.expiries.peekFirst() <= now) {
        k.expiries.pollFirst();
      }
      if (k.expiries.size() >= MAX_UNUSED_TOKENS_PER_KEY) {
        return unusedRefusal();
      }
      if (k.credit < 1) {
        return rateRefusal();
      }
      k.credit -= 1;
      k.expiries.addLast(now + ttlMillis);
      return null;
    }
  }

  /** A token of {@code keyId} was used (or found expired): it no longer counts. */
  void used(String keyId) {
    if (shared != null) {
      shared.used(keyId);
    }
    Key k = keys.get(keyId);
    if (k != null) {
      synchronized (k) {
        k.expiries.pollFirst();
      }
    }
  }
}
