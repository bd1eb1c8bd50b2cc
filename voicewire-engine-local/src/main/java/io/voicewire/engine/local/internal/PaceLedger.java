package io.voicewire.engine.local.internal;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What a tenant's ended STT sessions still owe of their {@link DecodePace} burst, so that a new
 * session of the same tenant starts with the bucket its predecessor left, not a full one. Without
 * it, a client that pours audio in, drops the connection and reconnects gets
 * {@link DecodePace#BURST_MILLIS} of urgent decoding with every new socket (the soak's STT burst
 * flood reconnected every five seconds). A real-time stream owes nothing (its bucket stays
 * full), so a reconnect after a network cut is unaffected.
 *
 * <p>An ended session's debt is the burst it had used; it is paid back at {@link DecodePace#RATE}
 * like the bucket refills, and a tenant owes the largest debt of its ended sessions (its
 * concurrent sessions each have their own bucket). An entry is forgotten once paid, at most
 * {@code BURST_MILLIS / RATE} (4 s) after its session ended; at most {@link #MAX_TENANTS_OWING}
 * tenants are remembered (beyond, an ended session's debt is not recorded, and its tenant's next
 * session starts full, as before this ledger). Sessions without a tenant (no key) share nothing.
 *
 * <p>Thread safe.
 */
final class PaceLedger {
  /** Most tenants whose ended sessions' debt is remembered at once. */
  static final int MAX_TENANTS_OWING = 10_000;

  private final LongSupplier nanoClock;
  private final Map<String, Debt> owed = new HashMap<>(); // guarded by this

  private record Debt(double millis, long atNanos) {
    double at(long nowNanos) {
      return Math.max(0, millis - Math.max(0, nowNanos - atNanos) / 1e6 * DecodePace.RATE);
    }
  }

  PaceLedger(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /** A session of {@code tenant} ended having used {@code usedMillis} of its burst. */
  synchronized void ended(String tenant, double usedMillis) {
    if (tenant == null) {
      return;
    }
    long now = nanoClock.getAsLong();
    for (Iterator<Debt> it = owed.values().iterator(); it.hasNext(); ) {
      if (it.next().at(now) <= 0) {
        it.remove(); // paid
      }
    }
    Debt d = owed.get(tenant);
    double debt = Math.max(usedMillis, d == null ? 0 : d.at(now));
    if (debt > 0 && (d != null || owed.size() < MAX_TENANTS_OWING)) {
      owed.put(tenant, new Debt(debt, now));
    }
  }

  /** What a new session of {@code tenant} starts without, ms of audio credit. */
  synchronized double owed(String tenant) {
    Debt d = tenant == null ? null : owed.get(tenant);
    return d == null ? 0 : d.at(nanoClock.getAsLong());
  }

  /** Tenants remembered now, for tests. */
  synchronized int size() {
    return owed.size();
  }
}
