package io.voicewire.server.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts concurrent sessions, in total and per key id, against the configured limits. Lock-free
 * and thread safe; a {@link Permit} is released exactly once however often {@code release} is
 * called.
 */
final class SessionLimiter {
  private final int maxTotal;
  private final int maxPerKey;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<String, AtomicInteger> perKey = new ConcurrentHashMap<>();

  SessionLimiter(int maxTotal, int maxPerKey) {
    this.maxTotal = maxTotal;
    this.maxPerKey = maxPerKey;
  }

  /** A held session slot. */
  final class Permit {
    private final String keyId;
    private final AtomicBoolean released = new AtomicBoolean();

    private Permit(String keyId) {
      this.keyId = keyId;
    }

    /** Returns the slot; idempotent. */
    void release() {
      if (released.compareAndSet(false, true)) {
        total.decrementAndGet();
        perKey.computeIfPresent(keyId, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
      }
    }
  }

  /** A permit, or null with {@code why[0]} set to the reason when a limit is reached. */
  Permit tryAcquire(String keyId, String[] why) {
    if (total.incrementAndGet() > maxTotal) {
      total.decrementAndGet();
      why[0] = "The server is at its limit of " + maxTotal + " concurrent sessions; try again later";
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
      why[0] = "This API key is at its limit of " + maxPerKey + " concurrent sessions";
      return null;
    }
    return new Permit(keyId);
  }

  int total() {
    return total.get();
  }
}
