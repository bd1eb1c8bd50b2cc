package io.voicewire.speech;

import java.util.Objects;

/**
 * An error reported by a speech session, in the protocol's vocabulary.
 *
 * @param code the protocol error code
 * @param message a human-readable description, never containing a secret
 */
public record SpeechError(ErrorCode code, String message) {
  public SpeechError {
    Objects.requireNonNull(code, "code == null");
    Objects.requireNonNull(message, "message == null");
  }

  /** Whether a client may reconnect and continue after this error. */
  public boolean retryable() {
    return code.retryable();
  }

  @Override
  public String toString() {
    return code.wireName() + ": " + message;
  }
}
