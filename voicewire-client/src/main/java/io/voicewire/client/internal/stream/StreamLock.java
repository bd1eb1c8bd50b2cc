package io.voicewire.client.internal.stream;

import io.voicewire.client.internal.Logs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The one lock of a stream, with the two rules every stream follows: socket I/O and listener
 * calls never run under it. Actions that must (a connection's cancel or close) are
 * {@link #defer deferred} and run when the outermost {@link #unlock()} releases the lock; then
 * the stream's queued callbacks are flushed ({@code afterRelease}).
 *
 * <p>Thread safe.
 */
final class StreamLock {
  private static final Logger log = Logs.get(StreamLock.class);

  private final ReentrantLock lock = new ReentrantLock();
  private final List<Runnable> deferred = new ArrayList<>();
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
  }

  /** Releases the lock, then runs what was {@link #defer deferred} (when not still held). */
  void unlock() {
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
