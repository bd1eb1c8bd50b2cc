package io.voicewire.server.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's concurrency slot, held until its work has stopped. The owner counts each provider
 * session it opens ({@link #workStarted}) and each terminal event ({@link #workStopped});
 * {@link #abandon} says the client is gone. The permit is released when both are true: the
 * client is gone and every provider session has delivered its terminal event. Because a provider
 * that never answers must not keep a slot for ever, {@code abandon} also arms a safety deadline
 * ({@code Limits.workStopDeadline}) after which the permit is released anyway and the overrun is
 * logged at WARN.
 *
 * <pre>{@code
 * WorkSlot slot = new WorkSlot(permit, timer, deadlineMillis, "stt_realtime " + id);
 * slot.workStarted();              // before opening the provider session
 * ...                              // listener's onClosed/onFailure: slot.workStopped()
 * slot.abandon();                  // the socket closed: cancel() the session, then this
 * }</pre>
 *
 * <p>Thread safe and lock-free: any thread may call any method, in any order; the permit is
 * released exactly once.
 */
final class WorkSlot {
  private static final Logger LOG = LoggerFactory.getLogger("io.voicewire.server");

  private final SessionLimiter.Permit permit;
  private final ScheduledExecutorService timer;
  private final long deadlineMillis;
  private final String label;
  private final AtomicInteger working = new AtomicInteger();
  private volatile boolean abandoned;
  private volatile boolean released;

  /**
   * @param permit the slot to release
   * @param timer where the safety deadline runs
   * @param deadlineMillis how long after {@link #abandon} the work may take to stop
   * @param label names the session in the log line of an overrun
   */
  WorkSlot(SessionLimiter.Permit permit, ScheduledExecutorService timer, long deadlineMillis,
      String label) {
    this.permit = permit;
    this.timer = timer;
    this.deadlineMillis = deadlineMillis;
    this.label = label;
  }

  /** A provider session was (or is about to be) opened: its terminal event is awaited. */
  void workStarted() {
    working.incrementAndGet();
  }

  /** A provider session delivered its terminal event (call once per {@link #workStarted}). */
  void workStopped() {
    if (working.decrementAndGet() <= 0 && abandoned) {
      release();
    }
  }

  /** Provider sessions whose terminal event has not arrived yet. */
  int working() {
    return Math.max(0, working.get());
  }

  /** Whether the permit has been returned. */
  boolean isReleased() {
    return released;
  }

  /**
   * The client is gone (the caller has cancelled its provider sessions): the permit is released
   * as soon as their work has stopped, and at the latest after the deadline. Idempotent.
   */
  void abandon() {
    if (abandoned) {
      return;
    }
    abandoned = true;
    if (working.get() <= 0) {
      release();
      return;
    }
    try {
      timer.schedule(this::deadlinePassed, deadlineMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException shuttingDown) {
      release();
    }
  }

  private void deadlinePassed() {
    if (!released) {
      LOG.warn("{}: {} provider session(s) still working {} ms after the session ended "
          + "(workStopDeadline); its concurrency slot is released anyway", label, working(),
          deadlineMillis);
      release();
    }
  }

  private void release() {
    released = true;
    permit.release();
  }
}
