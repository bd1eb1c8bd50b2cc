package io.voicewire.server.internal;

import io.voicewire.protocol.CloseCodes;
import io.voicewire.speech.ErrorCode;

/** The WebSocket close code that follows each protocol error. */
final class Errors {
  private Errors() {}

  /**
   * 1007 for bad input, 1013 for capacity, 1011 for internal failures, 1008 (policy) for the rest
   * (auth, limits, timeouts, unsupported requests).
   */
  static int closeCode(ErrorCode code) {
    return switch (code) {
      case INPUT_ERROR -> CloseCodes.INVALID_PAYLOAD;
      case RESOURCE_EXHAUSTED, RATE_LIMITED -> CloseCodes.TRY_AGAIN_LATER;
      case ERROR, TRANSCRIBER_ERROR -> CloseCodes.INTERNAL_ERROR;
      default -> CloseCodes.POLICY_VIOLATION;
    };
  }
}
