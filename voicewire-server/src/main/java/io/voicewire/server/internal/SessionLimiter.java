package io.voicewire.server.internal;

import io.voicewire.speech.ErrorCode;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts concurrent sessions, in total and per key id, against the configured limits, then asks
 * the {@link KeyLeases} (per-key limits shared by replicas, or starts per minute in memory),
 * except for the server's own warm-up ({@link WarmUp#KEY_ID}).
 * Lock-free and thread safe; a {@link Permit} is released exactly once however often
 * {@code release} is called.
 */
final class SessionLimiter {
  private final int maxTotal;
  private final int maxPerKey;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<String, AtomicInteger> perKey = new ConcurrentHashMap<>();
  private final KeyLeases leases;

  SessionLimiter(int maxTotal, int maxPerKey) {
    this(maxTotal, maxPerKey, keyId -> KeyLeases.Grant.of(KeyLeases.NO_LEASE));
  }

  /** With {@code leases} asked after this process's own limits. */
  SessionLimiter(int maxTotal, int maxPerKey, KeyLeases leases) {
    this.maxTotal = maxTotal;
    this.maxPerKey = maxPerKey;
    this.leases = leases;
  }

  /** Why a session was refused: the protocol error and a message for the client. */
  record Refusal(ErrorCode code, String message) {
    /** The HTTP answer: 429 {@code concurrent_limit_exceeded} or {@code rate_limit_exceeded}. */
    HttpProblem httpProblem() {
      return new HttpProblem(429, "rate_limit_error", code == ErrorCode.RATE_LIMITED
          ? "rate_limit_exceeded" : "concurrent_limit_exceeded", message, null);
    }
  }

  /** A held session slot. */
  final class Permit {
    private final String keyId;
    private final AtomicBoolean released = new AtomicBoolean();
    private final KeyLeases.Lease lease;

    private Permit(String keyId, KeyLeases.Lease lease) {
      this.keyId = keyId;
      this.lease = lease;
    }

    /** Returns the slot; idempotent. */
    void release() {
      if (released.compareAndSet(false, true)) {
        total.decrementAndGet();
        perKey.computeIfPresent(keyId, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
        lease.release();
      }
    }
  }

  /** Permits held now (no lock). */
  int held() {
    return total.get();
  }

  /** A permit, or null with {@code why[0]} set to the reason when a limit is reached. */
  Permit tryAcquire(String keyId, String[] why) {
    Refusal[] r = new Refusal[1];
    Permit p = acquire(keyId, r);
    if (p == null) {
      why[0] = r[0].message();
    }
    return p;
  }

  /**
   * A permit, or null with {@code why[0]} set when a limit is reached: the server's or the key's
   * concurrent sessions ({@code resource_exhausted}), or the key's session starts per minute
   * ({@code rate_limited}).
   */
  Permit acquire(String keyId, Refusal[] why) {
    if (total.incrementAndGet() > maxTotal) {
      total.decrementAndGet();
      why[0] = new Refusal(ErrorCode.RESOURCE_EXHAUSTED,
          "The server is at its limit of " + maxTotal + " concurrent sessions; try again later");
      return null;
    }
    boolean[] ok = {true};
    perKey.compute(keyId, (k, n) -> {
      AtomicInteger c = n == null ? new AtomicInteger() : n;
      if (c.get() >= maxPerKey) {
        ok[0] = false;
      } else {
        c.incrementAndGet();
      }
      return c.get() == 0 ? null : c;
    });
    if (!ok[0]) {
      total.decrementAndGet();
      why[0] = concurrentRefusal();
      return null;
    }
    // the warm-up's sessions (one at a time, this replica's own) take no lease shared with other
    // replicas: replicas that start together must not refuse each other's warm-up
    KeyLeases.Grant g = WarmUp.KEY_ID.equals(keyId) ? KeyLeases.Grant.of(KeyLeases.NO_LEASE)
        : leases.acquire(keyId);
    Permit p = new Permit(keyId, g.lease() != null ? g.lease() : KeyLeases.NO_LEASE);
    if (g.refusal() != null) {
      p.release(); // gives back this process's counts
      why[0] = g.refusal() == KeyLeases.Refusal.CONCURRENT ? concurrentRefusal()
          : new Refusal(ErrorCode.RATE_LIMITED, g.message());
      return null;
    }
    return p;
  }

  private Refusal concurrentRefusal() {
    return new Refusal(ErrorCode.RESOURCE_EXHAUSTED,
        KeyLeases.message(KeyLeases.Refusal.CONCURRENT, maxPerKey));
  }

  int total() {
    return total.get();
  }
}
