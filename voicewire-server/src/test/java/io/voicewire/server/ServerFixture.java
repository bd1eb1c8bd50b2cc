package io.voicewire.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicewire.protocol.Json;
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
        .timeout(Duration.ofSeconds(20)).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http(path)))
        .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<byte[]> postBytes(String path, byte[] body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http(path)))
        .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static JsonNode json(String s) throws Exception {
    return Json.mapper().readTree(s);
  }

  @Override
  public void close() {
    server.close();
  }
}
