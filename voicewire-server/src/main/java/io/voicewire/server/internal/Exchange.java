package io.voicewire.server.internal;

import io.voicewire.protocol.HttpError;
import io.voicewire.protocol.Query;
import io.voicewire.server.TokenType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;

/**
 * One HTTP request and its response, for handlers running on their own virtual thread: reading
 * the body and writing the response block that thread only. Not thread safe.
 */
final class Exchange {
  final Request request;
  final Response response;
  final Services s;
  private final Map<String, String> pathParams;
  private Query query;

  Exchange(Request request, Response response, Services s, Map<String, String> pathParams) {
    this.request = request;
    this.response = response;
    this.s = s;
    this.pathParams = pathParams;
  }

  String pathParam(String name) {
    return pathParams.get(name);
  }

  Query query() {
    if (query == null) {
      query = Query.parse(request.getHttpURI().getQuery());
    }
    return query;
  }

  String header(String name) {
    return request.getHeaders().get(name);
  }

  /** Authenticates or throws 401; returns the key id. */
  String requireAuth(String tokenParam, TokenType tokenType) throws HttpProblem {
    Auth.Result r = s.auth.authenticate(request.getHeaders(), query(), tokenParam, tokenType);
    if (r instanceof Auth.Ok ok) {
      return ok.keyId();
    }
    if (r instanceof Auth.Denied d) {
      throw HttpProblem.unauthorized(d.message());
    }
    throw HttpProblem.unauthorized(Auth.missing().message());
  }

  /** The whole body, at most {@code max} bytes (else 413). */
  byte[] body(long max) throws IOException, HttpProblem {
    long declared = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
    if (declared > max) {
      throw tooLarge(max);
    }
    try (InputStream in = Request.asInputStream(request)) {
      byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
      if (b.length > max) {
        throw tooLarge(max);
      }
      return b;
    }
  }

  private static HttpProblem tooLarge(long max) {
    return new HttpProblem(413, "validation_error", "payload_too_large",
        "Request body larger than " + max + " bytes", null);
  }

  String bodyText(long max) throws IOException, HttpProblem {
    return new String(body(max), StandardCharsets.UTF_8);
  }

  void json(int status, String json) throws IOException {
    send(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  void send(int status, String contentType, byte[] body) throws IOException {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    write(true, ByteBuffer.wrap(body));
  }

  void error(HttpError e) throws IOException {
    json(e.httpStatus(), e.encode());
  }

  /** Starts a streamed (chunked) response. */
  void startStream(int status, String contentType) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
  }

  /** Writes and waits until the bytes are handed to the network (or the client is gone). */
  void write(boolean last, ByteBuffer buf) throws IOException {
    try (Blocker.Callback cb = Blocker.callback()) {
      response.write(last, buf, cb);
      cb.block();
    }
  }
}
