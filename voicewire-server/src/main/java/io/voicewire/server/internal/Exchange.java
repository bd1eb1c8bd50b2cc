package io.voicewire.server.internal;

import io.voicewire.protocol.HttpError;
import io.voicewire.protocol.Query;
import io.voicewire.protocol.TokenType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
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
  /** The body was read to its end ({@link #body}). */
  private boolean bodyRead;

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
    Auth.Result r = s.auth.authenticate(request.getHeaders(), query(), tokenParam, tokenType,
        Request.getRemoteAddr(request));
    if (r instanceof Auth.Ok ok) {
      return ok.keyId();
    }
    if (r instanceof Auth.Denied d && d.throttled()) {
      throw new HttpProblem(429, "rate_limit_error", "rate_limit_exceeded", d.message(), null);
    }
    if (r instanceof Auth.Denied d) {
      throw HttpProblem.unauthorized(d.message());
    }
    throw HttpProblem.unauthorized(Auth.missing().message());
  }

  /**
   * The whole body, at most {@code max} bytes (else 413), arriving within
   * {@code Limits.uploadReadDeadline} (else 408). A body that breaks HTTP framing (a malformed
   * chunked encoding) is a 400.
   */
  byte[] body(long max) throws IOException, HttpProblem {
    long declared = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
    if (declared > max) {
      throw tooLarge(max);
    }
    long deadlineMillis = s.limits.uploadReadDeadline().toMillis();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMillis);
    ByteArrayOutputStream buf = new ByteArrayOutputStream(
        (int) Math.min(Math.max(declared, 0), 64 * 1024));
    while (true) {
      Content.Chunk chunk = request.read();
      if (chunk == null) {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        request.demand(() -> ready.complete(null));
        try {
          ready.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          throw new HttpProblem(408, "validation_error", "request_timeout", "The request body "
              + "did not arrive within " + deadlineMillis + " ms (uploadReadDeadline)", null);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while reading the body", e);
        } catch (ExecutionException e) {
          throw new IOException(e.getCause());
        }
        continue;
      }
      if (Content.Chunk.isFailure(chunk)) {
        Throwable f = chunk.getFailure();
        // a framing error is an HttpException (Jetty's HttpEofException is one and an
        // EofException too); any other EOF or closed channel is a client that went away
        if (!(f instanceof org.eclipse.jetty.http.HttpException)
            && (f instanceof org.eclipse.jetty.io.EofException
                || f instanceof java.nio.channels.ClosedChannelException)) {
          throw (IOException) f; // the client went away
        }
        throw HttpProblem.badRequest("invalid_body", "The request body is malformed (bad "
            + "chunked encoding or framing)", null);
      }
      try {
        ByteBuffer bb = chunk.getByteBuffer();
        if (buf.size() + (long) bb.remaining() > max) {
          throw tooLarge(max);
        }
        byte[] b = new byte[bb.remaining()];
        bb.get(b);
        buf.writeBytes(b);
      } finally {
        chunk.release();
      }
      if (chunk.isLast()) {
        bodyRead = true;
        return buf.toByteArray();
      }
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

  /**
   * An error answer. One given before the request's declared body was read to its end (a
   * refusal: auth, limits; a body too large, too slow or malformed) also says
   * {@code Connection: close}: the server will not read the rest, so Jetty closes the connection
   * after the answer, and a client that was not told would send its next request on a closing
   * connection (no answer at all).
   */
  void error(HttpError e) throws IOException {
    if (!bodyRead) {
      closeIfBodyDeclared(request, response);
    }
    json(e.httpStatus(), e.encode());
  }

  /** {@code Connection: close} on {@code response} when {@code request} declares a body. */
  static void closeIfBodyDeclared(Request request, Response response) {
    HttpFields h = request.getHeaders();
    if (h.getLongField(HttpHeader.CONTENT_LENGTH) > 0 || h.contains(HttpHeader.TRANSFER_ENCODING)) {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
  }

  /** Starts a streamed (chunked) response. */
  void startStream(int status, String contentType) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
  }

  /**
   * Closes the connection under this exchange from any thread: a write blocked on a client that
   * stopped reading fails at once instead of waiting for the idle timeout.
   */
  void abortConnection() {
    request.getConnectionMetaData().getConnection().getEndPoint()
        .close(new org.eclipse.jetty.io.EofException("the client stopped reading the stream"));
  }

  /** Writes and waits until the bytes are handed to the network (or the client is gone). */
  void write(boolean last, ByteBuffer buf) throws IOException {
    try (Blocker.Callback cb = Blocker.callback()) {
      response.write(last, buf, cb);
      cb.block();
    }
  }
}
