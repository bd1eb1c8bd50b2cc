package io.voicewire.server.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What one API key's WebSockets may make the server read and handle per second: bytes of
 * inbound frames ({@code inboundBytesPerSecondPerKey}) and CPU time spent on the reading thread
 * parsing and handling them ({@code inboundCpuPerSecondPerKey}: JSON, base64, text release, the
 * engine's voice activity detection). One {@link Key} per key, shared by all its sockets; each
 * socket charges it through its {@link InboundFlow} after every frame and, while the key is over
 * its budget, reads its next frame only when the key's debt is paid (Jetty's demand is withheld:
 * nothing is dropped, TCP flow control slows the client down).
 *
 * <p>Each dimension is a token bucket kept as its theoretical arrival time (GCRA): a key that was
 * idle may spend {@link #BURST_SECONDS} of its rate at once; beyond that, every frame moves the
 * key's "paid until" time on by its cost divided by the rate, and a socket whose frame left the
 * key more than the burst ahead of now waits for the difference. Sockets of one key therefore
 * queue behind each other in the order they read, and the key as a whole gets its rate, however
 * many sockets it opens. Keys other than the throttled one are not touched: this is a per-key
 * bound, not a global one.
 *
 * <p>Each admitted socket also has its own pair of buckets ({@code inboundBytesPerSecondPerSession},
 * {@code inboundCpuPerSecondPerSession}; {@link #session()}), charged with the same frame: one
 * session cannot read faster than a few times real time however idle its key's other sessions
 * are, and a key's many honest sessions are bounded each by their own share, not squeezed
 * together into the key's (a backend serving many users with one key). A frame waits for the
 * longer of the two debts.
 *
 * <p>Sockets without a key (before admission; a server without API keys) are not charged. One
 * entry per key that sent a frame, never removed (keys are configured, so bounded).
 *
 * <p>Thread safe: a key's buckets are updated under its own monitor (a few arithmetic
 * operations), from Jetty's reading threads.
 */
final class InboundBudget {
  /** What a key that was idle may spend at once, in seconds of its rate. */
  static final double BURST_SECONDS = 1.0;

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final long bytesPerSecond;
  private final long cpuNanosPerSecond;
  private final long sessionBytesPerSecond;
  private final long sessionCpuNanosPerSecond;
  private final LongSupplier clock;
  private final ConcurrentHashMap<String, Key> keys = new ConcurrentHashMap<>();

  /**
   * @param bytesPerSecond bytes per second per key; 0: no byte budget
   * @param cpuNanosPerSecond handling CPU nanoseconds per second per key; 0: no CPU budget
   * @param clock the monotonic clock, in nanoseconds
   */
  InboundBudget(long bytesPerSecond, long cpuNanosPerSecond, LongSupplier clock) {
    this(bytesPerSecond, cpuNanosPerSecond, 0, 0, clock);
  }

  /**
   * @param bytesPerSecond bytes per second per key; 0: no byte budget
   * @param cpuNanosPerSecond handling CPU nanoseconds per second per key; 0: no CPU budget
   * @param sessionBytesPerSecond bytes per second per admitted socket; 0: none
   * @param sessionCpuNanosPerSecond handling CPU nanoseconds per second per admitted socket; 0:
   *     none
   * @param clock the monotonic clock, in nanoseconds
   */
  InboundBudget(long bytesPerSecond, long cpuNanosPerSecond, long sessionBytesPerSecond,
      long sessionCpuNanosPerSecond, LongSupplier clock) {
    if (bytesPerSecond < 0 || cpuNanosPerSecond < 0 || sessionBytesPerSecond < 0
        || sessionCpuNanosPerSecond < 0) {
      throw new IllegalArgumentException("negative budget: " + bytesPerSecond + " B/s, "
          + cpuNanosPerSecond + " ns/s per key, " + sessionBytesPerSecond + " B/s, "
          + sessionCpuNanosPerSecond + " ns/s per session");
    }
    this.bytesPerSecond = bytesPerSecond;
    this.cpuNanosPerSecond = cpuNanosPerSecond;
    this.sessionBytesPerSecond = sessionBytesPerSecond;
    this.sessionCpuNanosPerSecond = sessionCpuNanosPerSecond;
    this.clock = clock;
  }

  /** Now on the budgets' clock (nanoseconds). */
  long now() {
    return clock.getAsLong();
  }

  /** Whether a CPU budget is on (else the handling CPU need not be measured). */
  boolean measuresCpu() {
    return cpuNanosPerSecond > 0 || sessionCpuNanosPerSecond > 0;
  }

  /**
   * The budget of {@code keyId} (the admitted key's id, {@link Auth#tenant} of it: null without
   * keys), or null when it is not charged: no key, or both per-key budgets off.
   */
  Key of(String keyId) {
    if (keyId == null || (bytesPerSecond == 0 && cpuNanosPerSecond == 0)) {
      return null;
    }
    return keys.computeIfAbsent(keyId, k -> new Key(bytesPerSecond, cpuNanosPerSecond));
  }

  /** A new admitted socket's own buckets, or null when both per-session budgets are off. */
  Key session() {
    if (sessionBytesPerSecond == 0 && sessionCpuNanosPerSecond == 0) {
      return null;
    }
    return new Key(sessionBytesPerSecond, sessionCpuNanosPerSecond);
  }

  /** Two buckets (bytes, handling CPU): one key's, shared by its sockets, or one socket's. */
  final class Key {
    private final long bytesRate;
    private final long cpuRate;
    // guarded by this: when each bucket is paid up to (nanos on the clock)
    private long bytesPaidUntil = Long.MIN_VALUE;
    private long cpuPaidUntil = Long.MIN_VALUE;

    Key(long bytesRate, long cpuRate) {
      this.bytesRate = bytesRate;
      this.cpuRate = cpuRate;
    }

    /**
     * Charges one frame: {@code bytes} read and {@code cpuNanos} spent handling it. Returns how
     * long (nanoseconds) the socket must wait before it reads its next frame; 0 when the key is
     * within its budget.
     */
    long charge(long bytes, long cpuNanos) {
      long now = clock.getAsLong();
      long burst = (long) (BURST_SECONDS * NANOS_PER_SECOND);
      long wait = 0;
      synchronized (this) {
        if (bytesRate > 0) {
          bytesPaidUntil = Math.max(bytesPaidUntil, now) + cost(bytes, bytesRate);
          wait = Math.max(wait, bytesPaidUntil - now - burst);
        }
        if (cpuRate > 0) {
          cpuPaidUntil = Math.max(cpuPaidUntil, now) + cost(cpuNanos, cpuRate);
          wait = Math.max(wait, cpuPaidUntil - now - burst);
        }
      }
      return wait;
    }
  }

  /** The time {@code amount} takes at {@code perSecond}, in nanoseconds (no overflow). */
  static long cost(long amount, long perSecond) {
    if (amount <= 0) {
      return 0;
    }
    return (long) ((double) amount / perSecond * NANOS_PER_SECOND);
  }
}
