package io.voicewire.client;

import io.voicewire.protocol.HttpError;
import java.io.IOException;

/**
 * An HTTP call answered with an error status. Carries the decoded error body (PROTOCOL.md §8.4).
 */
public final class VoiceClientException extends IOException {
  private static final long serialVersionUID = 1L;
  private final transient HttpError error;

  /** An error response. */
  public VoiceClientException(HttpError error) {
    super("HTTP " + error.httpStatus() + (error.code().isEmpty() ? "" : " " + error.code())
        + (error.message().isEmpty() ? "" : ": " + error.message()));
    this.error = error;
  }

  /** The HTTP status. */
  public int statusCode() {
    return error.httpStatus();
  }

  /** The decoded error body. */
  public HttpError error() {
    return error;
  }

  /** True for 401 and 403: the key or token was refused; retrying cannot help. */
  public boolean isAuthError() {
    return error.httpStatus() == 401 || error.httpStatus() == 403;
  }
}
