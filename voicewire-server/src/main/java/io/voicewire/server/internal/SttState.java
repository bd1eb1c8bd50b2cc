package io.voicewire.server.internal;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of a realtime speech-to-text session ({@link SttServerSession}); {@link #next()} is
 * exactly this diagram:
 *
 * <pre>
 *   OPEN ──bad chunk / chunk too large / input queue full / time limit──▶ FAILING
 *   OPEN ──provider failure or end / slow reader / drain──▶ CLOSING
 *   OPEN ──connection lost without the client's close 1000 (resumable)──▶ PARKED
 *   PARKED ──a reconnect names it (same key and parameters)──▶ OPEN
 *   PARKED ──grace passed / log full / provider end / drain / server stop──▶ CLOSED
 *   FAILING ──pending audio committed, or FINAL_COMMIT_TIMEOUT_MILLIS──▶ CLOSING
 *   OPEN, FAILING, CLOSING ──connection gone (not parked)──▶ CLOSED
 * </pre>
 *
 * <p>A session begins {@code OPEN}, attached to the connection that was admitted with a key and a
 * permit (a refused connection never gets a session). {@code PARKED} is the only state without a
 * connection before the end. A session being replaced by a resume (the old connection still
 * there) stays {@code OPEN}: only the connection changes.
 *
 * <p>Thread safety: a plain value; the session's {@link StateMachine} holding it is guarded by the
 * session's monitor.
 */
enum SttState implements StateMachine.State<SttState> {
  /** Attached to a connection: audio is taken. */
  OPEN,
  /**
   * Its connection was lost: the engine decodes on, commits are held, no audio is taken; ends
   * after {@code sttResumeGrace} unless a reconnect resumes it.
   */
  PARKED,
  /** A client-caused failure: the pending audio is being committed before the error. */
  FAILING,
  /** The error (if any) and the close are queued; nothing more is taken. */
  CLOSING,
  /** Over: the provider session was cancelled, the permit released once its work stopped. */
  CLOSED;

  @Override
  public Set<SttState> next() {
    return switch (this) {
      case OPEN -> EnumSet.of(FAILING, CLOSING, PARKED, CLOSED);
      case PARKED -> EnumSet.of(OPEN, CLOSED);
      case FAILING -> EnumSet.of(CLOSING, CLOSED);
      case CLOSING -> EnumSet.of(CLOSED);
      case CLOSED -> EnumSet.noneOf(SttState.class);
    };
  }
}
