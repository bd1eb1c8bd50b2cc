package io.voicewire.protocol;

/**
 * WebSocket close codes used by the protocol (RFC 6455 §7.4.1). What follows each one is in
 * {@link ErrorPolicy}.
 */
public final class CloseCodes {
  private CloseCodes() {}

  /** Normal closure: end of stream, {@code close_socket}, or the client's own close. */
  public static final int NORMAL = 1000;
  /** The server is shutting down. */
  public static final int GOING_AWAY = 1001;
  /** A frame violated the WebSocket protocol. */
  public static final int PROTOCOL_ERROR = 1002;
  /** A binary frame where only text is accepted. */
  public static final int UNSUPPORTED_DATA = 1003;
  /** No status was sent (never sent on the wire). */
  public static final int NO_STATUS = 1005;
  /** The connection dropped without a close frame (never sent on the wire). */
  public static final int ABNORMAL = 1006;
  /** A message whose payload is not valid (bad JSON, bad base64, bad audio). */
  public static final int INVALID_PAYLOAD = 1007;
  /** Policy violation: inactivity timeout, auth, limits, settings after a context's first message. */
  public static final int POLICY_VIOLATION = 1008;
  /** A message larger than the server accepts. */
  public static final int MESSAGE_TOO_BIG = 1009;
  /** The client expected an extension the server did not negotiate. */
  public static final int MANDATORY_EXTENSION = 1010;
  /** An unexpected server failure. */
  public static final int INTERNAL_ERROR = 1011;
  /**
   * The service is restarting (a replica being drained): reconnect at once, elsewhere, and
   * resume.
   */
  public static final int SERVICE_RESTART = 1012;
  /** The server is overloaded; try again later. */
  public static final int TRY_AGAIN_LATER = 1013;
  /** A gateway got an invalid response from the server behind it. */
  public static final int BAD_GATEWAY = 1014;
}
