package io.voicewire.client.internal.stream;

import io.voicewire.client.internal.Logs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The one lock of a stream, with the two rules every stream follows: socket I/O and listener
 * calls never run under it. Actions that must (a connection's cancel or close) are
 * {@link #defer deferred} and run when the outermost {@link #unlock()} releases the lock; then
 * the stream's queued callbacks are flushed ({@code afterRelease}).
 *
 * <p>A thread that must not park (a relay's socket reader, possibly a selector thread) hands its
 * work over with {@link #submit}: the work runs now if the lock is free, else the lock's holder
 * runs it before releasing it (flat combining). Submitted work runs in submission order, and
 * before anything else that takes the lock afterwards: whoever takes the lock (outermost) first
 * runs what is pending, so a thread's later {@link #call} never overtakes its earlier
 * {@link #submit}. The holder's own {@link #submit} (a transport event reported on the thread
 * that holds the lock) is queued behind what others submitted and runs at its outermost release.
 *
 * <p>Thread safe.
 */
final class StreamLock {
  private static final Logger log = Logs.get(StreamLock.class);
  /**
   * Submitted work waiting for the lock, at most, tasks: past it {@link #submit} waits for the
   * lock like {@link #run} (back-pressure on the submitting reader instead of memory).
   */
  static final int MAX_PENDING_TASKS = 256;

  private final ReentrantLock lock = new ReentrantLock();
  private final List<Runnable> deferred = new ArrayList<>();
  private final ConcurrentLinkedQueue<Runnable> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pendingCount = new AtomicInteger();
  private final String name;
  private Runnable afterRelease = () -> { };

  StreamLock(String name) {
    this.name = name;
  }

  /** What runs after the lock was released by its outermost holder (set once, at start). */
  void afterRelease(Runnable r) {
    this.afterRelease = r;
  }

  void lock() {
    lock.lock();
    if (lock.getHoldCount() == 1) {
      runPending();
    }
  }

  /** Tasks submitted and not run yet (no lock). */
  int pendingTasks() {
    return pendingCount.get();
  }

  /**
   * Runs {@code task} with the lock held, now or, when another thread holds the lock, by that
   * thread before it releases it; never parks unless {@link #MAX_PENDING_TASKS} are waiting.
   * Deferred actions and callbacks run after the release, as for {@link #run}.
   */
  void submit(Runnable task) {
    if (pendingCount.get() >= MAX_PENDING_TASKS && !lock.isHeldByCurrentThread()) {
      run(task); // takes the lock, runs what is pending first, then this
      return;
    }
    pendingCount.incrementAndGet();
    pending.offer(task);
    helpPending();
  }

  /**
   * {@link #submit(Runnable)} for work that borrows its caller's buffers: {@code body} runs with
   * the lock held if the lock can be had now without waiting (after the work submitted before
   * it); otherwise {@code kept.get()}, the same work owning what it borrowed, is submitted.
   */
  void submit(Runnable body, Supplier<Runnable> kept) {
    if (lock.isHeldByCurrentThread() || !lock.tryLock()) {
      submit(kept.get());
      return;
    }
    try {
      runPending();
      body.run();
    } catch (RuntimeException e) {
      log.warn("{}: submitted work failed", name, e);
    } finally {
      unlock();
    }
  }

  /**
   * Runs what is pending while the lock can be had without waiting. A holder that finds work
   * submitted after it checked runs it too: a submitter whose {@code tryLock} failed did so while
   * another thread held the lock, and that thread looks at {@link #pending} after its release.
   */
  private void helpPending() {
    while (!pending.isEmpty() && !lock.isHeldByCurrentThread() && lock.tryLock()) {
      runPending();
      release();
    }
  }

  /** Runs the submitted work, in order. Lock held. */
  private void runPending() {
    Runnable r;
    while ((r = pending.poll()) != null) {
      pendingCount.decrementAndGet();
      try {
        r.run();
      } catch (RuntimeException e) {
        log.warn("{}: submitted work failed", name, e);
      }
    }
  }

  /** Releases the lock, then runs what was {@link #defer deferred} (when not still held). */
  void unlock() {
    release();
    helpPending();
  }

  private void release() {
    List<Runnable> run = null;
    if (lock.getHoldCount() == 1 && !deferred.isEmpty()) {
      run = new ArrayList<>(deferred);
      deferred.clear();
    }
    lock.unlock();
    if (run != null) {
      for (Runnable r : run) {
        try {
          r.run();
        } catch (RuntimeException e) {
          log.warn("{}: deferred action failed", name, e);
        }
      }
    }
    if (!lock.isHeldByCurrentThread()) {
      afterRelease.run(); // inline callbacks queued under the lock
    }
  }

  /** Runs {@code r} once the lock is released. Lock held. */
  void defer(Runnable r) {
    assert lock.isHeldByCurrentThread();
    deferred.add(r);
  }

  boolean isHeldByCurrentThread() {
    return lock.isHeldByCurrentThread();
  }

  /** Runs {@code body} with the lock held; deferred actions and callbacks run after release. */
  <T> T call(Supplier<T> body) {
    lock();
    try {
      return body.get();
    } finally {
      unlock();
    }
  }

  /** {@link #call} without a result. */
  void run(Runnable body) {
    lock();
    try {
      body.run();
    } finally {
      unlock();
    }
  }
}
