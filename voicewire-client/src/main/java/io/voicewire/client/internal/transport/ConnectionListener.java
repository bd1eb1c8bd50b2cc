package io.voicewire.client.internal.transport;

/**
 * Events of one {@link Connection}, serially, on the connection's reader thread: handlers must
 * not block. Exactly one terminal event: {@link #onClosed} or {@link #onFailure}.
 */
public interface ConnectionListener {
  /** The handshake succeeded. */
  void onOpen(Connection connection);

  /** One complete text message. */
  void onMessage(Connection connection, String text);

  /** Terminal: the peer's close frame arrived (or both sides closed). */
  void onClosed(Connection connection, int code, String reason);

  /**
   * Terminal: the connection failed.
   *
   * @param httpStatus the handshake's HTTP status when the handshake was refused, else 0
   */
  void onFailure(Connection connection, Throwable error, int httpStatus);

  /** A pong answered a ping after {@code nanos}. */
  default void onRoundTrip(long nanos) {}
}
