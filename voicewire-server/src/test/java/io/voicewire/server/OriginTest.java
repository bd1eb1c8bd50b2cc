package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Browser {@code Origin} checks on WebSocket upgrades and HTTP, and CORS preflights. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OriginTest {
  static final String STT = "/v1/speech-to-text/realtime?model_id=scribe_v2_realtime";

  static int handshakeStatus(ServerFixture f, String origin) throws Exception {
    try {
      WsClient c = f.connect(STT, origin == null ? Map.of() : Map.of("Origin", origin));
      c.close();
      return 101;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException h) {
        return h.getResponse().statusCode();
      }
      throw e;
    }
  }

  @Test
  void sameOriginAndNoOriginAreAllowedOthersGet403() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.create();
    try (ServerFixture f = ServerFixture.start(p)) {
      assertEquals(101, handshakeStatus(f, null));
      assertEquals(101, handshakeStatus(f, "http://127.0.0.1:" + f.port));
      assertEquals(403, handshakeStatus(f, "http://127.0.0.1:" + (f.port + 1)));
      assertEquals(403, handshakeStatus(f, "https://evil.example"));
      assertEquals(403, handshakeStatus(f, "null"));
      HttpResponse<String> r = f.get("/v1/models", "Origin", "https://evil.example");
      assertEquals(403, r.statusCode());
      assertTrue(r.body().contains("origin_not_allowed"));
      HttpResponse<String> same = f.get("/v1/models", "Origin", "http://127.0.0.1:" + f.port);
      assertEquals(200, same.statusCode());
    } finally {
      p.close();
    }
  }

  @Test
  void anAllowListAndTheWildcard() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.create();
    try (ServerFixture f = ServerFixture.start(p, c -> c.allowedOrigins(
        List.of("https://app.example.com", "http://localhost:5173")))) {
      assertEquals(101, handshakeStatus(f, "https://app.example.com"));
      assertEquals(101, handshakeStatus(f, "https://APP.example.com:443"));
      assertEquals(101, handshakeStatus(f, "http://localhost:5173"));
      assertEquals(403, handshakeStatus(f, "http://localhost:5174"));
      assertEquals(403, handshakeStatus(f, "http://app.example.com"));
      HttpRequest pre = HttpRequest.newBuilder(URI.create(f.http("/v1/text-to-speech/x/stream")))
          .timeout(Duration.ofSeconds(10))
          .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
          .header("Origin", "https://app.example.com")
          .header("Access-Control-Request-Method", "POST")
          .header("Access-Control-Request-Headers", "xi-api-key, content-type").build();
      HttpResponse<String> r = ServerFixture.HTTP.send(pre, HttpResponse.BodyHandlers.ofString());
      assertEquals(204, r.statusCode());
      assertEquals("https://app.example.com",
          r.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
      assertTrue(r.headers().firstValue("Access-Control-Allow-Headers").orElseThrow()
          .contains("xi-api-key"));
    } finally {
      p.close();
    }
    ToneSpeechProvider q = ToneSpeechProvider.create();
    try (ServerFixture f = ServerFixture.start(q, c -> c.allowedOrigins(List.of("*")))) {
      assertEquals(101, handshakeStatus(f, "https://anything.example"));
    } finally {
      q.close();
    }
  }

  @Test
  void allowListEntriesMustBeOrigins() {
    ToneSpeechProvider p = ToneSpeechProvider.create();
    try {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> VoicewireServer.create(c -> c.provider(p).allowedOrigins(List.of("example"))));
      assertEquals("not an origin (scheme://host[:port]): example", e.getMessage());
    } finally {
      p.close();
    }
  }
}
