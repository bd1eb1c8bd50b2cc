package io.voicewire.engine.local.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
 * <p>Before tenants comes urgency ({@link DecodePace.Urgency}): a lane waiting for a turn goes
 * before every less urgent one, and {@link #mustYield} tells a holder to let go at once when a
 * more urgent lane waits ({@link ModelSet.SliceStream}). So streams that pour audio in faster
 * than real time get the time the real-time ones leave, not a share of theirs.
 *
 * <p>It also measures the set's load, as moving averages over about {@link #LOAD_WINDOW_NANOS}
 * of wall clock: the share of the time the models were held (the set's real-time factor: at 1
 * the set decodes without pause and its streams fall behind), and the mean number of lanes
 * waiting for a turn (the streams' lag that is queueing, not decoding); and both for urgent lanes
 * alone ({@link #realTimeShare()}, {@link #realTimeWaiting()}): the load of the real-time
 * streams, on which admission rests ({@link RealtimeRoom}), since the rest yields to them.
 *
 * <p>Not reentrant. Thread safe.
 */
final class ModelTurns {
  /** Time constant of the load averages ({@link #busyShare()}, {@link #meanWaiting()}). */
  static final long LOAD_WINDOW_NANOS = 3_000_000_000L;

  private record Waiter(Thread thread, long seq) {}

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private static final DecodePace.Urgency[] URGENCIES = DecodePace.Urgency.values();
  /** The lanes waiting, by urgency ({@link DecodePace.Urgency#ordinal()}). */
  private final List<TenantShares<Waiter>> waiting = new ArrayList<>();
  private volatile Thread holder;
  /** The most urgent waiting lane's urgency (ordinal), -1 when none waits. */
  private volatile int waitingUrgency = -1;
  private String holderTenant; // guarded by lock
  private TenantShares<Waiter> holderQueue; // where the holder's turn came from, guarded by lock
  private long heldSinceNanos; // guarded by lock
  private boolean holderUrgent; // guarded by lock
  private long urgentSinceNanos; // guarded by lock
  private long seq; // guarded by lock
  private final LoadAverage held = new LoadAverage(); // guarded by lock
  private final LoadAverage waited = new LoadAverage(); // guarded by lock
  private final LoadAverage urgentHeld = new LoadAverage(); // guarded by lock
  private final LoadAverage urgentWaited = new LoadAverage(); // guarded by lock

  ModelTurns() {
    for (int i = 0; i < URGENCIES.length; i++) {
      waiting.add(new TenantShares<>(Comparator.comparingLong(Waiter::seq)));
    }
  }

  /** Waits for the models (uninterruptibly, as a lock does) for a stream of {@code tenant}. */
  void acquire(String tenant) {
    acquire(tenant, DecodePace.Urgency.REAL_TIME);
  }

  /**
   * Waits for the models (uninterruptibly, as a lock does) for a stream of {@code tenant}; a
   * lane goes before all that are less urgent ({@link DecodePace#urgency()}). Returns how long
   * it waited, ns.
   */
  long acquire(String tenant, DecodePace.Urgency urgency) {
    lock.lock();
    try {
      Waiter me = new Waiter(Thread.currentThread(), seq++);
      long askedNanos = System.nanoTime();
      TenantShares<Waiter> queue = waiting.get(urgency.ordinal());
      queue.add(tenant, me);
      waitingUrgency = mostUrgentWaiting();
      while (holder != null || next() != me) {
        changed.awaitUninterruptibly();
      }
      queue.poll();
      waitingUrgency = mostUrgentWaiting();
      holder = me.thread;
      holderTenant = tenant;
      holderQueue = queue;
      heldSinceNanos = System.nanoTime();
      holderUrgent = urgency.urgent();
      urgentSinceNanos = heldSinceNanos;
      waited.add(heldSinceNanos - askedNanos, heldSinceNanos);
      if (holderUrgent) {
        urgentWaited.add(heldSinceNanos - askedNanos, heldSinceNanos);
      }
      return heldSinceNanos - askedNanos;
    } finally {
      lock.unlock();
    }
  }

  private Waiter next() {
    int u = mostUrgentWaiting();
    return u < 0 ? null : waiting.get(u).peek();
  }

  private int mostUrgentWaiting() {
    for (int u = URGENCIES.length - 1; u >= 0; u--) {
      if (!waiting.get(u).isEmpty()) {
        return u;
      }
    }
    return -1;
  }

  /**
   * Whether the holder, of {@code urgency} now, must let go: a more urgent lane waits, or one as
   * urgent does and the holder's slice is over (read without the lock: once per audio read).
   */
  boolean mustYield(DecodePace.Urgency urgency, boolean sliceOver) {
    int w = waitingUrgency;
    return w > urgency.ordinal() || w == urgency.ordinal() && sliceOver;
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
      if (holderUrgent) {
        urgentHeld.add(now - urgentSinceNanos, now);
      }
      holderUrgent = false;
      holder = null;
      holderTenant = null;
      holderQueue = null;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The holder's urgency changed during its turn ({@link DecodePace}): from now on its time
   * counts in {@link #realTimeShare()} or not.
   */
  void holderUrgency(DecodePace.Urgency urgency) {
    boolean urgentNow = urgency.urgent();
    lock.lock();
    try {
      if (holder != Thread.currentThread() || urgentNow == holderUrgent) {
        return;
      }
      long now = System.nanoTime();
      if (holderUrgent) {
        urgentHeld.add(now - urgentSinceNanos, now);
      }
      holderUrgent = urgentNow;
      urgentSinceNanos = now;
    } finally {
      lock.unlock();
    }
  }

  /** Whether a lane within real time waits for a turn. */
  boolean hasUrgentWaiting() {
    return waitingUrgency > DecodePace.Urgency.AHEAD.ordinal();
  }

  /** Whether another lane waits for a turn. */
  boolean hasWaiting() {
    lock.lock();
    try {
      return waitingUrgency >= 0;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Share of the recent wall clock the models were held (0–1; a turn under way counts once it
   * ends): the set's measured real-time factor.
   */
  double busyShare() {
    return share(held, false);
  }


  /**
   * Share of the recent wall clock the models were held by urgent lanes (0–1): the set's load of
   * real-time streams, what the decoding ahead of real time cannot take from a new stream.
   */
  double realTimeShare() {
    return share(urgentHeld, true);
  }

  /** Mean number of urgent lanes that recently waited for a turn. */
  double realTimeWaiting() {
    return rate(urgentWaited);
  }

  /** Mean number of lanes that recently waited for a turn (queueing for the models). */
  double meanWaiting() {
    return rate(waited);
  }

  /** {@code average}'s share of the wall clock, plus the turn under way (if urgent, for urgent). */
  private double share(LoadAverage average, boolean urgentOnly) {
    lock.lock();
    try {
      long now = System.nanoTime();
      double running = holder == null ? 0
          : urgentOnly ? (holderUrgent ? now - urgentSinceNanos : 0) : now - heldSinceNanos;
      return Math.min(1, average.rate(now) + running / LOAD_WINDOW_NANOS);
    } finally {
      lock.unlock();
    }
  }

  private double rate(LoadAverage average) {
    lock.lock();
    try {
      return average.rate(System.nanoTime());
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
