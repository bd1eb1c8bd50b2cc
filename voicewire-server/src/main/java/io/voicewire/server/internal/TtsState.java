package io.voicewire.server.internal;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of a text-to-speech socket ({@link StreamInputSocket},
 * {@link MultiStreamInputSocket}); {@link #next()} is exactly this diagram:
 *
 * <pre>
 *   ADMITTING ──key accepted (handshake or first message)──▶ STREAMING
 *   ADMITTING ──refused / no key by authDeadline / bad message / drain / time limit──▶ CLOSING
 *   STREAMING ──"" (stream-input) / close_socket with live contexts──▶ ENDING
 *   STREAMING ──bad client message while contexts are live──▶ DRAINING
 *   STREAMING ──bad message, nothing live / failure / timeout / limit / drain / overflow──▶ CLOSING
 *   ENDING ──every isFinal queued / drain / time limit / failure / overflow──▶ CLOSING
 *   DRAINING ──accepted text voiced or DRAIN_TIMEOUT_MILLIS / drain / time limit──▶ CLOSING
 *   ADMITTING, STREAMING, ENDING, DRAINING, CLOSING ──peer closes / write fails──▶ CLOSED
 * </pre>
 * Only {@code ADMITTING} and {@code STREAMING} take client messages. In {@code CLOSING} the error
 * (if any) and the close frame are queued behind what was already queued; every provider session
 * has been ended or cancelled.
 *
 * <p>Thread safety: a plain value; the socket's {@link StateMachine} holding it is guarded by the
 * socket's monitor.
 */
enum TtsState implements StateMachine.State<TtsState> {
  /** Open; credentials (first message) or the permit not settled yet. */
  ADMITTING,
  /** Admitted: client messages are taken. */
  STREAMING,
  /** End of input: the live contexts voice the rest and send their {@code isFinal}. */
  ENDING,
  /** A bad client message: the text accepted before it is voiced, then the error. */
  DRAINING,
  /** The error (if any) and the close are queued; nothing more is taken. */
  CLOSING,
  /** The peer is gone; every provider session was cancelled. */
  CLOSED;

  @Override
  public Set<TtsState> next() {
    return switch (this) {
      case ADMITTING -> EnumSet.of(STREAMING, CLOSING, CLOSED);
      case STREAMING -> EnumSet.of(ENDING, DRAINING, CLOSING, CLOSED);
      case ENDING, DRAINING -> EnumSet.of(CLOSING, CLOSED);
      case CLOSING -> EnumSet.of(CLOSED);
      case CLOSED -> EnumSet.noneOf(TtsState.class);
    };
  }
}
