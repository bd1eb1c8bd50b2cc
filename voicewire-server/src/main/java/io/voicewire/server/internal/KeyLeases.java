package io.voicewire.server.internal;

/**
 * Per-key admission that may be shared by several replicas: concurrent sessions per key (as
 * leases) and session starts per minute per key. {@link SessionLimiter} asks it after its own
 * per-process checks, so the in-memory and the Redis implementation are interchangeable.
 *
 * <p>Implementations are thread safe. {@link #acquire} may do one network round trip (bounded by
 * the implementation's timeout); it never blocks longer.
 */
interface KeyLeases extends AutoCloseable {

  /** A granted slot; {@link #release()} is idempotent. */
  interface Lease {
    /** Returns the slot. Idempotent; never throws. */
    void release();
  }

  /** Why a key was refused. */
  enum Refusal {
    /** The key holds its limit of concurrent sessions (across replicas when shared). */
    CONCURRENT,
    /** The key started its limit of sessions in the current minute. */
    STARTS_PER_MINUTE
  }

  /** The outcome of {@link #acquire}: a lease, or the reason of a refusal. */
  record Grant(Lease lease, Refusal refusal, String message) {
    static Grant of(Lease lease) {
      return new Grant(lease, null, null);
    }

    static Grant refused(Refusal why, int max) {
      return new Grant(null, why, KeyLeases.message(why, max));
    }
  }

  /** The client's message for a refusal by a limit of {@code max}. */
  static String message(Refusal why, int max) {
    return why == Refusal.CONCURRENT
        ? "This API key is at its limit of " + max + " concurrent sessions"
        : "This API key has started its limit of " + max + " sessions this minute; try again "
            + "in the next minute";
  }

  /** A lease that holds nothing (what a limit that is off, or a fallback, hands out). */
  Lease NO_LEASE = () -> { };

  /** Asks for one session slot of {@code keyId}. */
  Grant acquire(String keyId);

  /** Whether the shared store answers (always true in memory). */
  default boolean healthy() {
    return true;
  }

  /** Stops background work (lease renewal); leases still held are released where possible. */
  @Override
  default void close() {}
}
