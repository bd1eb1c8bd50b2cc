package io.voicewire.engine.local.internal;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The decoding ahead of real time that one tenant's held-back sessions share
 * ({@link DecodePace#holdsBack()}): grants of {@link DecodePace#HELD_BACK_QUANTUM_MILLIS} of
 * audio, one every {@link #SPACING_NANOS} of wall clock for the whole tenant, so that its
 * held-back sessions together are decoded at {@link DecodePace#RATE} times real time, not that
 * much each. Without it, a client that opens as many flooding sockets as its share of the
 * capacity allows takes that many times the decoding (the soak's three flood sockets of one key
 * were decoded at 3.75 times real time beside the other keys' speech). Grants go in the order
 * they were asked for, and a grant not taken when it was due is not saved up: a tenant whose
 * sessions stop asking gets no burst for it later.
 *
 * <p>A tenant's sessions within real time never ask (they are not held back), so this costs a
 * tenant's live microphones nothing. Sessions without a tenant (no key) each have their own.
 *
 * <p>Thread safe.
 */
final class HeldBackGrants {
  /** Wall clock between two of a tenant's grants: a quantum of audio at {@link DecodePace#RATE}. */
  static final long SPACING_NANOS =
      (long) (TimeUnit.MILLISECONDS.toNanos(DecodePace.HELD_BACK_QUANTUM_MILLIS) / DecodePace.RATE);

  private final LongSupplier nanoClock;
  private long nextNanos; // guarded by this: when the tenant's next grant is due
  private int sessions; // guarded by this: the tenant's sessions that share it (SttAdmission)

  HeldBackGrants(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.nextNanos = nanoClock.getAsLong();
  }

  /**
   * Asks for the tenant's next grant.
   *
   * @return when it is due ({@code nanoClock}): now, or {@link #SPACING_NANOS} after the grant
   *     asked for before it
   */
  synchronized long reserve() {
    long now = nanoClock.getAsLong();
    long due = Math.max(now, nextNanos);
    nextNanos = due + SPACING_NANOS;
    return due;
  }

  /** One more session shares the grants; returns this. */
  synchronized HeldBackGrants join() {
    sessions++;
    return this;
  }

  /** A session that shared the grants ended; returns whether none is left. */
  synchronized boolean leave() {
    return --sessions <= 0;
  }
}
