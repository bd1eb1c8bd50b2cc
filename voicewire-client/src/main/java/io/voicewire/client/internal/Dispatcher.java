package io.voicewire.client.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one stream's listener callbacks serially and in order on an executor, off the socket's
 * reader thread.
 *
 * <p>Bounded by back-pressure: when {@link #MAX_PENDING_EVENTS} events wait, {@code onFull} runs
 * (the stream stops reading its socket, so at most one more message arrives); when the backlog
 * drains to {@link #RESUME_AT_EVENTS}, {@code onDrained} runs (reading resumes). A listener that
 * is slow, or blocks, therefore slows the socket down instead of growing memory, and it never
 * blocks the reader thread. Thread safe; {@link #offer} never blocks.
 */
public final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  /** Events waiting before reading pauses. */
  public static final int MAX_PENDING_EVENTS = 64;
  /** Events waiting at which reading resumes. */
  public static final int RESUME_AT_EVENTS = 16;

  private final Executor executor;
  private final String threadName;
  private final Runnable onFull;
  private final Runnable onDrained;
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private boolean running;
  private boolean full;

  public Dispatcher(Executor executor, String threadName, Runnable onFull, Runnable onDrained) {
    this.executor = executor;
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
      schedule = !running;
      running = true;
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
      executor.execute(this::drain);
    }
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
