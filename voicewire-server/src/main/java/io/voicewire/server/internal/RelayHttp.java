package io.voicewire.server.internal;

import io.voicewire.protocol.TokenType;
import io.voicewire.speech.HttpRelay;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * HTTP endpoints of a relay ({@link io.voicewire.speech.SpeechProvider#httpRelay()} not null): each
 * request is authenticated here (the relay's own keys and single-use tokens), then sent to the
 * same endpoint upstream with its body and query unchanged, credentials removed, and the answer
 * (status, type, body) is streamed back as it arrives. Nothing is added: no default model, format
 * or setting the client did not choose. A relayed speech request (every method but GET) holds a
 * session permit from upload to the end of the answer, like a socket: beyond the server's or the
 * key's concurrent sessions it is refused with 429 in the official error shape, and nothing goes
 * upstream. Without a relay the endpoint's local handler runs.
 *
 * <p>Stateless: thread safe.
 */
final class RelayHttp {
  /** Query parameters that authenticate at this server and are never forwarded. */
  static final Set<String> CREDENTIALS = Set.of("token", "single_use_token", "authorization",
      "xi-api-key", "xi_api_key");
  /** Bytes copied per write when streaming an upstream answer back. */
  static final int COPY_BUFFER_BYTES = 16 * 1024;

  private RelayHttp() {}

  /**
   * {@code local}, or the relay when the provider has one.
   *
   * @param tokenParam the query parameter carrying a single-use token, or null
   * @param tokenType the token type it must be, or null
   * @param maxBody the largest body accepted, bytes
   */
  static Router.HttpHandler or(Services s, Router.HttpHandler local, String tokenParam,
      TokenType tokenType, long maxBody) {
    return ex -> {
      HttpRelay up = s.provider.httpRelay();
      if (up == null) {
        local.handle(ex);
      } else {
        forward(ex, up, tokenParam, tokenType, maxBody);
      }
    };
  }

  private static void forward(Exchange ex, HttpRelay up, String tokenParam, TokenType tokenType,
      long maxBody) throws IOException, HttpProblem {
    String keyId = ex.requireAuth(tokenParam, tokenType);
    String method = ex.request.getMethod();
    if ("GET".equals(method)) {
      relay(ex, up, method, null); // a catalog read: no session
      return;
    }
    // speech (TTS, batch STT) is a session, as on the sockets: bounded in total and per key.
    // Taken before the body is read: the permit is what bounds the relayed bodies held in
    // memory (up to maxBody each); a refusal says Connection: close (Exchange.error)
    SessionLimiter.Refusal[] why = new SessionLimiter.Refusal[1];
    SessionLimiter.Permit permit = ex.s.limiter.acquire(keyId, why);
    if (permit == null) {
      throw why[0].httpProblem();
    }
    try {
      relay(ex, up, method, ex.body(maxBody));
    } finally {
      permit.release();
    }
  }

  private static void relay(Exchange ex, HttpRelay up, String method, byte[] body)
      throws IOException {
    String path = org.eclipse.jetty.server.Request.getPathInContext(ex.request);
    String q = withoutCredentials(ex.request.getHttpURI().getQuery());
    HttpRelay.Response r = up.forward(method, q.isEmpty() ? path : path + "?" + q,
        ex.header("Content-Type"), body);
    try (InputStream in = r.body()) {
      ex.startStream(r.status(), r.contentType() == null ? "application/octet-stream"
          : r.contentType());
      byte[] buf = new byte[COPY_BUFFER_BYTES];
      for (int n; (n = in.read(buf)) >= 0; ) {
        if (n > 0) {
          ex.write(false, ByteBuffer.wrap(buf, 0, n));
        }
      }
      ex.write(true, ByteBuffer.allocate(0));
    }
  }

  /** The raw query with the credential parameters removed, every other pair as sent. */
  static String withoutCredentials(String raw) {
    if (raw == null || raw.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq),
          StandardCharsets.UTF_8);
      if (pair.isEmpty() || CREDENTIALS.contains(name)) {
        continue;
      }
      out.append(out.isEmpty() ? "" : "&").append(pair);
    }
    return out.toString();
  }
}
