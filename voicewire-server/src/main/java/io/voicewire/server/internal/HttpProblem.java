package io.voicewire.server.internal;

import io.voicewire.protocol.HttpError;
import io.voicewire.protocol.HttpQuery;

/** Thrown by HTTP handlers to answer with an error body (PROTOCOL.md §8.4). */
final class HttpProblem extends Exception {
  private static final long serialVersionUID = 1L;
  final transient HttpError error;

  HttpProblem(int status, String type, String code, String message, String param) {
    super(ClientText.safe(message), null, false, false);
    this.error = new HttpError(status, type, code, ClientText.safe(message), null, param);
  }

  /**
   * A request that does not validate: 422 with the official FastAPI body,
   * {@code {"detail":[{"loc":["body"|"query", param],"msg":…,"type":code}]}}.
   */
  static HttpProblem validation(String code, String message, String param) {
    String loc = param == null ? "body" : (HttpQuery.isQueryParam(param) ? "query." : "body.")
        + param;
    return new HttpProblem(HttpError.VALIDATION_STATUS, "validation_error", code, message, loc);
  }

  /** A valid request this server cannot serve (an unsupported format, a limit): 400. */
  static HttpProblem badRequest(String code, String message, String param) {
    return new HttpProblem(400, "validation_error", code, message, param);
  }

  static HttpProblem unauthorized(String message) {
    return new HttpProblem(401, "authentication_error", "invalid_api_key", message, null);
  }

  static HttpProblem notFound(String code, String message) {
    return new HttpProblem(404, "not_found", code, message, null);
  }
}
