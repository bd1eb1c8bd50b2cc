package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code POST /v1/speech-to-text} with multipart uploads (PROTOCOL.md §8.3). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BatchSttTest {
  static ToneSpeechProvider provider;
  static ServerFixture f;
  static final String BOUNDARY = "----voicewire-test-boundary";

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

  /** A WAV file of 16-bit PCM frames. */
  static byte[] wav(byte[] pcm, int rate, int channels, int bits) {
    return wav(pcm, rate, channels, bits, 1);
  }

  static byte[] wav(byte[] pcm, int rate, int channels, int bits, int encoding) {
    ByteBuffer b = ByteBuffer.allocate(44 + pcm.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + pcm.length)
        .put("WAVE".getBytes(StandardCharsets.US_ASCII))
        .put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16)
        .putShort((short) encoding)
        .putShort((short) channels).putInt(rate).putInt(rate * channels * bits / 8)
        .putShort((short) (channels * bits / 8)).putShort((short) bits)
        .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(pcm.length).put(pcm);
    return b.array();
  }

  static byte[] stereo(byte[] mono) {
    byte[] out = new byte[mono.length * 2];
    for (int i = 0; i < mono.length / 2; i++) {
      out[4 * i] = mono[2 * i];
      out[4 * i + 1] = mono[2 * i + 1];
      out[4 * i + 2] = mono[2 * i];
      out[4 * i + 3] = mono[2 * i + 1];
    }
    return out;
  }

  /** A multipart body with the form fields {@code kv} (name, value, name, value...). */
  static byte[] multipart(byte[] file, String filename, String... kv) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (int i = 0; i < kv.length; i += 2) {
      o.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + kv[i]
          + "\"\r\n\r\n" + kv[i + 1] + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
    if (file != null) {
      o.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; "
          + "filename=\"" + filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
          .getBytes(StandardCharsets.UTF_8));
      o.writeBytes(file);
      o.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    o.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return o.toByteArray();
  }

  static HttpResponse<String> upload(ServerFixture s, String query, byte[] body)
      throws Exception {
    HttpResponse<byte[]> r = s.postBytes("/v1/speech-to-text" + query, body, "Content-Type",
        "multipart/form-data; boundary=" + BOUNDARY);
    return new HttpResponse<>() {
      public int statusCode() {
        return r.statusCode();
      }

      public java.net.http.HttpRequest request() {
        return r.request();
      }

      public java.util.Optional<HttpResponse<String>> previousResponse() {
        return java.util.Optional.empty();
      }

      public java.net.http.HttpHeaders headers() {
        return r.headers();
      }

      public String body() {
        return new String(r.body(), StandardCharsets.UTF_8);
      }

      public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
        return r.sslSession();
      }

      public java.net.URI uri() {
        return r.uri();
      }

      public java.net.http.HttpClient.Version version() {
        return r.version();
      }
    };
  }

  static byte[] speech(int rate) {
    return Tones.concat(Tones.silence(100, rate), Tones.pcm(440, 300, rate),
        Tones.silence(200, rate), Tones.pcm(660, 300, rate), Tones.silence(100, rate));
  }

  @Test
  void aWavFileIsTranscribedWithWordsAndSpacing() throws Exception {
    HttpResponse<String> r = upload(f, "", multipart(
        wav(speech(16000), 16000, 1, 16), "speech.wav", "model_id", "scribe_v1"));
    assertEquals(200, r.statusCode(), r.body());
    JsonNode o = ServerFixture.json(r.body());
    assertEquals("alpha bravo", o.get("text").asText());
    assertEquals("en", o.get("language_code").asText());
    assertEquals(1.0, o.get("audio_duration_secs").asDouble(), 1e-9);
    JsonNode w = o.get("words");
    assertEquals(3, w.size());
    assertEquals("alpha", w.get(0).get("text").asText());
    assertEquals("spacing", w.get(1).get("type").asText());
    assertEquals(w.get(0).get("end").asDouble(), w.get(1).get("start").asDouble());
    assertEquals(w.get(2).get("start").asDouble(), w.get(1).get("end").asDouble());
    assertEquals("bravo", w.get(2).get("text").asText());
    assertTrue(o.get("transcription_id").asText().length() > 0);
    assertEquals("scribe_v1", provider.lastSttRequest.modelId());
  }

  @Test
  void characterGranularityAndDiarizeFillTheOfficialWordFields() throws Exception {
    HttpResponse<String> plain = upload(f, "", multipart(
        wav(speech(16000), 16000, 1, 16), "speech.wav", "model_id", "scribe_v1"));
    JsonNode pw = ServerFixture.json(plain.body()).get("words").get(0);
    assertFalse(pw.has("speaker_id"), "no speaker unless diarize: " + pw);
    assertFalse(pw.has("characters"), "no characters unless asked for: " + pw);
    HttpResponse<String> r = upload(f, "", multipart(
        wav(speech(16000), 16000, 1, 16), "speech.wav", "model_id", "scribe_v1",
        "timestamps_granularity", "character", "diarize", "true"));
    assertEquals(200, r.statusCode(), r.body());
    JsonNode words = ServerFixture.json(r.body()).get("words");
    assertEquals(3, words.size(), words.toString());
    for (JsonNode w : words) {
      assertEquals("speaker_0", w.path("speaker_id").asText(), w.toString());
      JsonNode chars = w.get("characters");
      assertEquals(w.get("text").asText().length(), chars.size(), w.toString());
      // the characters tile the word's time, in order
      assertEquals(w.get("start").asDouble(), chars.get(0).get("start").asDouble(), 0.002);
      assertEquals(w.get("end").asDouble(), chars.get(chars.size() - 1).get("end").asDouble(),
          0.002);
      for (int i = 0; i < chars.size(); i++) {
        assertEquals(String.valueOf(w.get("text").asText().charAt(i)),
            chars.get(i).get("text").asText());
        if (i > 0) {
          assertEquals(chars.get(i - 1).get("end").asDouble(),
              chars.get(i).get("start").asDouble(), 0.002);
        }
      }
    }
  }

  @Test
  void rawPcmWithFileFormatAndNoTimestamps() throws Exception {
    HttpResponse<String> r = upload(f, "", multipart(
        speech(16000), "speech.pcm", "model_id", "scribe_v1", "file_format", "pcm_s16le_16",
        "timestamps_granularity", "none", "language_code", "de"));
    assertEquals(200, r.statusCode(), r.body());
    JsonNode o = ServerFixture.json(r.body());
    assertEquals("alpha bravo", o.get("text").asText());
    assertEquals(0, o.get("words").size());
    assertEquals("de", o.get("language_code").asText());
  }

  @Test
  void stereoAndUnusualRatesAreConverted() throws Exception {
    HttpResponse<String> r = upload(f, "", multipart(
        wav(stereo(speech(44100)), 44100, 2, 16), "stereo.wav", "model_id", "m"));
    assertEquals("alpha bravo", ServerFixture.json(r.body()).get("text").asText());
    HttpResponse<String> q = upload(f, "", multipart(
        wav(speech(11025), 11025, 1, 16), "odd-rate.wav", "model_id", "m"));
    assertEquals(200, q.statusCode(), q.body());
    assertEquals("alpha bravo", ServerFixture.json(q.body()).get("text").asText());
    assertEquals(16000, provider.lastSttRequest.audioFormat().sampleRate());
    byte[] pcm16 = speech(16000);
    byte[] pcm8 = new byte[pcm16.length / 2];
    for (int i = 0; i < pcm8.length; i++) {
      pcm8[i] = (byte) ((pcm16[2 * i + 1] + 128) & 0xFF); // 8-bit unsigned
    }
    HttpResponse<String> eight = upload(f, "", multipart(wav(pcm8, 16000, 1, 8), "8bit.wav",
        "model_id", "m"));
    assertEquals(200, eight.statusCode(), eight.body());
    assertEquals("alpha bravo", ServerFixture.json(eight.body()).get("text").asText());
  }

  @Test
  void badUploadsAre422WithTheParameterInTheOfficialDetailArray() throws Exception {
    byte[] w = wav(speech(16000), 16000, 1, 16);
    record Case(byte[] body, String code, String param) {}
    for (Case k : List.of(
        new Case(multipart(w, "a.wav"), "missing_field", "model_id"),
        new Case(multipart(null, null, "model_id", "m"), "missing_field",
            "file"),
        new Case(multipart(w, "a.wav", "model_id", "m", "timestamps_granularity", "syllable"),
            "invalid_parameters", "timestamps_granularity"),
        new Case(multipart(
            "not audio".getBytes(StandardCharsets.UTF_8), "a.mp3", "model_id", "m"),
            "unsupported_file", "file"),
        new Case(multipart(
            wav(new byte[100], 16000, 1, 16, 0x55), "mp3-in.wav", "model_id", "m"),
            "unsupported_file", "file"),
        new Case(multipart(new byte[3], "a.pcm", "model_id", "m", "file_format", "pcm_s16le_16"),
            "invalid_audio", "file"))) {
      HttpResponse<String> r = upload(f, "", k.body);
      assertEquals(422, r.statusCode(), r.body());
      JsonNode d = ServerFixture.json(r.body()).get("detail").get(0);
      assertEquals(k.code, d.get("type").asText(), r.body());
      assertEquals("body", d.get("loc").get(0).asText(), r.body());
      assertEquals(k.param, d.get("loc").get(1).asText(), r.body());
    }
    HttpResponse<String> notMultipart = f.post("/v1/speech-to-text", "{}", "Content-Type",
        "application/json");
    assertEquals(422, notMultipart.statusCode());
    HttpResponse<String> truncated = f.post("/v1/speech-to-text", "--" + BOUNDARY + "\r\nxx",
        "Content-Type", "multipart/form-data; boundary=" + BOUNDARY);
    assertEquals(422, truncated.statusCode());
  }

  @Test
  void aBatchTokenWorksOnce() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.create();
    try (ServerFixture s = ServerFixture.start(p, c -> c.apiKeys(List.of("k")))) {
      byte[] body = multipart(wav(speech(16000), 16000, 1, 16), "a.wav", "model_id", "m");
      assertEquals(401, upload(s, "", body).statusCode());
      String t = ServerFixture.json(s.post("/v1/single-use-token/batch_scribe", "",
          "xi-api-key", "k").body()).get("token").asText();
      assertEquals(200, upload(s, "?token=" + t, body).statusCode());
      assertEquals(401, upload(s, "?token=" + t, body).statusCode());
    } finally {
      p.close();
    }
  }
}
