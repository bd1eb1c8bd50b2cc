package io.voicewire.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A realtime STT WebSocket without the SDK (which would retry a refusal): what the server answers
 * first, and its close code. For {@link ScaleOutIT}'s token and limit checks. Thread-safe.
 */
final class RawSession implements AutoCloseable {
  static final String STT = "/v1/speech-to-text/realtime?model_id=scribe_v2_realtime";
  private static final Pattern TYPE = Pattern.compile("\"message_type\"\\s*:\\s*\"([a-z_]+)\"");
  private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  private final CompletableFuture<String> first = new CompletableFuture<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final WebSocket ws;

  /** Opens {@code baseUrl}'s STT socket with {@code query} appended and {@code headers}. */
  RawSession(String baseUrl, String query, Map<String, String> headers) throws Exception {
    WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
    headers.forEach(b::header);
    StringBuilder text = new StringBuilder();
    ws = b.buildAsync(URI.create(baseUrl.replaceFirst("^http", "ws") + STT + query),
        new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
              first.complete(text.toString());
            }
            w.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
            first.complete("(closed " + code + " " + reason + ")");
            closed.complete(code);
            return null;
          }

          @Override
          public void onError(WebSocket w, Throwable error) {
            first.completeExceptionally(error);
            closed.completeExceptionally(error);
          }
        }).get(30, TimeUnit.SECONDS);
  }

  /** The first message's {@code message_type} (or what closed the socket), bounded wait. */
  String firstType() throws Exception {
    String m = first.get(30, TimeUnit.SECONDS);
    Matcher t = TYPE.matcher(m);
    return t.find() ? t.group(1) : m;
  }

  /** The first message as received (or what closed the socket), bounded wait. */
  String firstMessage() throws Exception {
    return first.get(30, TimeUnit.SECONDS);
  }

  /** The close code the server sent, bounded wait. */
  int awaitClose() throws Exception {
    return closed.get(30, TimeUnit.SECONDS);
  }

  /** Mints a single-use realtime STT token on {@code baseUrl} with {@code key}. */
  static String mint(String baseUrl, String key) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl
        + "/v1/single-use-token/realtime_scribe")).header("xi-api-key", key)
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    Matcher m = TOKEN.matcher(r.body());
    if (r.statusCode() != 200 || !m.find()) {
      throw new IllegalStateException("mint: " + r.statusCode() + " " + r.body());
    }
    return m.group(1);
  }

  @Override
  public void close() {
    ws.abort();
  }
}
