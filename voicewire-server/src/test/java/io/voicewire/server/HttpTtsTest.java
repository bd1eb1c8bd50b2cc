package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP text-to-speech endpoints over real HTTP (PROTOCOL.md §4). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpTtsTest {
  static ToneSpeechProvider provider;
  static ServerFixture f;
  static final String TEXT = "Hello world. How are you?";
  static final String BASE = "/v1/text-to-speech/" + ToneSpeechProvider.VOICE;

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

  static String body(String text) {
    return "{\"text\":\"" + text + "\",\"model_id\":\"tone_tts_v1\"}";
  }

  @Test
  void streamSendsRawChunkedAudio() throws Exception {
    HttpResponse<byte[]> r = f.postBytes(BASE + "/stream?output_format=pcm_16000",
        body(TEXT).getBytes(), "Content-Type", "application/json");
    assertEquals(200, r.statusCode());
    assertEquals("audio/pcm;rate=16000", r.headers().firstValue("Content-Type").orElseThrow());
    assertFalse(r.headers().firstValue("Content-Length").isPresent(), "streamed, not sized");
    assertTrue(r.headers().firstValue("request-id").isPresent());
    assertEquals(String.valueOf(TEXT.length()),
        r.headers().firstValue("character-cost").orElseThrow());
    assertEquals(TEXT.length() * 160 * 2, r.body().length);
    assertEquals("tone_tts_v1", provider.lastTtsRequest.modelId());
  }

  @Test
  void theDefaultFormatIsMp3AndPcmAndUlawKeepTheirTypes() throws Exception {
    HttpResponse<byte[]> d = f.postBytes(BASE + "/stream", body("ab").getBytes());
    assertEquals("audio/mpeg", d.headers().firstValue("Content-Type").orElseThrow());
    // the provider was asked for PCM at the MP3 codec's rate; the server encoded it
    assertEquals("pcm_44100", provider.lastTtsRequest.outputFormat().wireName());
    HttpResponse<byte[]> r = f.postBytes(BASE + "/stream?output_format=pcm_24000",
        body("ab").getBytes());
    assertEquals("audio/pcm;rate=24000", r.headers().firstValue("Content-Type").orElseThrow());
    assertEquals(2 * 240 * 2, r.body().length);
    HttpResponse<byte[]> u = f.postBytes(BASE + "/stream?output_format=ulaw_8000",
        body("ab").getBytes());
    assertEquals("audio/basic", u.headers().firstValue("Content-Type").orElseThrow());
    assertEquals(2 * 80, u.body().length);
  }

  @Test
  void streamWithTimestampsIsOneJsonObjectPerLineWithCumulativeTimes() throws Exception {
    HttpResponse<String> r = f.post(BASE + "/stream/with-timestamps?output_format=pcm_16000",
        body(TEXT));
    assertEquals(200, r.statusCode());
    List<String> lines = r.body().lines().toList();
    assertTrue(lines.size() > 1, "several chunks");
    assertTrue(r.body().endsWith("\n"));
    StringBuilder chars = new StringBuilder();
    double lastEnd = 0;
    int bytes = 0;
    for (String line : lines) {
      JsonNode o = ServerFixture.json(line);
      bytes += Base64.getDecoder().decode(o.get("audio_base64").asText()).length;
      JsonNode a = o.get("alignment");
      JsonNode st = a.get("character_start_times_seconds");
      JsonNode en = a.get("character_end_times_seconds");
      for (int i = 0; i < a.get("characters").size(); i++) {
        chars.append(a.get("characters").get(i).asText());
        assertEquals(lastEnd, st.get(i).asDouble(), 1e-9, "cumulative, gapless");
        lastEnd = en.get(i).asDouble();
      }
      assertTrue(o.get("normalized_alignment").isObject());
    }
    assertEquals(TEXT, chars.toString());
    assertEquals(TEXT.length() * 0.010, lastEnd, 1e-9);
    assertEquals(TEXT.length() * 320, bytes);
  }

  @Test
  void convertReturnsTheWholeFile() throws Exception {
    HttpResponse<byte[]> r = f.postBytes(BASE + "?output_format=alaw_8000", body(TEXT)
        .getBytes());
    assertEquals(200, r.statusCode());
    assertEquals("audio/x-alaw-basic", r.headers().firstValue("Content-Type").orElseThrow());
    assertEquals(String.valueOf(TEXT.length() * 80),
        r.headers().firstValue("Content-Length").orElseThrow());
    assertEquals(TEXT.length() * 80, r.body().length);
  }

  @Test
  void convertWithTimestampsIsOneObject() throws Exception {
    HttpResponse<String> r = f.post(BASE + "/with-timestamps?output_format=pcm_8000", body(TEXT));
    assertEquals(200, r.statusCode());
    JsonNode o = ServerFixture.json(r.body());
    assertEquals(TEXT.length() * 160,
        Base64.getDecoder().decode(o.get("audio_base64").asText()).length);
    JsonNode a = o.get("alignment");
    assertEquals(TEXT.length(), a.get("characters").size());
    assertEquals(0.0, a.get("character_start_times_seconds").get(0).asDouble());
    assertEquals(TEXT.length() * 0.01,
        a.get("character_end_times_seconds").get(TEXT.length() - 1).asDouble(), 1e-9);
  }

  @Test
  void mp3IsEncodedFromTheProvidersPcm() throws Exception {
    HttpResponse<byte[]> r = f.postBytes(BASE + "/stream?output_format=mp3_44100_128",
        body(TEXT).getBytes());
    assertEquals(200, r.statusCode(), new String(r.body()));
    assertEquals("audio/mpeg", r.headers().firstValue("content-type").orElse(""));
    short[] pcm = io.voicewire.testing.Ffmpeg.decode(r.body(), 44_100);
    double want = TEXT.length() * 0.01;
    double got = pcm.length / 44_100.0;
    assertTrue(got >= want - 0.002 && got <= want
        + (io.voicewire.audio.AudioEncoder.MP3_DECODER_DELAY_SAMPLES + 2 * 1152) / 44_100.0,
        got + " s decoded for " + want + " s of tones");
  }

  @Test
  void aFormatTheProviderRefusesIsA400WithTheErrorBody() throws Exception {
    // a provider that claims to make MP3 itself (as a relay does) gets the request unencoded
    try (ServerFixture g = ServerFixture.start(new ClaimsEveryFormat(provider))) {
      HttpResponse<String> r = g.post(BASE + "/stream?output_format=mp3_44100_128", body(TEXT));
      assertEquals(400, r.statusCode());
      JsonNode d = ServerFixture.json(r.body()).get("detail");
      assertEquals("unsupported", d.get("code").asText());
      assertEquals("unsupported", d.get("status").asText());
      assertEquals("validation_error", d.get("type").asText());
      assertTrue(d.get("message").asText().contains("not supported by this backend"));
    }
  }

  @Test
  void validationErrorsAre422WithTheOfficialDetailArray() throws Exception {
    HttpResponse<String> fmt = f.post(BASE + "/stream?output_format=flac_44100", body(TEXT));
    assertEquals(422, fmt.statusCode());
    JsonNode fd = ServerFixture.json(fmt.body()).get("detail").get(0);
    assertEquals("query", fd.get("loc").get(0).asText());
    assertEquals("output_format", fd.get("loc").get(1).asText());
    assertEquals("invalid_output_format", fd.get("type").asText());
    HttpResponse<String> noText = f.post(BASE + "/stream", "{\"model_id\":\"x\"}");
    assertEquals(422, noText.statusCode());
    JsonNode nd = ServerFixture.json(noText.body()).get("detail").get(0);
    assertEquals("field 'text' is required", nd.get("msg").asText());
    assertEquals("body", nd.get("loc").get(0).asText());
    assertEquals(422, f.post(BASE + "/stream", "{broken").statusCode());
    assertEquals(422, f.post(BASE + "/stream", "{\"text\":\"x\",\"voice_settings\":"
        + "{\"speed\":9}}").statusCode());
    HttpResponse<String> voice = f.post("/v1/text-to-speech/nobody/stream", body(TEXT));
    assertEquals(400, voice.statusCode());
    assertTrue(voice.body().contains("voice_not_found"));
    assertEquals(413, f.post(BASE + "/stream", "{\"text\":\"" + "a".repeat(1_100_000) + "\"}")
        .statusCode());
  }

  @Test
  void emptyTextGivesAnEmptyBody() throws Exception {
    HttpResponse<byte[]> r = f.postBytes(BASE + "/stream", body("").getBytes());
    assertEquals(200, r.statusCode());
    assertEquals(0, r.body().length);
  }
}
