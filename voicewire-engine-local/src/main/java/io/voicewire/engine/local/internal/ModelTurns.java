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
 * <p>Before tenants come <em>urgent</em> lanes: those whose session keeps to real time ({@link
 * DecodePace}). An urgent lane waiting for a turn goes before every lane that is not, and {@link
 * #hasUrgentWaiting()} tells a holder that is not urgent to let go at once ({@link
 * ModelSet.SliceStream}). So streams that pour audio in faster than real time get the time the
 * real-time ones leave, not a share of theirs.
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
  private final TenantShares<Waiter> urgent =
      new TenantShares<>(Comparator.comparingLong(Waiter::seq));
  private final TenantShares<Waiter> waiting =
      new TenantShares<>(Comparator.comparingLong(Waiter::seq));
  private volatile Thread holder;
  private volatile boolean urgentWaiting;
  private String holderTenant; // guarded by lock
  private TenantShares<Waiter> holderQueue; // the queue the holder's turn came from, guarded by lock
  private long heldSinceNanos; // guarded by lock
  private long seq; // guarded by lock
  private final LoadAverage held = new LoadAverage(); // guarded by lock
  private final LoadAverage waited = new LoadAverage(); // guarded by lock

  /** Waits for the models (uninterruptibly, as a lock does) for a stream of {@code tenant}. */
  void acquire(String tenant) {
    acquire(tenant, true);
  }

  /**
   * Waits for the models (uninterruptibly, as a lock does) for a stream of {@code tenant}; an
   * {@code urgent} lane ({@link DecodePace#urgent()}) goes before all that are not.
   */
  void acquire(String tenant, boolean urgentLane) {
    lock.lock();
    try {
      Waiter me = new Waiter(Thread.currentThread(), seq++);
      long askedNanos = System.nanoTime();
      TenantShares<Waiter> queue = urgentLane ? urgent : waiting;
      queue.add(tenant, me);
      urgentWaiting = !urgent.isEmpty();
      while (holder != null || next() != me) {
        changed.awaitUninterruptibly();
      }
      queue.poll();
      urgentWaiting = !urgent.isEmpty();
      holder = me.thread;
      holderTenant = tenant;
      holderQueue = queue;
      heldSinceNanos = System.nanoTime();
      waited.add(heldSinceNanos - askedNanos, heldSinceNanos);
    } finally {
      lock.unlock();
    }
  }

  private Waiter next() {
    return urgent.isEmpty() ? waiting.peek() : urgent.peek();
  }

  /** Ends the calling lane's turn, charging its tenant the time it held the models. */
  void release() {
    lock.lock();
    try {
      if (holder != Thread.currentThread()) {
        throw new IllegalMonitorStateException("the models are not held by this lane");
      }
      long now = System.nanoTime();
      holderQueue.done(holderTenant, now - heldSinceNanos);
      held.add(now - heldSinceNanos, now);
      holder = null;
      holderTenant = null;
      holderQueue = null;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Whether an urgent lane waits for a turn (read without the lock: once per audio read). */
  boolean hasUrgentWaiting() {
    return urgentWaiting;
  }

  /** Whether another lane waits for a turn. */
  boolean hasWaiting() {
    lock.lock();
    try {
      return !waiting.isEmpty() || !urgent.isEmpty();
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
