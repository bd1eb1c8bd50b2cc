package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Voices, models, health, readiness, metrics and static files over real HTTP. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RestAndStaticTest {
  static ToneSpeechProvider provider;
  static ServerFixture f;

  @BeforeAll
  static void start() throws Exception {
    provider = ToneSpeechProvider.create();
    f = ServerFixture.start(provider);
  }

  @AfterAll
  static void stop() {
    f.close();
    provider.close();
  }

  @Test
  void voicesListTheProvidersVoices() throws Exception {
    HttpResponse<String> r = f.get("/v1/voices");
    assertEquals(200, r.statusCode());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
    JsonNode voices = ServerFixture.json(r.body()).get("voices");
    assertEquals(2, voices.size());
    JsonNode v = voices.get(0);
    assertEquals(ToneSpeechProvider.VOICE, v.get("voice_id").asText());
    assertEquals("Alpha", v.get("name").asText());
    assertEquals("premade", v.get("category").asText());
    assertEquals("sine", v.get("labels").get("accent").asText());
    assertEquals("A pure tone", v.get("description").asText());
    assertEquals(0.75, v.get("settings").get("similarity_boost").asDouble());
    assertEquals("tone_tts_v1", v.get("high_quality_base_model_ids").get(0).asText());
    assertEquals(24000, v.get("native_sample_rate").asInt());
  }

  @Test
  void oneVoiceOr404() throws Exception {
    JsonNode v = ServerFixture.json(f.get("/v1/voices/" + ToneSpeechProvider.VOICE_2).body());
    assertEquals("Beta", v.get("name").asText());
    HttpResponse<String> missing = f.get("/v1/voices/nobody");
    assertEquals(404, missing.statusCode());
    assertEquals("voice_not_found",
        ServerFixture.json(missing.body()).get("detail").get("code").asText());
  }

  @Test
  void modelsAreABareArray() throws Exception {
    JsonNode m = ServerFixture.json(f.get("/v1/models").body());
    assertTrue(m.isArray());
    assertEquals(2, m.size());
    JsonNode tts = m.get(0);
    assertEquals("tone_tts_v1", tts.get("model_id").asText());
    assertEquals("Tone TTS", tts.get("name").asText());
    assertTrue(tts.get("can_do_text_to_speech").asBoolean());
    assertEquals("en", tts.get("languages").get(0).get("language_id").asText());
    assertEquals("English", tts.get("languages").get(0).get("name").asText());
    assertEquals(1.0, tts.get("model_rates").get("character_cost_multiplier").asDouble());
    assertTrue(m.get(1).get("can_do_speech_to_text").asBoolean());
  }

  @Test
  void demoInfoIsAlways200AndFollowsReadiness() throws Exception {
    JsonNode info = ServerFixture.json(f.get("/demo/info").body());
    assertTrue(info.get("ready").asBoolean());
    assertFalse(info.get("requires_key").asBoolean(), "dev mode: no key");
    assertEquals("tone", info.get("provider").asText());
    assertTrue(info.get("demo_tokens").asBoolean(), "demo tokens are on in dev mode");
    assertEquals(ToneSpeechProvider.VOICE, info.get("voices").get(0).get("voice_id").asText());
    provider.ready = false;
    try {
      HttpResponse<String> r = f.get("/demo/info");
      assertEquals(200, r.statusCode());
      assertFalse(ServerFixture.json(r.body()).get("ready").asBoolean(), r.body());
    } finally {
      provider.ready = true;
    }
  }

  @Test
  void healthAndReadiness() throws Exception {
    assertEquals(200, f.get("/healthz").statusCode());
    assertEquals(200, f.get("/readyz").statusCode());
    provider.ready = false;
    try {
      HttpResponse<String> r = f.get("/readyz");
      assertEquals(503, r.statusCode());
      assertEquals("tone", ServerFixture.json(r.body()).get("provider").asText());
      assertEquals(200, f.get("/healthz").statusCode());
    } finally {
      provider.ready = true;
    }
  }

  @Test
  void metricsCountSessionsMessagesErrorsAndLatencies() throws Exception {
    WsClient c = f.connect("/v1/text-to-speech/" + ToneSpeechProvider.VOICE + "/stream-input");
    c.send("{\"text\":\"metrics \",\"flush\":true}");
    c.next();
    c.send("{\"text\":\"\"}");
    c.untilClose();
    WsClient bad = f.connect("/v1/speech-to-text/realtime?model_id=x&vad_threshold=2");
    bad.untilClose();
    HttpResponse<String> r = f.get("/metrics");
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
    String m = r.body();
    assertTrue(m.contains("voicewire_sessions_total{kind=\"tts_stream_input\"}"), m);
    assertTrue(m.contains("# TYPE voicewire_sessions_active gauge"));
    assertTrue(m.contains("voicewire_messages_total{direction=\"in\",kind=\"tts_stream_input\"}"));
    assertTrue(m.contains("voicewire_errors_total{type=\"invalid_request\"}"));
    assertTrue(m.contains("voicewire_tts_time_to_first_audio_micros_count"));
    assertTrue(m.contains("voicewire_stt_partial_latency_micros{quantile=\"0.99\"}"));
    assertTrue(m.contains("voicewire_stt_commit_latency_micros_sum"));
    assertTrue(m.contains("# TYPE voicewire_stt_commit_latency_micros summary"));
    long ttfaCount = m.lines().filter(l -> l.startsWith(
        "voicewire_tts_time_to_first_audio_micros_count")).mapToLong(
            l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    assertTrue(ttfaCount >= 1, m);
  }

  @Test
  void staticFilesWithContentTypes() throws Exception {
    HttpResponse<String> index = f.get("/");
    assertEquals(200, index.statusCode());
    assertEquals("text/html; charset=utf-8",
        index.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(index.body().contains("voicewire test page"));
    for (String[] e : new String[][] {
        {"/app.js", "text/javascript; charset=utf-8"},
        {"/lib.mjs", "text/javascript; charset=utf-8"},
        {"/data.json", "application/json"},
        {"/beep.wav", "audio/wav"},
        {"/pixel.png", "image/png"},
        {"/sub/inner.txt", "text/plain; charset=utf-8"},
        {"/index.html", "text/html; charset=utf-8"}}) {
      HttpResponse<String> r = f.get(e[0]);
      assertEquals(200, r.statusCode(), e[0]);
      assertEquals(e[1], r.headers().firstValue("Content-Type").orElseThrow(), e[0]);
    }
    assertEquals("export const answer = 42;\n", f.get("/app.js").body());
  }

  @Test
  void noListingsNoTraversalNoMissingFiles() throws Exception {
    for (String p : List.of("/sub", "/sub/", "/missing.js", "/..%2Fsimplelogger.properties",
        "/%2e%2e/simplelogger.properties", "/sub/%2e%2e/app.js", "/a\\b",
        "/../simplelogger.properties", "/sub/../../simplelogger.properties")) {
      int status = rawStatus(p);
      assertTrue(status == 404 || status == 400, p + " gave " + status);
    }
  }

  @Test
  void wrongMethodIs405AndUnknownApiPathIs404() throws Exception {
    HttpResponse<String> r = f.post("/v1/voices", "{}");
    assertEquals(405, r.statusCode());
    assertEquals("GET", r.headers().firstValue("Allow").orElseThrow());
    assertEquals(404, f.get("/v1/nothing-here").statusCode());
  }

  /** Sends a raw request line (no client-side normalisation) and returns the status. */
  static int rawStatus(String path) throws Exception {
    try (Socket s = new Socket("127.0.0.1", f.port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      String status = new String(s.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
      return Integer.parseInt(status.substring(9, 12));
    }
  }
}
