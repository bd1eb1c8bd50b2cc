package io.voicewire.server.internal;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of a realtime speech-to-text socket ({@link SttSocket}); {@link #next()} is exactly
 * this diagram:
 *
 * <pre>
 *   ADMITTING ──key and permit at the handshake──▶ OPEN
 *   ADMITTING ──bad parameters / no or bad key / capacity──▶ CLOSING
 *   OPEN ──bad chunk / chunk too large / input queue full / time limit──▶ FAILING
 *   OPEN ──provider failure or end / slow reader / drain──▶ CLOSING
 *   FAILING ──pending audio committed, or FINAL_COMMIT_TIMEOUT_MILLIS──▶ CLOSING
 *   ADMITTING, OPEN, FAILING, CLOSING ──peer closes / write fails──▶ CLOSED
 * </pre>
 *
 * <p>Thread safety: a plain value; the socket's {@link StateMachine} holding it is guarded by the
 * socket's monitor.
 */
enum SttState implements StateMachine.State<SttState> {
  /** Open; parameters, credentials and the permit being settled. */
  ADMITTING,
  /** Admitted: audio is taken. */
  OPEN,
  /** A client-caused failure: the pending audio is being committed before the error. */
  FAILING,
  /** The error (if any) and the close are queued; nothing more is taken. */
  CLOSING,
  /** The peer is gone; the provider session was cancelled. */
  CLOSED;

  @Override
  public Set<SttState> next() {
    return switch (this) {
      case ADMITTING -> EnumSet.of(OPEN, CLOSING, CLOSED);
      case OPEN -> EnumSet.of(FAILING, CLOSING, CLOSED);
      case FAILING -> EnumSet.of(CLOSING, CLOSED);
      case CLOSING -> EnumSet.of(CLOSED);
      case CLOSED -> EnumSet.noneOf(SttState.class);
    };
  }
}
