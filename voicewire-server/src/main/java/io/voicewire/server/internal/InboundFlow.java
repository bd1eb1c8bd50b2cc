package io.voicewire.server.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One socket's read demand (the socket is not auto-demanding: Jetty reads the next frame only
 * when asked). Two reasons withhold it, and the demand owed meanwhile is given when neither
 * holds any more:
 * <ul>
 *   <li><b>paused</b>: the socket's own backpressure (the TTS downlink's audio mark, the STT
 *       uplink's held chunk), until {@link #resume()};</li>
 *   <li><b>throttled</b>: the socket's key is over its {@link InboundBudget} (bytes or handling
 *       CPU per second), until the key's debt is paid; a timer gives the demand then.</li>
 * </ul>
 * A frame handler calls {@link #frameStarted()} first and {@link #frameDone} once it has handed
 * the frame on: that charges the frame's bytes and the reading thread's CPU time spent on it to
 * the key, then asks for the next frame now or after the wait. Nothing is dropped: a frame that
 * was read is always handled.
 *
 * <p>While the demand is withheld, the client's frames wait for the server, not the other way
 * round: {@link #readingSince} says since when the socket has been reading, so that a client's
 * inactivity is counted only from then.
 *
 * <p>Thread safe: its state is guarded by its own monitor, which takes no other lock (the owning
 * socket may hold its own when it calls in); Jetty's demand is asked for outside it.
 */
final class InboundFlow {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final boolean CPU_TIME = THREADS.isCurrentThreadCpuTimeSupported()
      && THREADS.isThreadCpuTimeEnabled();

  private final Runnable demand;
  private final ScheduledExecutorService timer;
  private final ServerMetrics metrics;
  private final InboundBudget budget;
  private volatile InboundBudget.Key key;
  /** This socket's own buckets once admitted with a key (see {@link InboundBudget#session()}). */
  private volatile InboundBudget.Key own;

  // guarded by this
  private boolean paused;
  private boolean throttled;
  private boolean owed;
  private boolean closed;
  /** When the demand was last given back after being withheld (the budget's clock). */
  private long givenBackNanos = Long.MIN_VALUE;

  /**
   * @param demand asks Jetty for the next frame (never called under this monitor)
   * @param timer runs the end of a throttle
   * @param metrics counts throttles
   * @param budget the per-key budgets
   */
  InboundFlow(Runnable demand, ScheduledExecutorService timer, ServerMetrics metrics,
      InboundBudget budget) {
    this.demand = demand;
    this.timer = timer;
    this.metrics = metrics;
    this.budget = budget;
  }

  /** From now on this socket's frames are charged to {@code keyId} (null: not charged). */
  void chargeTo(String keyId) {
    String tenant = Auth.tenant(keyId);
    key = budget.of(tenant);
    if (tenant == null) {
      own = null;
    } else if (own == null) {
      own = budget.session();
    }
  }

  /** Marks the start of a frame's handling: the reading thread's CPU time, or 0. */
  long frameStarted() {
    return (key != null || own != null) && CPU_TIME && budget.measuresCpu()
        ? THREADS.getCurrentThreadCpuTime() : 0;
  }

  /**
   * The frame ({@code bytes} long, its handling started at {@code started}, from
   * {@link #frameStarted()}) was handed on: charges the key, then asks for the next frame, at
   * once or when the key's debt is paid.
   */
  void frameDone(long bytes, long started) {
    InboundBudget.Key k = key;
    InboundBudget.Key o = own;
    long wait = 0;
    if (k != null || o != null) {
      long cpu = started == 0 ? 0 : Math.max(0, THREADS.getCurrentThreadCpuTime() - started);
      if (k != null) {
        wait = k.charge(bytes, cpu);
      }
      if (o != null) {
        wait = Math.max(wait, o.charge(bytes, cpu));
      }
    }
    if (wait <= 0) {
      readNext();
      return;
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      throttled = true;
      owed = true;
    }
    metrics.inboundThrottled(wait);
    try {
      timer.schedule(this::unthrottle, wait, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException stopping) {
      close(); // the server is stopping: its sockets are being closed
    }
  }

  /** Asks for the next frame, unless the demand is withheld (then it is owed). */
  void readNext() {
    synchronized (this) {
      if (closed) {
        return;
      }
      if (paused || throttled) {
        owed = true;
        return;
      }
    }
    demand.run();
  }

  /** Withholds the demand until {@link #resume()} (backpressure). */
  synchronized void pause() {
    paused = true;
  }

  /** Whether the demand is withheld: paused or throttled. */
  synchronized boolean withheld() {
    return paused || throttled;
  }

  /**
   * Since when the socket has been reading without a break: {@code now} while the demand is
   * withheld, else when it was last given back ({@link Long#MIN_VALUE} if it never was withheld).
   * A client's inactivity (an input timeout) counts from the later of this and its last message:
   * what it sent while the server was not reading waited in the socket's buffers.
   */
  synchronized long readingSince(long now) {
    return withheld() ? now : givenBackNanos;
  }

  /** Whether paused by backpressure (throttles aside). */
  synchronized boolean paused() {
    return paused;
  }

  /** Ends a pause; gives the demand owed unless throttled. */
  void resume() {
    boolean give;
    synchronized (this) {
      if (!paused) {
        return;
      }
      paused = false;
      give = takeOwed();
    }
    if (give) {
      demand.run();
    }
  }

  private void unthrottle() {
    boolean give;
    synchronized (this) {
      throttled = false;
      give = takeOwed();
    }
    if (give) {
      demand.run();
    }
  }

  private boolean takeOwed() {
    assert Thread.holdsLock(this);
    if (!paused && !throttled) {
      givenBackNanos = budget.now();
    }
    if (owed && !paused && !throttled && !closed) {
      owed = false;
      return true;
    }
    return false;
  }

  /** The socket is gone: no demand any more. */
  synchronized void close() {
    closed = true;
  }
}
