package io.voicewire.client.internal.transport;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Our side of a connection's graceful close: whether it was asked for (nothing more may be sent
 * then), and the timer that gives up on a peer that does not answer our close frame in time.
 *
 * <p>Thread safety: guarded by the owning {@link BaseConnection}'s lock; every method is called
 * with it held.
 */
final class CloseHandshake {
  private boolean requested;
  private ScheduledFuture<?> timeout;

  /** Whether the graceful close was asked for. */
  boolean requested() {
    return requested;
  }

  /** Marks the graceful close asked for; false when it was already. */
  boolean request() {
    if (requested) {
      return false;
    }
    requested = true;
    return true;
  }

  /**
   * Our close frame goes out: {@code onTimeout} runs when the peer has not answered within
   * {@code timeoutMillis}, unless {@link #stop} came first.
   *
   * @return false when the client is shutting down (the scheduler refused the timer)
   */
  boolean startTimer(ScheduledExecutorService scheduler, long timeoutMillis, Runnable onTimeout) {
    try {
      timeout = scheduler.schedule(onTimeout, timeoutMillis, TimeUnit.MILLISECONDS);
      return true;
    } catch (RejectedExecutionException clientClosed) {
      return false;
    }
  }

  /** Stops the timer, if started. */
  void stop() {
    if (timeout != null) {
      timeout.cancel(false);
    }
  }
}
