package io.voicewire.client.internal.transport;

/**
 * One WebSocket connection, used once: after its terminal event (closed or failed) it is never
 * reused; a reconnect makes a new one.
 *
 * <p>Sends are queued (bounded by {@link #MAX_QUEUED_CHARS}) and written in order by the
 * connection's own writer, never on the caller's thread, so callers may enqueue while holding
 * their own lock. Thread safe.
 */
public interface Connection {
  /** Most characters queued for writing; a send beyond it is refused (returns false). */
  long MAX_QUEUED_CHARS = 16L * 1024 * 1024;

  /**
   * Queues a text message. False when the connection is closing, closed or failed, or the queue
   * is full (the message is then not taken and the connection goes on).
   */
  boolean send(String text);

  /**
   * Queues a text message given as its UTF-8 bytes {@code b[off, off + len)}, well-formed (a
   * relay forwards a client's message as received, with no {@code String} and no encoding). The
   * bytes are not copied: they must stay as they are until {@code done} runs, which happens once,
   * on any thread, possibly before this returns: when the transport no longer reads them (written,
   * failed, refused, or copied). A transport that fails in a way that leaves it unknown whether
   * the bytes are still to be read does not run it. Counted as {@code len} characters against
   * {@link #MAX_QUEUED_CHARS}. Same results as {@link #send(String)}; the default sends a copy as
   * a string.
   */
  default boolean sendUtf8(byte[] b, int off, int len, Runnable done) {
    try {
      return send(new String(b, off, len, java.nio.charset.StandardCharsets.UTF_8));
    } finally {
      done.run();
    }
  }

  /** Characters queued and not yet written. */
  long queuedChars();

  /**
   * Graceful close: the close frame follows the queued messages; if the peer has not closed its
   * side within the connection's close timeout, the connection is cancelled. False if a close was
   * already started or the connection is done.
   */
  boolean close(int code, String reason);

  /**
   * Says that {@link #close} will follow shortly (a caller that must not do I/O under its lock
   * defers it): from now on the connector's {@link Connector#awaitClosing} waits for this
   * connection as for a close under way. No I/O; idempotent.
   */
  default void closeFollows() {}

  /** Drops the connection at once, without a close handshake. Idempotent. */
  void cancel();

  /** Stops asking for inbound messages until {@link #resumeReading()} (back-pressure). */
  void pauseReading();

  /** Asks for inbound messages again. Call without holding locks. */
  void resumeReading();

  /**
   * After each inbound message, {@code hold} is asked (on the reader's thread, without locks;
   * it must be cheap and never block): while true, no further message is asked for, as with
   * {@link #pauseReading()}, until {@link #releaseHeldReads()} finds it false. A relay holds its
   * upstream's reads while its own client is behind. Null: no gate.
   */
  default void holdReadsWhile(java.util.function.BooleanSupplier hold) {}

  /** Reading held by {@link #holdReadsWhile} goes on if the gate is open now. No locks held. */
  default void releaseHeldReads() {}

  /** Whether the {@link #holdReadsWhile} gate holds reading now (no lock; a recent value). */
  default boolean readsHeld() {
    return false;
  }

  /**
   * Sends a ping now, stamped with the time it is made; never blocks. A ping the transport cannot
   * take at the moment (one is being sent) is dropped: call again later. Its pong shows in
   * {@link #lastAnsweredPingNanos()}.
   */
  default void ping() {}

  /**
   * The making time (the client's nano clock) of the latest ping the peer answered, or
   * {@link Long#MIN_VALUE}. A peer reads frames in order: an answer to a ping made after a
   * message was written (nothing queued) proves the peer has read that message, which a
   * server that stopped reading for back-pressure has not.
   */
  default long lastAnsweredPingNanos() {
    return Long.MIN_VALUE;
  }

  /** A description for logs, with credentials removed. */
  String describe();
}
