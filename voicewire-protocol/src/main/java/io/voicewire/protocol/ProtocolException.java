package io.voicewire.protocol;

import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;

/**
 * A message or parameter that breaks the protocol. Carries the protocol error code to report and
 * the WebSocket close code that fits it.
 */
public final class ProtocolException extends Exception {
  private static final long serialVersionUID = 1L;
  private final ErrorCode code;
  private final int closeCode;

  public ProtocolException(ErrorCode code, int closeCode, String message) {
    super(message);
    this.code = code;
    this.closeCode = closeCode;
  }

  /** An {@link ErrorCode#INPUT_ERROR} with close code 1007. */
  public static ProtocolException input(String message) {
    return new ProtocolException(ErrorCode.INPUT_ERROR, CloseCodes.INVALID_PAYLOAD, message);
  }

  /** An {@link ErrorCode#INVALID_REQUEST} (bad query parameters) with close code 1008. */
  public static ProtocolException invalidRequest(String message) {
    return new ProtocolException(ErrorCode.INVALID_REQUEST, CloseCodes.POLICY_VIOLATION, message);
  }

  public ErrorCode code() {
    return code;
  }

  public int closeCode() {
    return closeCode;
  }

  /** The error as a speech error. */
  public SpeechError toSpeechError() {
    return new SpeechError(code, getMessage());
  }
}
