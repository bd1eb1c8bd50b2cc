package io.voicewire.client;

import java.time.Duration;
import java.util.Objects;

/**
 * The connection state of a stream, reported to its listener's {@code onStatus} whenever it
 * changes.
 *
 * <pre>
 *   CONNECTING ──handshake ok──▶ OPEN ──drop (retryable, resumable)──▶ RECONNECTING(attempt, delay)
 *   RECONNECTING ──delay elapsed, handshake ok──▶ OPEN
 *   CONNECTING, OPEN, RECONNECTING ──capacity refusal──▶ CAPACITY_REFUSAL(refusal, delay) ──▶ …
 *   OPEN ──end of stream──▶ CLOSED
 *   any ──non-retryable error, no resume possible, or attempts exhausted──▶ FAILED
 * </pre>
 *
 * @param state the state
 * @param attempt the reconnect attempt (1-based) for {@link State#RECONNECTING}, the count of
 *     capacity refusals in a row for {@link State#CAPACITY_REFUSAL}, else 0
 * @param retryDelay the delay before that attempt, {@link Duration#ZERO} otherwise
 * @param resumable whether a dropped connection can be resumed without loss or repetition. False
 *     for a TTS stream whose server sends no alignment (or whose format cannot be cut at a
 *     sample) once its first audio was delivered: it then retries only while no audio was
 *     delivered
 * @param message a human-readable detail (never containing a secret), or empty
 */
public record ConnectionStatus(
    State state, int attempt, Duration retryDelay, boolean resumable, String message) {

  /** The states of a stream's connection. */
  public enum State {
    /** The first connection is being opened. */
    CONNECTING,
    /** Connected; messages flow. */
    OPEN,
    /** The connection dropped; a new one will be opened after {@code retryDelay}. */
    RECONNECTING,
    /**
     * The server refused for capacity ({@code resource_exhausted}, {@code rate_limited}, close
     * 1013, HTTP 429): a new connection will be opened after {@code retryDelay} (1 s doubling
     * to 30 s); not a failed attempt. The message is the server's.
     */
    CAPACITY_REFUSAL,
    /** Ended normally. Terminal. */
    CLOSED,
    /** Gave up. Terminal. */
    FAILED;

    /** True for {@link #CLOSED} and {@link #FAILED}. */
    public boolean isTerminal() {
      return this == CLOSED || this == FAILED;
    }
  }

  /** Validates the fields: none is null, {@code attempt} is not negative. */
  public ConnectionStatus {
    Objects.requireNonNull(state, "state == null");
    Objects.requireNonNull(retryDelay, "retryDelay == null");
    Objects.requireNonNull(message, "message == null");
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt < 0: " + attempt);
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(state.name());
    if (state == State.RECONNECTING) {
      sb.append("(attempt ").append(attempt).append(", in ").append(retryDelay.toMillis())
          .append(" ms)");
    } else if (state == State.CAPACITY_REFUSAL) {
      sb.append("(refusal ").append(attempt).append(", retry in ").append(retryDelay.toMillis())
          .append(" ms)");
    }
    if (!resumable) {
      sb.append(" [not resumable]");
    }
    if (!message.isEmpty()) {
      sb.append(": ").append(message);
    }
    return sb.toString();
  }
}
