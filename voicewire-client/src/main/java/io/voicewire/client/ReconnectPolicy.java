package io.voicewire.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How a stream reconnects after its connection drops: capped exponential backoff with jitter.
 *
 * <p>The delay before attempt {@code n} (1-based) is {@code min(maxDelay, initialDelay ×
 * multiplier^(n-1))}, then scaled by a random factor in {@code [1 - jitter, 1]} ("equal jitter"
 * towards zero, so the cap is never exceeded). Attempts count <em>consecutive failures without
 * progress</em>: a connection that delivered something new (audio past the resume point, a
 * transcript) or stayed open for {@code stableAfter} resets the count. After {@code maxAttempts}
 * such failures in a row the stream gives up with {@code FAILED} and a message naming the count
 * and the last error. A connection that opened and had its input accepted (for STT: the session
 * started and audio was sent on it) is healthy: the count starts again, so a network that cuts
 * every connection after a second never exhausts it while the server is reachable. Instead the
 * stream gives up when no input at all was accepted for {@code giveUpAfter} (no audio past the
 * resume point for TTS; no transcript of audio sent, for STT), checked at each drop. Errors that
 * cannot succeed on retry ({@link io.voicewire.protocol.ErrorPolicy}: authentication, quota, bad
 * input, a server failure on this very input; HTTP 401/403 at the handshake) are never retried,
 * whatever the policy; close 1012 (service restart) reconnects at once, without backoff.
 *
 * <p><b>Capacity refusals</b> ({@link io.voicewire.protocol.ErrorPolicy.Retry#LATER}:
 * {@code resource_exhausted}, {@code rate_limited}, close 1013, HTTP 429: the server or the key
 * is at a limit, the request is fine) are retried on a slower schedule of their own,
 * {@link #capacityDelay}: 1 s doubling to 30 s, with jitter; they are not counted against
 * {@code maxAttempts}, and the stream gives up (with {@code FAILED}) once it has been refused
 * for {@code capacityGiveUpAfter} in a row (2 minutes by default). Each is reported as
 * {@link ConnectionStatus.State#CAPACITY_REFUSAL}.
 *
 * @param maxAttempts consecutive failed attempts before giving up; 0 disables reconnecting
 * @param initialDelay delay before the first attempt, &gt; 0
 * @param maxDelay the cap, &ge; initialDelay
 * @param multiplier growth per attempt, &ge; 1
 * @param jitter fraction of the delay that is randomized, in [0,1]
 * @param stableAfter a connection open this long counts as progress, &gt; 0
 * @param giveUpAfter reconnecting without any input accepted for this long fails the stream,
 *     &gt; 0
 * @param capacityGiveUpAfter capacity refusals in a row for this long (from the first of them)
 *     fail the stream, &gt; 0
 */
public record ReconnectPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay,
    double multiplier, double jitter, Duration stableAfter, Duration giveUpAfter,
    Duration capacityGiveUpAfter) {

  /** The default {@link #giveUpAfter()}: 2 minutes without any input accepted. */
  public static final Duration DEFAULT_GIVE_UP_AFTER = Duration.ofMinutes(2);

  /** The default {@link #capacityGiveUpAfter()}: 2 minutes of capacity refusals in a row. */
  public static final Duration DEFAULT_CAPACITY_GIVE_UP_AFTER = Duration.ofMinutes(2);
  /** The delay before the first retry after a capacity refusal. */
  public static final Duration CAPACITY_INITIAL_DELAY = Duration.ofSeconds(1);
  /** The largest delay between retries after capacity refusals. */
  public static final Duration CAPACITY_MAX_DELAY = Duration.ofSeconds(30);
  /** The random part of a capacity delay: it is scaled by a factor in [0.5, 1]. */
  public static final double CAPACITY_JITTER = 0.5;

  /** 6 attempts, 250 ms doubling to 8 s, 20 % jitter, stable after 10 s, give up after 2 min. */
  public static final ReconnectPolicy DEFAULT = new ReconnectPolicy(6, Duration.ofMillis(250),
      Duration.ofSeconds(8), 2.0, 0.2, Duration.ofSeconds(10));

  /** Never reconnect: the first drop fails the stream. */
  public static final ReconnectPolicy NEVER = new ReconnectPolicy(0, Duration.ofMillis(250),
      Duration.ofMillis(250), 1.0, 0.0, Duration.ofSeconds(10));

  /** A policy with the {@link #DEFAULT_GIVE_UP_AFTER}. */
  public ReconnectPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay,
      double multiplier, double jitter, Duration stableAfter) {
    this(maxAttempts, initialDelay, maxDelay, multiplier, jitter, stableAfter,
        DEFAULT_GIVE_UP_AFTER);
  }

  /** A policy with the {@link #DEFAULT_CAPACITY_GIVE_UP_AFTER}. */
  public ReconnectPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay,
      double multiplier, double jitter, Duration stableAfter, Duration giveUpAfter) {
    this(maxAttempts, initialDelay, maxDelay, multiplier, jitter, stableAfter, giveUpAfter,
        DEFAULT_CAPACITY_GIVE_UP_AFTER);
  }

  /** Validates the policy; a field out of range throws {@link IllegalArgumentException}. */
  public ReconnectPolicy {
    Objects.requireNonNull(initialDelay, "initialDelay == null");
    Objects.requireNonNull(maxDelay, "maxDelay == null");
    Objects.requireNonNull(stableAfter, "stableAfter == null");
    Objects.requireNonNull(giveUpAfter, "giveUpAfter == null");
    if (giveUpAfter.isNegative() || giveUpAfter.isZero()) {
      throw new IllegalArgumentException("giveUpAfter <= 0: " + giveUpAfter);
    }
    Objects.requireNonNull(capacityGiveUpAfter, "capacityGiveUpAfter == null");
    if (capacityGiveUpAfter.isNegative() || capacityGiveUpAfter.isZero()) {
      throw new IllegalArgumentException("capacityGiveUpAfter <= 0: " + capacityGiveUpAfter);
    }
    if (maxAttempts < 0) {
      throw new IllegalArgumentException("maxAttempts < 0: " + maxAttempts);
    }
    if (initialDelay.isNegative() || initialDelay.isZero()) {
      throw new IllegalArgumentException("initialDelay <= 0: " + initialDelay);
    }
    if (maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException(
          "maxDelay < initialDelay: " + maxDelay + " < " + initialDelay);
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("multiplier must be >= 1: " + multiplier);
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("jitter must be in range [0,1]: " + jitter);
    }
    if (stableAfter.isNegative() || stableAfter.isZero()) {
      throw new IllegalArgumentException("stableAfter <= 0: " + stableAfter);
    }
  }

  /** A copy with another attempt limit. */
  public ReconnectPolicy withMaxAttempts(int n) {
    return new ReconnectPolicy(n, initialDelay, maxDelay, multiplier, jitter, stableAfter,
        giveUpAfter, capacityGiveUpAfter);
  }

  /** A copy with other delays. */
  public ReconnectPolicy withDelays(Duration initial, Duration max) {
    return new ReconnectPolicy(maxAttempts, initial, max, multiplier, jitter, stableAfter,
        giveUpAfter, capacityGiveUpAfter);
  }

  /** A copy with another {@link #giveUpAfter()}. */
  public ReconnectPolicy withGiveUpAfter(Duration d) {
    return new ReconnectPolicy(maxAttempts, initialDelay, maxDelay, multiplier, jitter,
        stableAfter, d, capacityGiveUpAfter);
  }

  /** A copy with another {@link #capacityGiveUpAfter()}. */
  public ReconnectPolicy withCapacityGiveUpAfter(Duration d) {
    return new ReconnectPolicy(maxAttempts, initialDelay, maxDelay, multiplier, jitter,
        stableAfter, giveUpAfter, d);
  }

  /**
   * The delay before the retry after the {@code refusal}-th capacity refusal in a row (1-based),
   * given a uniform random number in [0,1): {@link #CAPACITY_INITIAL_DELAY} doubling to
   * {@link #CAPACITY_MAX_DELAY}, scaled by a factor in [1 - {@link #CAPACITY_JITTER}, 1] so
   * that clients refused together do not come back together. The same for every policy.
   */
  public static Duration capacityDelay(int refusal, double random) {
    if (refusal < 1) {
      throw new IllegalArgumentException("refusal < 1: " + refusal);
    }
    double base = CAPACITY_INITIAL_DELAY.toNanos() * Math.pow(2, Math.min(refusal - 1, 30));
    double capped = Math.min(base, (double) CAPACITY_MAX_DELAY.toNanos());
    return Duration.ofNanos(Math.max(1L, (long) (capped * (1.0 - CAPACITY_JITTER * random))));
  }

  /**
   * The delay before attempt {@code attempt} (1-based), given a uniform random number in [0,1).
   */
  public Duration delay(int attempt, double random) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt < 1: " + attempt);
    }
    double base = initialDelay.toNanos() * Math.pow(multiplier, attempt - 1);
    double capped = Math.min(base, (double) maxDelay.toNanos());
    double scaled = capped * (1.0 - jitter * random);
    return Duration.ofNanos(Math.max(1L, (long) scaled));
  }
}
