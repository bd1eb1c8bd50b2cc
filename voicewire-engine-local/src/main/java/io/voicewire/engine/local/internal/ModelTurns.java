package io.voicewire.engine.local.internal;

import java.util.Comparator;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The turns of a {@link ModelSet}'s lanes on its models: one lane decodes at a time, and the next
 * one is chosen fairly between tenants ({@link TenantShares}: the tenant that has used the least
 * decoding time of the set goes first; each turn is charged the time it held the models), in
 * arrival order within a tenant. So a tenant with three busy streams gets about as much decoding
 * time as a tenant with one, whenever both have audio to decode; a lane whose stream has no audio
 * waiting lets go of its turn and is not charged for the wait. With one tenant this is a FIFO
 * lock (what the set used before tenants).
 *
 * <p>It also measures the set's load, as moving averages over about {@link #LOAD_WINDOW_NANOS}
 * of wall clock: the share of the time the models were held (the set's real-time factor: at 1
 * the set decodes without pause and its streams fall behind), and the mean number of lanes
 * waiting for a turn (the streams' lag that is queueing, not decoding).
 *
 * <p>Not reentrant. Thread safe.
 */
final class ModelTurns {
  /** Time constant of the load averages ({@link #busyShare()}, {@link #meanWaiting()}). */
  static final long LOAD_WINDOW_NANOS = 3_000_000_000L;

  private record Waiter(Thread thread, long seq) {}

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final TenantShares<Waiter> waiting =
      new TenantShares<>(Comparator.comparingLong(Waiter::seq));
  private volatile Thread holder;
  private String holderTenant; // guarded by lock
  private long heldSinceNanos; // guarded by lock
  private long seq; // guarded by lock
  private final LoadAverage held = new LoadAverage(); // guarded by lock
  private final LoadAverage waited = new LoadAverage(); // guarded by lock

  /** Waits for the models (uninterruptibly, as a lock does) for a stream of {@code tenant}. */
  void acquire(String tenant) {
    lock.lock();
    try {
      Waiter me = new Waiter(Thread.currentThread(), seq++);
      long askedNanos = System.nanoTime();
      waiting.add(tenant, me);
      while (holder != null || waiting.peek() != me) {
        changed.awaitUninterruptibly();
      }
      waiting.poll();
      holder = me.thread;
      holderTenant = tenant;
      heldSinceNanos = System.nanoTime();
      waited.add(heldSinceNanos - askedNanos, heldSinceNanos);
    } finally {
      lock.unlock();
    }
  }

  /** Ends the calling lane's turn, charging its tenant the time it held the models. */
  void release() {
    lock.lock();
    try {
      if (holder != Thread.currentThread()) {
        throw new IllegalMonitorStateException("the models are not held by this lane");
      }
      long now = System.nanoTime();
      waiting.done(holderTenant, now - heldSinceNanos);
      held.add(now - heldSinceNanos, now);
      holder = null;
      holderTenant = null;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Whether another lane waits for a turn. */
  boolean hasWaiting() {
    lock.lock();
    try {
      return !waiting.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Share of the recent wall clock the models were held (0–1; a turn under way counts once it
   * ends): the set's measured real-time factor.
   */
  double busyShare() {
    lock.lock();
    try {
      long now = System.nanoTime();
      double running = holder == null ? 0 : now - heldSinceNanos;
      return Math.min(1, held.rate(now) + running / LOAD_WINDOW_NANOS);
    } finally {
      lock.unlock();
    }
  }

  /** Mean number of lanes that recently waited for a turn (queueing for the models). */
  double meanWaiting() {
    lock.lock();
    try {
      return waited.rate(System.nanoTime());
    } finally {
      lock.unlock();
    }
  }

  /**
   * An exponentially decaying sum of durations, over {@link #LOAD_WINDOW_NANOS}: its rate is
   * the mean number of things going on at once (held turns, waiting lanes). Not thread safe.
   */
  private static final class LoadAverage {
    private double sumNanos;
    private long atNanos = System.nanoTime();

    void add(long nanos, long now) {
      decay(now);
      sumNanos += nanos;
    }

    double rate(long now) {
      decay(now);
      return sumNanos / LOAD_WINDOW_NANOS;
    }

    private void decay(long now) {
      if (now > atNanos) {
        sumNanos *= Math.exp(-(double) (now - atNanos) / LOAD_WINDOW_NANOS);
        atNanos = now;
      }
    }
  }

  /** Whether the calling lane holds the models. */
  boolean heldByCurrentThread() {
    return holder == Thread.currentThread();
  }
}
