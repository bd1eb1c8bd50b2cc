package io.voicewire.client.internal.transport;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A connection's write accounting: the characters handed to send and not yet written, at most
 * {@link Connection#MAX_QUEUED_CHARS}. Raised ({@link #admit}) and reset ({@link #reset}) under
 * the connection's lock, lowered without it by {@link #written} (a write's completion: no lock
 * per message), atomically; read without any lock by {@link #get} (once per relayed frame).
 *
 * <p>Thread safety: safe for concurrent use under that discipline: every update is atomic, and
 * the connection's lock orders {@link #admit}'s check-then-add against other admissions.
 */
final class QueuedChars {
  private static final VarHandle COUNT;

  static {
    try {
      COUNT = MethodHandles.lookup().findVarHandle(QueuedChars.class, "count", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile long count;

  /** The characters queued now; no lock needed. */
  long get() {
    return count;
  }

  /**
   * The connection's lock held: whether {@code chars} more fit under
   * {@link Connection#MAX_QUEUED_CHARS}; if so they are counted as queued.
   */
  boolean admit(int chars) {
    if (count + chars > Connection.MAX_QUEUED_CHARS) {
      return false;
    }
    COUNT.getAndAdd(this, (long) chars);
    return true;
  }

  /**
   * {@code chars} were written: no longer queued. No lock needed (an atomic update that never
   * goes below 0, as after a {@link #reset} the count).
   */
  void written(int chars) {
    long v;
    do {
      v = count;
    } while (!COUNT.compareAndSet(this, v, Math.max(0, v - chars)));
  }

  /** After a failure, with the connection's lock held: nothing is queued any more. */
  void reset() {
    count = 0;
  }
}
