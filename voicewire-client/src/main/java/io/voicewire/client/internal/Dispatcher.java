package io.voicewire.client.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;

/**
 * Runs one stream's listener callbacks serially and in order on an executor, off the socket's
 * reader thread.
 *
 * <p>Bounded by back-pressure: when {@link #MAX_PENDING_EVENTS} events wait, {@code onFull} runs
 * (the stream stops reading its socket, so at most one more message arrives); when the backlog
 * drains to {@link #RESUME_AT_EVENTS}, {@code onDrained} runs (reading resumes). A listener that
 * is slow, or blocks, therefore slows the socket down instead of growing memory, and it never
 * blocks the reader thread. Thread safe; {@link #offer} never blocks.
 *
 * <p><b>Inline mode</b> (executor {@link #INLINE}): no hand-off at all. Callbacks run on the
 * thread that produced them (usually the socket's I/O thread), but never while that thread holds
 * the owner's lock: {@link #offer} under the lock only queues, and the owner calls {@link #flush}
 * right after releasing it. For listeners that never block (a server relaying to its own
 * sockets); a blocking listener would stall its socket.
 */
public final class Dispatcher {
  private static final Logger log = Logs.get(Dispatcher.class);

  /** Events waiting before reading pauses. */
  public static final int MAX_PENDING_EVENTS = 64;
  /** Events waiting at which reading resumes. */
  public static final int RESUME_AT_EVENTS = 16;

  /** Marker executor for inline mode (see the class comment). */
  public static final Executor INLINE = r -> {
    throw new UnsupportedOperationException("Dispatcher.INLINE is a marker, not an executor");
  };

  private final Executor executor;
  private final boolean inline;
  private final BooleanSupplier ownerLockHeld;
  private final String threadName;
  private final Runnable onFull;
  private final Runnable onDrained;
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private boolean running;
  private boolean full;

  /**
   * @param ownerLockHeld inline mode: whether the calling thread holds the owner's lock
   */
  public Dispatcher(Executor executor, String threadName, Runnable onFull, Runnable onDrained,
      BooleanSupplier ownerLockHeld) {
    this.executor = executor;
    this.inline = executor == INLINE;
    this.ownerLockHeld = ownerLockHeld;
    this.threadName = threadName;
    this.onFull = onFull;
    this.onDrained = onDrained;
  }

  /** Queues a callback. Never blocks. */
  public void offer(Runnable event) {
    boolean schedule;
    boolean becameFull;
    lock.lock();
    try {
      queue.add(event);
      schedule = !running && !(inline && ownerLockHeld.getAsBoolean());
      if (schedule) {
        running = true;
      }
      becameFull = !full && queue.size() >= MAX_PENDING_EVENTS;
      if (becameFull) {
        full = true;
      }
    } finally {
      lock.unlock();
    }
    if (becameFull) {
      onFull.run();
    }
    if (schedule) {
      if (inline) {
        drain();
      } else {
        executor.execute(this::drain);
      }
    }
  }

  /**
   * Inline mode: delivers what {@link #offer} queued while the owner's lock was held. The owner
   * calls it after releasing the lock; a no-op otherwise.
   */
  public void flush() {
    if (!inline) {
      return;
    }
    lock.lock();
    try {
      if (running || queue.isEmpty()) {
        return;
      }
      running = true;
    } finally {
      lock.unlock();
    }
    drain();
  }

  /** Events waiting. */
  public int pending() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** True while reading is paused because the listener is behind. */
  public boolean isFull() {
    lock.lock();
    try {
      return full;
    } finally {
      lock.unlock();
    }
  }

  private void drain() {
    Thread t = Thread.currentThread();
    if (t.isVirtual()) {
      t.setName(threadName);
    }
    while (true) {
      Runnable next;
      boolean drained;
      lock.lock();
      try {
        next = queue.poll();
        if (next == null) {
          running = false;
          return;
        }
        drained = full && queue.size() <= RESUME_AT_EVENTS;
        if (drained) {
          full = false;
        }
      } finally {
        lock.unlock();
      }
      if (drained) {
        onDrained.run();
      }
      try {
        next.run();
      } catch (Throwable e) {
        log.warn("{}: listener threw; continuing", threadName, e);
      }
    }
  }
}
