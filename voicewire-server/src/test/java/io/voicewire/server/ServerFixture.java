package io.voicewire.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicewire.protocol.internal.Json;
import io.voicewire.speech.SpeechProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/** A real server on 127.0.0.1 and port 0, with HTTP and WebSocket helpers. Close after use. */
final class ServerFixture implements AutoCloseable {
  static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  /**
   * How long an HTTP request may take to its whole response: generous, since a long text's
   * synthesis on the offline engine takes several times longer on a busy machine.
   */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  final VoicewireServer server;
  final int port;

  private ServerFixture(VoicewireServer server, int port) {
    this.server = server;
    this.port = port;
  }

  static ServerFixture start(SpeechProvider provider) throws Exception {
    return start(provider, c -> { });
  }

  static ServerFixture start(SpeechProvider provider, Consumer<ServerConfig> more)
      throws Exception {
    VoicewireServer s = VoicewireServer.create(c -> {
      c.provider(provider).staticFiles("test-web");
      more.accept(c);
    });
    return new ServerFixture(s, s.start(0));
  }

  String http(String pathAndQuery) {
    return "http://127.0.0.1:" + port + pathAndQuery;
  }

  /** Waits until the metrics page contains {@code line}; fails after {@code seconds}. */
  void awaitMetric(String line, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
    while (!server.metrics().contains(line)) {
      org.junit.jupiter.api.Assertions.assertTrue(System.nanoTime() < deadline,
          "no " + line + " within " + seconds + " s");
      Thread.sleep(50);
    }
  }

  String ws(String pathAndQuery) {
    return "ws://127.0.0.1:" + port + pathAndQuery;
  }

  WsClient connect(String pathAndQuery) throws Exception {
    return WsClient.connect(ws(pathAndQuery));
  }

  WsClient connect(String pathAndQuery, Map<String, String> headers) throws Exception {
    return WsClient.connect(ws(pathAndQuery), headers);
  }

  HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http(path)))
        .timeout(REQUEST_TIMEOUT).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Sends once more when a pooled keep-alive connection turned out to be closed before the
   * request got any answer ("header parser received no bytes"): the HTTP/1.1 race of reusing an
   * idle connection the server just closed, which clients may retry (RFC 9112 §9.3.1). Seen once
   * in ~20 clean suite runs; any other failure is the test's.
   */
  static <T> HttpResponse<T> send(java.net.http.HttpRequest r, HttpResponse.BodyHandler<T> h)
      throws Exception {
    try {
      return HTTP.send(r, h);
    } catch (java.io.IOException e) {
      if (e.getMessage() == null || !e.getMessage().contains("received no bytes")) {
        throw e;
      }
      return HTTP.send(r, h);
    }
  }

  HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http(path)))
        .timeout(REQUEST_TIMEOUT).POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<byte[]> postBytes(String path, byte[] body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http(path)))
        .timeout(REQUEST_TIMEOUT).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static JsonNode json(String s) throws Exception {
    return Json.mapper().readTree(s);
  }

  @Override
  public void close() {
    server.close();
  }
}
