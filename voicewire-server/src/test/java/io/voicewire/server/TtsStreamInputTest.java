package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicewire.audio.AudioFormat;
import io.voicewire.testing.RawWs;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tier (c): {@code stream-input} against a real server on port 0 (PROTOCOL.md §2). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TtsStreamInputTest {
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

  static String path(String query) {
    return "/v1/text-to-speech/" + ToneSpeechProvider.VOICE + "/stream-input"
        + (query.isEmpty() ? "" : "?" + query);
  }

  /** Audio messages until isFinal, then asserts the close is 1000. */
  static List<JsonNode> audioUntilFinal(WsClient c) throws Exception {
    List<JsonNode> audio = new ArrayList<>();
    while (true) {
      JsonNode m = c.next();
      if (m.path("isFinal").asBoolean(false)) {
        break;
      }
      assertTrue(m.has("audio"), "expected audio, got " + m);
      audio.add(m);
    }
    assertEquals(1000, c.awaitClose().code());
    return audio;
  }

  static String voiced(List<JsonNode> audio) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode a : audio) {
      for (JsonNode ch : a.path("alignment").path("chars")) {
        sb.append(ch.asText());
      }
    }
    return sb.toString();
  }

  @Test
  void initTextFlushEndOfInputGivesAudioThenIsFinalThenClose1000() throws Exception {
    WsClient c = f.connect(path("output_format=pcm_16000&sync_alignment=true"));
    c.send("{\"text\":\" \",\"voice_settings\":{\"stability\":0.5,\"similarity_boost\":0.8,"
        + "\"speed\":1.0},\"generation_config\":{\"chunk_length_schedule\":[120,160,250,290]}}");
    c.send("{\"text\":\"Hello world. \"}");
    c.send("{\"text\":\"How are you today? \",\"flush\":true}");
    c.send("{\"text\":\"\"}");
    List<JsonNode> audio = audioUntilFinal(c);
    assertEquals("Hello world. How are you today? ", voiced(audio));
    for (JsonNode a : audio) {
      assertTrue(a.has("isFinal") && a.get("isFinal").isNull(), "isFinal: null on audio");
      JsonNode al = a.get("alignment");
      int n = al.get("chars").size();
      assertEquals(n, al.get("charStartTimesMs").size());
      assertEquals(n, al.get("charDurationsMs").size());
      assertEquals(0, al.get("charStartTimesMs").get(0).asInt(), "chunk-relative times");
      byte[] pcm = Base64.getDecoder().decode(a.get("audio").asText());
      // 10 ms per character at 16 kHz, 16-bit
      assertEquals(n * 160 * 2, pcm.length);
      assertTrue(a.get("normalizedAlignment").isObject());
    }
  }

  @Test
  void scheduleHoldsTextUntilThresholdOrFlush() throws Exception {
    WsClient c = f.connect(path("output_format=pcm_8000"));
    c.send("{\"text\":\" \",\"generation_config\":{\"chunk_length_schedule\":[50]}}");
    c.send("{\"text\":\"short text \"}");
    assertNull(c.messages.poll(400, TimeUnit.MILLISECONDS), "nothing before 50 chars");
    c.send("{\"text\":\"and more text until the fifty character threshold is passed \"}");
    JsonNode first = c.next();
    assertTrue(first.has("audio"));
    c.send("{\"text\":\"tail\",\"flush\":true}");
    c.send("{\"text\":\"\"}");
    List<JsonNode> rest = audioUntilFinal(c);
    rest.add(0, first);
    assertEquals("short text and more text until the fifty character threshold is passed tail",
        voiced(rest));
  }

  @Test
  void tryTriggerGenerationReleasesFromFiftyCharacters() throws Exception {
    WsClient c = f.connect(path(""));
    c.send("{\"text\":\" \"}");
    c.send("{\"text\":\"only a few words \",\"try_trigger_generation\":true}");
    assertNull(c.messages.poll(400, TimeUnit.MILLISECONDS), "below 50 chars: no generation");
    c.send("{\"text\":\"and now well past the fifty character minimum \","
        + "\"try_trigger_generation\":true}");
    assertTrue(c.next().has("audio"));
    c.close();
  }

  @Test
  void autoModeReleasesWholeSentencesWithoutFlush() throws Exception {
    WsClient c = f.connect(path("auto_mode=true"));
    c.send("{\"text\":\" \"}");
    c.send("{\"text\":\"Hi. \"}");
    JsonNode a = c.next();
    assertEquals("Hi. ", voiced(List.of(a)));
    c.close();
  }

  @Test
  void keepAliveSpaceIsNotVoicedAndKeepsTheStreamOpen() throws Exception {
    WsClient c = f.connect(path("inactivity_timeout=1"));
    c.send("{\"text\":\" \"}");
    for (int i = 0; i < 4; i++) {
      Thread.sleep(400);
      c.send("{\"text\":\" \"}");
    }
    assertFalse(c.closed.isDone(), "keep-alives held the stream open past the 1 s timeout");
    c.send("{\"text\":\"ok \",\"flush\":true}");
    c.send("{\"text\":\"\"}");
    assertEquals("ok ", voiced(audioUntilFinal(c)));
  }

  @Test
  void inactivityTimeoutSendsErrorJsonThenCloses1008() throws Exception {
    WsClient c = f.connect(path("inactivity_timeout=1"));
    c.send("{\"text\":\" \"}");
    JsonNode err = c.next();
    assertEquals("input_timeout_exceeded", err.get("error").asText());
    assertEquals(1008, err.get("code").asInt());
    assertTrue(err.get("message").asText().contains("timeout of 1 seconds"));
    WsClient.Close close = c.awaitClose();
    assertEquals(1008, close.code());
  }

  @Test
  void voiceSettingsOnALaterMessageAreAcceptedAsTheSpecAllows() throws Exception {
    WsClient c = f.connect(path(""));
    c.send("{\"text\":\" \",\"voice_settings\":{\"speed\":1.1}}");
    c.send("{\"text\":\"a \",\"voice_settings\":{\"speed\":1.1}}");
    c.send("{\"text\":\"b \",\"voice_settings\":{\"speed\":0.9},\"flush\":true}");
    JsonNode m = c.next(x -> x.has("audio") || x.has("error"));
    assertFalse(m.has("error"), m.toString());
    c.close();
  }

  @Test
  void textAcceptedBeforeABadMessageIsStillVoicedBeforeTheError() throws Exception {
    WsClient c = f.connect(path(""));
    c.send("{\"text\":\" \"}");
    c.send("{\"text\":\"accepted text \"}");
    c.send("{\"text\": 5}");
    List<JsonNode> all = c.untilClose();
    JsonNode last = all.get(all.size() - 1);
    assertEquals("input_error", last.get("error").asText());
    assertEquals("field 'text' must be a string", last.get("message").asText());
    assertEquals("accepted text ", voiced(all.subList(0, all.size() - 1)));
    assertEquals(1007, c.awaitClose().code());
  }

  @Test
  void outputFormatsUlawAlawAndPcmRates() throws Exception {
    for (String fmt : List.of("ulaw_8000", "alaw_8000", "pcm_22050", "pcm_44100", "pcm_48000")) {
      WsClient c = f.connect(path("output_format=" + fmt));
      c.send("{\"text\":\" \"}");
      c.send("{\"text\":\"abcd\",\"flush\":true}");
      c.send("{\"text\":\"\"}");
      List<JsonNode> audio = audioUntilFinal(c);
      AudioFormat af = AudioFormat.parse(fmt);
      int bytes = 0;
      for (JsonNode a : audio) {
        bytes += Base64.getDecoder().decode(a.get("audio").asText()).length;
      }
      assertEquals(af.bytesForMillis(10) * 4, bytes, fmt);
    }
  }

  @Test
  void mp3IsEncodedFromTheProvidersPcmWithEveryCharactersTiming() throws Exception {
    WsClient c = f.connect(path("output_format=mp3_44100_128&sync_alignment=true"));
    c.send("{\"text\":\" \"}");
    c.send("{\"text\":\"abc \"}");
    c.send("{\"text\":\"\"}");
    java.io.ByteArrayOutputStream mp3 = new java.io.ByteArrayOutputStream();
    StringBuilder chars = new StringBuilder();
    for (JsonNode m = c.next(); !m.path("isFinal").asBoolean(false); m = c.next()) {
      mp3.writeBytes(Base64.getDecoder().decode(m.get("audio").asText()));
      m.path("alignment").path("chars").forEach(ch -> chars.append(ch.asText()));
    }
    assertEquals("abc ", chars.toString());
    assertEquals("pcm_44100", provider.lastTtsRequest.outputFormat().wireName());
    byte[] b = mp3.toByteArray();
    assertEquals(0xFF, b[0] & 0xFF, "an MPEG frame first");
    short[] pcm = io.voicewire.testing.Ffmpeg.decode(b, 44_100);
    assertTrue(pcm.length >= 4 * 441 - 88, pcm.length + " samples for 40 ms of tones");
  }

  @Test
  void aFormatTheProviderRefusesIsReportedAsUnsupported() throws Exception {
    try (ServerFixture g = ServerFixture.start(new ClaimsEveryFormat(provider))) {
      WsClient c = g.connect(path("output_format=mp3_44100_128"));
      c.send("{\"text\":\" \"}");
      JsonNode err = c.next();
      assertEquals("unsupported", err.get("error").asText());
      assertTrue(err.get("message").asText().contains("not supported by this backend"));
      assertEquals(1008, c.awaitClose().code());
    }
  }

  @Test
  void queryParametersReachTheProvider() throws Exception {
    WsClient c = f.connect(path("model_id=tone_tts_v1&output_format=pcm_24000&language_code=de"
        + "&seed=42&enable_logging=false&sync_alignment=true&auto_mode=true"
        + "&apply_text_normalization=off"));
    c.send("{\"text\":\" \",\"generation_config\":{\"chunk_length_schedule\":[60,70]}}");
    c.send("{\"text\":\"x. \"}");
    c.next();
    var r = provider.lastTtsRequest;
    assertEquals("tone_tts_v1", r.modelId());
    assertEquals(AudioFormat.PCM_24000, r.outputFormat());
    assertEquals("de", r.languageCode());
    assertEquals(42L, r.seed());
    assertTrue(r.syncAlignment());
    assertTrue(r.autoMode());
    assertEquals("off", r.applyTextNormalization());
    assertEquals(List.of(60, 70), r.chunkLengthSchedule());
    c.close();
  }

  @Test
  void invalidQueryParametersAreInvalidRequest() throws Exception {
    for (String q : List.of("inactivity_timeout=181", "inactivity_timeout=0",
        "output_format=wav_12345", "seed=-1", "sync_alignment=maybe",
        "apply_text_normalization=sometimes")) {
      WsClient c = f.connect(path(q));
      JsonNode err = c.next();
      assertEquals("invalid_request", err.get("error").asText(), q);
      assertEquals(1008, err.get("code").asInt());
      assertEquals(1008, c.awaitClose().code(), q);
    }
  }

  @Test
  void malformedJsonWrongTypesAndUnknownMessagesAreInputErrors() throws Exception {
    for (String bad : List.of("{nope", "[1,2]", "{\"text\":\" \",\"flush\":\"yes\"}",
        "{\"text\":\" \",\"generation_config\":{\"chunk_length_schedule\":[20]}}",
        "{\"text\":\" \",\"voice_settings\":{\"speed\":3}}")) {
      WsClient c = f.connect(path(""));
      c.send(bad);
      JsonNode err = c.next();
      assertEquals("input_error", err.get("error").asText(), bad);
      assertEquals(1007, c.awaitClose().code(), bad);
    }
    WsClient c = f.connect(path(""));
    c.send("{\"text\":\" \"}");
    c.send("{\"what\":\"is this\"}");
    JsonNode err = c.next();
    assertEquals("input_error", err.get("error").asText());
    assertTrue(err.get("message").asText().startsWith("Message has no 'text'"));
    assertEquals(1007, c.awaitClose().code());
  }

  @Test
  void binaryFramesClose1003() throws Exception {
    WsClient c = f.connect(path(""));
    c.sendBinary(new byte[] {1, 2, 3});
    JsonNode err = c.next();
    assertEquals("input_error", err.get("error").asText());
    assertEquals(1003, c.awaitClose().code());
  }

  @Test
  void oversizeFramesClose1009() throws Exception {
    // a raw client, as in WhatHeldTest: the server fails the connection with the rest of the
    // frame unread, so the kernel may answer our remaining bytes with a reset; the JDK client
    // then reports 1006 (its write failed) although the 1009 close frame arrived before the
    // reset and is still in the receive buffer, where this client reads it
    try (RawWs ws = RawWs.connect(f.port, path(""), java.util.Map.of())) {
      try {
        ws.sendText("{\"text\":\"" + "a".repeat(2 * 1024 * 1024) + "\"}");
      } catch (java.net.SocketException cut) {
        // the server closed before the whole frame was written
      }
      int[] code = {-1};
      ws.readUntilClose(code);
      assertEquals(1009, code[0]);
    }
  }

  /**
   * The same with the JDK's WebSocket client, which fails the whole socket (1006) when a write
   * fails: the server must not reset the connection while the client is still sending the
   * message it refused, or the client never sees the 1009 that explains why.
   */
  @org.junit.jupiter.api.RepeatedTest(30)
  void oversizeFramesClose1009ForAClientStillWriting() throws Exception {
    WsClient c = f.connect(path(""));
    try {
      c.send("{\"text\":\"" + "a".repeat(2 * 1024 * 1024) + "\"}");
    } catch (java.util.concurrent.ExecutionException e) {
      // the send's future may fail once the socket is closing; the close still arrives
    }
    assertEquals(1009, c.awaitClose().code());
  }

  @Test
  void endOfInputAsFirstMessageFinishesAtOnce() throws Exception {
    WsClient c = f.connect(path(""));
    c.send("{\"text\":\"\"}");
    assertTrue(audioUntilFinal(c).isEmpty());
  }

  @Test
  void plainHttpGetOnTheSocketPathIs426() throws Exception {
    assertEquals(426, f.get(path("")).statusCode());
  }

  @Test
  void twoSocketsAreIndependent() throws Exception {
    WsClient bad = f.connect(path(""));
    WsClient good = f.connect(path(""));
    good.send("{\"text\":\" \"}");
    bad.send("{garbage");
    good.send("{\"text\":\"fine \",\"flush\":true}");
    good.send("{\"text\":\"\"}");
    assertEquals(1007, bad.awaitClose().code());
    assertEquals("fine ", voiced(audioUntilFinal(good)));
  }

  @Test
  void aProviderThatThrowsFailsOnlyItsOwnStream() throws Exception {
    WsClient c = f.connect(path(""));
    c.send("{\"text\":\" \"}");
    // the tone engine's TextReleaser throws beyond 100,000 unflushed characters
    c.send("{\"text\":\"" + "a".repeat(100_001) + "\"}");
    JsonNode err = c.next(m -> m.has("error"));
    assertEquals("error", err.get("error").asText());
    assertEquals(1011, c.awaitClose().code());
    WsClient other = f.connect(path(""));
    other.send("{\"text\":\"still fine \",\"flush\":true}");
    assertTrue(other.next().has("audio"));
    other.close();
  }
}
