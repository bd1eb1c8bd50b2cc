package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** API keys, single-use tokens and local-development mode, over real sockets. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuthTest {
  static final String KEY = "vw-test-key-one";
  static final String KEY_2 = "vw-test-key-two";
  static final String STT = "/v1/speech-to-text/realtime?model_id=scribe_v2_realtime";
  static final String TTS = "/v1/text-to-speech/" + ToneSpeechProvider.VOICE + "/stream-input";

  /** A clock tests move by hand. */
  static final class TestClock extends Clock {
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse(
        "2026-01-01T00:00:00Z"));

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    void advance(Duration d) {
      now.updateAndGet(i -> i.plus(d));
    }
  }

  static ToneSpeechProvider provider;
  static TestClock clock = new TestClock();
  static ServerFixture f;

  @BeforeAll
  static void start() throws Exception {
    provider = ToneSpeechProvider.create();
    f = ServerFixture.start(provider, c -> c.apiKeys(List.of(KEY, KEY_2)).clock(clock));
  }

  @AfterAll
  static void stop() {
    f.close();
    provider.close();
  }

  static String mint(String type) throws Exception {
    HttpResponse<String> r = f.post("/v1/single-use-token/" + type, "", "xi-api-key", KEY);
    assertEquals(200, r.statusCode(), r.body());
    String token = ServerFixture.json(r.body()).get("token").asText();
    assertTrue(token.startsWith("vwt_"));
    return token;
  }

  static JsonNode firstSttMessage(String pathAndQuery, Map<String, String> headers)
      throws Exception {
    WsClient c = f.connect(pathAndQuery, headers);
    JsonNode m = c.next();
    if (!m.get("message_type").asText().equals("session_started")) {
      assertEquals(1008, c.awaitClose().code());
    } else {
      c.close();
    }
    return m;
  }

  @Test
  void demoInfoSaysAKeyIsNeededWithoutOne() throws Exception {
    HttpResponse<String> r = f.get("/demo/info");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode info = ServerFixture.json(r.body());
    assertTrue(info.get("requires_key").asBoolean(), r.body());
    assertFalse(info.get("demo_tokens").asBoolean(), r.body());
    assertFalse(info.has("voices"), "no voice list without a key or demo tokens: " + r.body());
    assertEquals(404, f.get("/demo/token/tts_websocket").statusCode());
  }

  @Test
  void httpAcceptsEveryKeyPlacementAndRefusesOthersWith401() throws Exception {
    HttpResponse<String> none = f.get("/v1/voices");
    assertEquals(401, none.statusCode());
    JsonNode d = ServerFixture.json(none.body()).get("detail");
    assertEquals("invalid_api_key", d.get("code").asText());
    assertEquals("authentication_error", d.get("type").asText());
    assertTrue(d.get("message").asText().startsWith("Missing credentials"));
    HttpResponse<String> wrong = f.get("/v1/voices", "xi-api-key", "nope");
    assertEquals(401, wrong.statusCode());
    assertEquals("Invalid API key",
        ServerFixture.json(wrong.body()).get("detail").get("message").asText());
    assertFalse(wrong.body().contains("nope"), "the secret is never echoed");
    assertEquals(200, f.get("/v1/voices", "xi-api-key", KEY).statusCode());
    assertEquals(200, f.get("/v1/voices", "Authorization", "Bearer " + KEY_2).statusCode());
    assertEquals(200, f.get("/v1/voices?authorization=" + KEY).statusCode());
    assertEquals(200, f.get("/v1/voices?authorization=Bearer%20" + KEY).statusCode());
  }

  @Test
  void sttSocketChecksTheKeyAtTheHandshake() throws Exception {
    JsonNode none = firstSttMessage(STT, Map.of());
    assertEquals("auth_error", none.get("message_type").asText());
    JsonNode wrong = firstSttMessage(STT, Map.of("xi-api-key", "wrong"));
    assertEquals("auth_error", wrong.get("message_type").asText());
    assertEquals("Invalid API key", wrong.get("error").asText());
    assertEquals("session_started",
        firstSttMessage(STT, Map.of("xi-api-key", KEY)).get("message_type").asText());
    assertEquals("session_started",
        firstSttMessage(STT + "&authorization=" + KEY, Map.of()).get("message_type").asText());
  }

  @Test
  void ttsSocketTakesTheKeyFromTheFirstMessageInBothSpellings() throws Exception {
    for (String field : List.of("xi_api_key", "xi-api-key", "authorization")) {
      WsClient c = f.connect(TTS);
      c.send("{\"text\":\" \",\"" + field + "\":\"" + (field.equals("authorization")
          ? "Bearer " : "") + KEY + "\"}");
      c.send("{\"text\":\"ok \",\"flush\":true}");
      assertTrue(c.next().has("audio"), field);
      c.close();
    }
    WsClient missing = f.connect(TTS);
    missing.send("{\"text\":\" \"}");
    JsonNode err = missing.next();
    assertEquals("auth_error", err.get("error").asText());
    assertEquals(1008, err.get("code").asInt());
    assertEquals(1008, missing.awaitClose().code());
    WsClient wrong = f.connect(TTS);
    wrong.send("{\"text\":\" \",\"xi_api_key\":\"wrong\"}");
    assertEquals("auth_error", wrong.next().get("error").asText());
    assertEquals(1008, wrong.awaitClose().code());
    // a header key makes the first message's key unnecessary
    WsClient header = f.connect(TTS, Map.of("xi-api-key", KEY));
    header.send("{\"text\":\"fine \",\"flush\":true}");
    assertTrue(header.next().has("audio"));
    header.close();
  }

  @Test
  void mintingNeedsAKeyAndKnowsTheTypes() throws Exception {
    assertEquals(401, f.post("/v1/single-use-token/realtime_scribe", "").statusCode());
    HttpResponse<String> bad = f.post("/v1/single-use-token/everything", "", "xi-api-key", KEY);
    assertEquals(422, bad.statusCode());
    JsonNode loc = ServerFixture.json(bad.body()).get("detail").get(0).get("loc");
    assertEquals("path", loc.get(0).asText());
    assertEquals("token_type", loc.get(1).asText());
    assertEquals(404, f.get("/demo/token/realtime_scribe").statusCode(),
        "the demo endpoint is off when keys are configured");
  }

  @Test
  void aTokenWorksOnceForItsOwnEndpoint() throws Exception {
    String t = mint("realtime_scribe");
    assertEquals("session_started",
        firstSttMessage(STT + "&token=" + t, Map.of()).get("message_type").asText());
    JsonNode again = firstSttMessage(STT + "&token=" + t, Map.of());
    assertEquals("auth_error", again.get("message_type").asText());
    assertTrue(again.get("error").asText().contains("already used"));
  }

  @Test
  void aTokenOfTheWrongTypeIsRefusedAndStaysUsableWhereItBelongs() throws Exception {
    String t = mint("tts_websocket");
    JsonNode wrong = firstSttMessage(STT + "&token=" + t, Map.of());
    assertEquals("auth_error", wrong.get("message_type").asText());
    assertEquals("Single-use token of type 'tts_websocket' cannot be used here (needs "
        + "'realtime_scribe')", wrong.get("error").asText());
    WsClient c = f.connect(TTS + "?single_use_token=" + t);
    c.send("{\"text\":\"token \",\"flush\":true}");
    assertTrue(c.next().has("audio"));
    c.close();
    WsClient reused = f.connect("/v1/text-to-speech/" + ToneSpeechProvider.VOICE
        + "/multi-stream-input?single_use_token=" + t);
    assertEquals("auth_error", reused.next().get("error").asText());
  }

  @Test
  void tokensExpireAfterFifteenMinutes() throws Exception {
    String fresh = mint("realtime_scribe");
    String old = mint("realtime_scribe");
    clock.advance(Duration.ofMinutes(14));
    assertEquals("session_started",
        firstSttMessage(STT + "&token=" + fresh, Map.of()).get("message_type").asText());
    clock.advance(Duration.ofMinutes(2));
    JsonNode expired = firstSttMessage(STT + "&token=" + old, Map.of());
    assertEquals("auth_error", expired.get("message_type").asText());
    assertEquals("Single-use token expired", expired.get("error").asText());
  }

  @Test
  void sessionsAreLimitedPerKeyAndTokensCountForTheirKey() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.create();
    try (ServerFixture s = ServerFixture.start(p, c -> c.apiKeys(List.of(KEY, KEY_2))
        .limits(Limits.DEFAULTS.toBuilder().maxSessionsPerKey(3).build()))) {
      List<WsClient> open = new java.util.ArrayList<>();
      for (int i = 0; i < 2; i++) {
        WsClient c = s.connect(STT, Map.of("xi-api-key", KEY));
        assertEquals("session_started", c.next().get("message_type").asText());
        open.add(c);
      }
      HttpResponse<String> r = s.post("/v1/single-use-token/realtime_scribe", "", "xi-api-key",
          KEY);
      String token = ServerFixture.json(r.body()).get("token").asText();
      WsClient viaToken = s.connect(STT + "&token=" + token);
      assertEquals("session_started", viaToken.next().get("message_type").asText());
      open.add(viaToken);
      WsClient fourth = s.connect(STT, Map.of("xi-api-key", KEY));
      JsonNode err = fourth.next();
      assertEquals("resource_exhausted", err.get("message_type").asText());
      assertEquals("This API key is at its limit of 3 concurrent sessions",
          err.get("error").asText());
      assertEquals(1013, fourth.awaitClose().code());
      WsClient otherKey = s.connect(STT, Map.of("xi-api-key", KEY_2));
      assertEquals("session_started", otherKey.next().get("message_type").asText());
      otherKey.close();
      open.forEach(WsClient::close);
    } finally {
      p.close();
    }
  }

  @Test
  void localDevelopmentModeNeedsNoKeyButStillChecksTokens() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.create();
    try (ServerFixture dev = ServerFixture.start(p)) {
      assertTrue(dev.server.isLocalDevelopmentMode());
      assertEquals(200, dev.get("/v1/models").statusCode());
      WsClient c = dev.connect(STT);
      assertEquals("session_started", c.next().get("message_type").asText());
      c.close();
      WsClient bad = dev.connect(STT + "&token=vwt_forged");
      assertEquals("auth_error", bad.next().get("message_type").asText());
      HttpResponse<String> demo = dev.get("/demo/token/realtime_scribe");
      assertEquals(200, demo.statusCode());
      String t = ServerFixture.json(demo.body()).get("token").asText();
      WsClient ok = dev.connect(STT + "&token=" + t);
      assertEquals("session_started", ok.next().get("message_type").asText());
      ok.close();
    } finally {
      p.close();
    }
  }

  @Test
  void withoutKeysOnlyLoopbackMayBeBound() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.create();
    try {
      VoicewireServer open = VoicewireServer.create(c -> c.provider(p).bindAddress("0.0.0.0"));
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> open.start(0));
      assertTrue(e.getMessage().startsWith("Refusing to bind 0.0.0.0 without API keys"));
      try (VoicewireServer local = VoicewireServer.create(c -> c.provider(p)
          .bindAddress("localhost"))) {
        assertTrue(local.start(0) > 0);
      }
      try (VoicewireServer keyed = VoicewireServer.create(c -> c.provider(p)
          .bindAddress("0.0.0.0").apiKeys(List.of(KEY)))) {
        assertTrue(keyed.start(0) > 0);
        assertFalse(keyed.isLocalDevelopmentMode());
      }
    } finally {
      p.close();
    }
  }

  @Test
  void demoTokensCanBeEnabledExplicitlyWithKeys() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.create();
    try (ServerFixture s = ServerFixture.start(p, c -> c.apiKeys(List.of(KEY))
        .demoTokens(true))) {
      HttpResponse<String> r = s.get("/demo/token/tts_websocket");
      assertEquals(200, r.statusCode());
      String t = ServerFixture.json(r.body()).get("token").asText();
      WsClient c = s.connect(TTS + "?single_use_token=" + t);
      c.send("{\"text\":\"demo \",\"flush\":true}");
      assertTrue(c.next().has("audio"));
      c.close();
    } finally {
      p.close();
    }
  }
}
