package io.voicewire.engine.local.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: the listener events of one
 * session. No lock is held while a task runs, so a task may call back into its session.
 *
 * <p>The backlog is bounded by {@link #MAX_QUEUED_EVENTS}: a listener that stops returning would
 * otherwise let a session's audio pile up. {@link #execute} then refuses the task and returns
 * false (the session fails itself with {@code queue_overflow}).
 *
 * <p>Thread safe; {@code execute} never blocks.
 */
final class SerialLane {
  /** Most events a session may have waiting for its listener. */
  static final int MAX_QUEUED_EVENTS = 4096;
  private static final Logger LOG = LoggerFactory.getLogger(SerialLane.class);

  private final Executor executor;
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private boolean running;

  SerialLane(Executor executor) {
    this.executor = executor;
  }

  /** Queues {@code task}; false when {@link #MAX_QUEUED_EVENTS} are already waiting. */
  boolean execute(Runnable task) {
    return offer(task, false);
  }

  /** Queues {@code task} even past the bound: for the one terminal event of a session. */
  void executeAlways(Runnable task) {
    offer(task, true);
  }

  private boolean offer(Runnable task, boolean always) {
    boolean start;
    lock.lock();
    try {
      if (!always && queue.size() >= MAX_QUEUED_EVENTS) {
        return false;
      }
      queue.add(task);
      start = !running;
      running = true;
    } finally {
      lock.unlock();
    }
    if (start) {
      try {
        executor.execute(this::drain);
      } catch (RuntimeException e) {
        LOG.warn("callback executor refused a task; running it inline", e);
        drain();
      }
    }
    return true;
  }

  private void drain() {
    while (true) {
      Runnable r;
      lock.lock();
      try {
        r = queue.poll();
        if (r == null) {
          running = false;
          return;
        }
      } finally {
        lock.unlock();
      }
      try {
        r.run();
      } catch (RuntimeException | Error e) {
        LOG.warn("a speech listener threw", e);
      }
    }
  }
}
