package io.voicewire.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The terminal side of the commands: whether stderr is a person's terminal, and a status line
 * that rewrites itself in place while something takes longer than a second.
 */
final class Terminal {
  /** How often a status line is redrawn, ms. */
  static final long TICK_MILLIS = 250;
  /** A status line appears only for work that takes longer than this, ms. */
  static final long FIRST_DRAW_MILLIS = 1000;
  /** Clears the current line (carriage return, erase to end of line). */
  static final String CLEAR_LINE = "\r\033[K";

  private Terminal() {}

  /** True when the process talks to a terminal (so lines may be rewritten in place). */
  static boolean interactive() {
    Console c = System.console();
    if (c == null) {
      return false;
    }
    try { // Java 22+: a Console exists even when redirected; ask whether it is a terminal
      return (boolean) Console.class.getMethod("isTerminal").invoke(c);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  /**
   * A status line redrawn every {@link #TICK_MILLIS} on its own thread while open, from
   * {@link #FIRST_DRAW_MILLIS} on (terminals only; elsewhere nothing is drawn, the caller prints
   * a final line). Thread safe.
   */
  static final class StatusLine implements AutoCloseable {
    private final PrintWriter err;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean drawn;

    private StatusLine(PrintWriter err, Supplier<String> line) {
      this.err = err;
      this.thread = Thread.ofPlatform().name("voicewire status line").daemon(true)
          .unstarted(() -> {
            try {
              if (stop.await(FIRST_DRAW_MILLIS, TimeUnit.MILLISECONDS)) {
                return; // done quickly: no progress to show
              }
              do {
                synchronized (err) {
                  err.print(CLEAR_LINE + line.get());
                  err.flush();
                }
                drawn = true;
              } while (!stop.await(TICK_MILLIS, TimeUnit.MILLISECONDS));
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
    }

    /** Starts drawing {@code line} when {@code interactive}; otherwise a no-op. */
    static StatusLine start(PrintWriter err, boolean interactive, Supplier<String> line) {
      StatusLine s = new StatusLine(err, line);
      if (interactive) {
        s.thread.start();
      }
      return s;
    }

    /** Stops drawing and clears the line. Idempotent. */
    @Override
    public void close() {
      if (stop.getCount() == 0) {
        return;
      }
      stop.countDown();
      if (thread.getState() != Thread.State.NEW) {
        try {
          thread.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (drawn) {
        synchronized (err) {
          err.print(CLEAR_LINE);
          err.flush();
        }
      }
    }
  }
}
