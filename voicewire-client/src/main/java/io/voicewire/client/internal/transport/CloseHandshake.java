package io.voicewire.client.internal.transport;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Our side of a connection's graceful close: whether it was asked for (nothing more may be sent
 * then) or announced ({@link Connection#closeFollows}), the timer that gives up on a peer that
 * does not answer our close frame in time, and the connection's end ({@link #ended}), which the
 * connector's shutdown waits for while a close is under way ({@link LiveConnections}).
 *
 * <p>Thread safety: written under the owning {@link BaseConnection}'s lock (the announcement and
 * the end's future excepted: they are thread safe); {@link #underWay} may be read without it.
 */
final class CloseHandshake {
  private volatile boolean requested;
  private volatile boolean announced;
  private ScheduledFuture<?> timeout;
  private final CompletableFuture<Void> ended = new CompletableFuture<>();

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

  /** The connection ended (closed or failed): stops the timer, if started, and completes. */
  void stop() {
    if (timeout != null) {
      timeout.cancel(false);
    }
    ended.complete(null); // its one dependent, LiveConnections' removal, does not block
  }

  /** A graceful close will follow (see {@link Connection#closeFollows}). Any thread. */
  void announce() {
    announced = true;
  }

  /** Whether the graceful close was asked for or announced. Any thread. */
  boolean underWay() {
    return requested || announced;
  }

  /** Completes when the connection has ended. */
  CompletableFuture<Void> ended() {
    return ended;
  }
}
