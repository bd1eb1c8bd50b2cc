package io.voicewire.client.internal.stream;

import io.voicewire.client.VoiceClientException;
import io.voicewire.protocol.ErrorPolicy.Retry;
import io.voicewire.protocol.ErrorPolicy;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;

/**
 * Why a connection was lost, and whether (and how soon) trying again can help; with the
 * classification of transport failures, refused handshakes and close frames. Immutable.
 *
 * @param error what the stream reports if it gives up
 * @param retry whether and how soon to try again
 * @param closeCode the server's close code when the failure is its close frame, else -1
 */
public record Failure(SpeechError error, Retry retry, int closeCode) {
  public Failure(SpeechError error, Retry retry) {
    this(error, retry, -1);
  }

  public Failure(SpeechError error, boolean retryable) {
    this(error, retryable ? Retry.BACKOFF : Retry.NEVER);
  }

  /** True unless {@link Retry#NEVER}. */
  public boolean retryable() {
    return retry.retryable();
  }

  /** Classifies a transport failure or a refused handshake. */
  public static Failure classifyFailure(Throwable t, int httpStatus) {
    if (t instanceof VoiceClientException v && httpStatus == 0) {
      httpStatus = v.statusCode();
    }
    if (httpStatus == 401 || httpStatus == 403) {
      return new Failure(new SpeechError(ErrorCode.AUTH_ERROR,
          "the server refused the credentials (HTTP " + httpStatus + ")"), false);
    }
    if (httpStatus == 429) {
      return new Failure(new SpeechError(ErrorCode.RATE_LIMITED,
          "rate limited (HTTP 429)"), ErrorPolicy.retryAfterHttpStatus(httpStatus));
    }
    if (httpStatus >= 500) {
      return new Failure(new SpeechError(ErrorCode.ERROR,
          "the server failed the handshake (HTTP " + httpStatus + ")"), true);
    }
    if (httpStatus >= 400) {
      return new Failure(new SpeechError(ErrorCode.INVALID_REQUEST,
          "the server refused the request (HTTP " + httpStatus + ")"), false);
    }
    String what = t == null ? "unknown" : t.getClass().getSimpleName()
        + (t.getMessage() == null ? "" : ": " + t.getMessage());
    return new Failure(new SpeechError(ErrorCode.ERROR, "connection failed: " + what), true);
  }

  /**
   * Classifies a close frame from the server that arrived before the stream was done and with no
   * error message before it, by {@link ErrorPolicy#retryAfterClose}.
   */
  public static Failure classifyClose(int code, String reason) {
    String msg = "the server closed the connection (" + code
        + (reason == null || reason.isEmpty() ? "" : " " + reason) + ")";
    return new Failure(new SpeechError(ErrorPolicy.errorAfterClose(code), msg),
        ErrorPolicy.retryAfterClose(code), code);
  }
}
