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
 * <p>Not reentrant. Thread safe.
 */
final class ModelTurns {
  private record Waiter(Thread thread, long seq) {}

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final TenantShares<Waiter> waiting =
      new TenantShares<>(Comparator.comparingLong(Waiter::seq));
  private volatile Thread holder;
  private String holderTenant; // guarded by lock
  private long heldSinceNanos; // guarded by lock
  private long seq; // guarded by lock

  /** Waits for the models (uninterruptibly, as a lock does) for a stream of {@code tenant}. */
  void acquire(String tenant) {
    lock.lock();
    try {
      Waiter me = new Waiter(Thread.currentThread(), seq++);
      waiting.add(tenant, me);
      while (holder != null || waiting.peek() != me) {
        changed.awaitUninterruptibly();
      }
      waiting.poll();
      holder = me.thread;
      holderTenant = tenant;
      heldSinceNanos = System.nanoTime();
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
      waiting.done(holderTenant, System.nanoTime() - heldSinceNanos);
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

  /** Whether the calling lane holds the models. */
  boolean heldByCurrentThread() {
    return holder == Thread.currentThread();
  }
}
