package io.voicewire.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.audio.AudioFormat;
import io.voicewire.protocol.internal.Json;
import io.voicewire.speech.Alignment;
import io.voicewire.speech.CommitStrategy;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.Word;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tier (a): the wire codec on in-memory strings, fixtures taken from PROTOCOL.md. */
class ProtocolCodecTest {

  @Test
  void ttsInitMessageFromTheGuide() throws Exception {
    TtsClientMessage m = TtsClientMessage.decode("{\"text\":\" \",\"voice_settings\":"
        + "{\"stability\":0.5,\"similarity_boost\":0.8,\"speed\":1.0},\"generation_config\":"
        + "{\"chunk_length_schedule\":[120,160,250,290]}}");
    assertEquals(" ", m.text());
    assertEquals(0.8, m.voiceSettings().similarityBoost());
    assertEquals(List.of(120, 160, 250, 290), m.chunkLengthSchedule());
    assertTrue(m.hasSettings());
  }

  @Test
  void ttsToleratesVariantSpellings() throws Exception {
    TtsClientMessage m = TtsClientMessage.decode("{\"text\":\"hi \",\"contextId\":\"c1\","
        + "\"generator_config\":{\"chunk_length_schedule\":[50]},\"xi-api-key\":\"k\"}");
    assertEquals("c1", m.contextId());
    assertEquals(List.of(50), m.chunkLengthSchedule());
    assertEquals("k", m.apiKey());
    TtsClientMessage n = TtsClientMessage.decode("{\"context_id\":\"c2\",\"xi_api_key\":\"q\","
        + "\"close_context\":true,\"some_future_field\":1}");
    assertEquals("c2", n.contextId());
    assertEquals("q", n.apiKey());
    assertTrue(n.closeContext());
  }

  @Test
  void ttsRejectsBadInputWithExactMessages() {
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> TtsClientMessage.decode("{\"text\":5}"));
    assertEquals("field 'text' must be a string", e.getMessage());
    assertEquals(ErrorCode.INPUT_ERROR, e.code());
    assertEquals(CloseCodes.INVALID_PAYLOAD, e.closeCode());
    assertEquals("chunk_length_schedule values must be in range [50,500]: 20",
        assertThrows(ProtocolException.class, () -> TtsClientMessage.decode(
            "{\"text\":\" \",\"generation_config\":{\"chunk_length_schedule\":[20]}}"))
            .getMessage());
    assertTrue(assertThrows(ProtocolException.class, () -> TtsClientMessage.decode("{nope"))
        .getMessage().startsWith("malformed JSON"));
    assertEquals("expected a JSON object, got array",
        assertThrows(ProtocolException.class, () -> TtsClientMessage.decode("[1]")).getMessage());
    assertEquals("voice_settings: speed must be in range [0.7,1.2]: 2.0",
        assertThrows(ProtocolException.class, () -> TtsClientMessage.decode(
            "{\"text\":\" \",\"voice_settings\":{\"speed\":2}}")).getMessage());
  }

  @Test
  void ttsAudioEncodesAsObservedTrafficAndRoundTrips() throws Exception {
    Alignment a = new Alignment(List.of("H", "i", " "), new int[] {0, 70, 120},
        new int[] {70, 50, 40});
    String json = new TtsServerMessage.Audio(new byte[] {1, 2, 3}, a, a, "c1").encode();
    assertTrue(json.contains("\"isFinal\":null"), json);
    assertTrue(json.contains("\"charDurationsMs\":[70,50,40]"), json);
    assertTrue(json.contains("\"contextId\":\"c1\""), json);
    TtsServerMessage.Audio back = (TtsServerMessage.Audio) TtsServerMessage.decode(json);
    assertArrayEquals(new byte[] {1, 2, 3}, back.audio());
    assertEquals(a, back.alignment());
    assertEquals("c1", back.contextId());
  }

  /**
   * The audio is written by the JSON generator's own base64 into a buffer sized from the
   * message: the field is exactly what {@code Base64.getEncoder()} gives (alphabet, padding, no
   * line breaks) at every length mod 3, including no audio and a message far larger than the
   * size hint's alignment estimate.
   */
  @Test
  void ttsAudioBase64IsTheStandardEncodingAtEveryLength() throws Exception {
    java.util.Random r = new java.util.Random(7);
    Alignment a = new Alignment(List.of("\"", "\\", "é", "\n"), new int[] {0, 1, 2, 3},
        new int[] {1, 1, 1, 1});
    for (int n : new int[] {0, 1, 2, 3, 4, 5, 57, 58, 59, 76, 77, 1000, 44_100, 200_001}) {
      byte[] audio = new byte[n];
      r.nextBytes(audio);
      String json = new TtsServerMessage.Audio(audio, n % 2 == 0 ? a : null, a, null).encode();
      String b64 = java.util.Base64.getEncoder().encodeToString(audio);
      assertTrue(json.startsWith("{\"audio\":\"" + b64 + "\",\"isFinal\":null,"), n + ": "
          + json.substring(0, Math.min(120, json.length())));
      if (n == 0) {
        continue; // a message without audio decodes as another shape, as before
      }
      TtsServerMessage.Audio back = (TtsServerMessage.Audio) TtsServerMessage.decode(json);
      assertArrayEquals(audio, back.audio());
      assertEquals(a, back.normalizedAlignment());
      assertEquals(n % 2 == 0 ? a : null, back.alignment());
    }
  }

  @Test
  void ttsDecodeToleratesVariants() throws Exception {
    assertInstanceOf(TtsServerMessage.Final.class,
        TtsServerMessage.decode("{\"is_final\":true,\"context_id\":\"x\"}"));
    assertEquals("x", TtsServerMessage.decode("{\"is_final\":true,\"context_id\":\"x\"}")
        .contextId());
    TtsServerMessage.Audio au = (TtsServerMessage.Audio) TtsServerMessage.decode(
        "{\"audio\":\"AAE=\",\"alignment\":{\"chars\":[\"a\"],\"charStartTimesMs\":[0],"
            + "\"charsDurationsMs\":[12]},\"normalizedAlignment\":null}");
    assertEquals(12, au.alignment().durationMs(0));
    assertNull(au.normalizedAlignment());
    assertInstanceOf(TtsServerMessage.Other.class, TtsServerMessage.decode(
        "{\"type\":\"flush_done\",\"context_id\":\"ctx_123\",\"flush_done\":true}"));
    TtsServerMessage.Error err = (TtsServerMessage.Error) TtsServerMessage.decode(
        "{\"message\":\"Have not received a new text input\",\"error\":"
            + "\"input_timeout_exceeded\",\"code\":1008}");
    assertEquals("input_timeout_exceeded", err.error());
    assertEquals(1008, err.code());
  }

  @Test
  void sttChunkRoundTripAndErrors() throws Exception {
    String json = "{\"message_type\":\"input_audio_chunk\",\"audio_base_64\":\"AAABAP7/\","
        + "\"commit\":false,\"sample_rate\":16000}";
    SttClientMessage m = SttClientMessage.decode(json);
    assertEquals(6, m.audio().length);
    assertEquals(16000, m.sampleRate());
    assertFalse(m.commit());
    assertEquals(m.audio().length, SttClientMessage.decode(m.encode()).audio().length);
    SttClientMessage c = SttClientMessage.decode(SttClientMessage.commit(16000).encode());
    assertTrue(c.commit());
    assertEquals(0, c.audio().length);
    assertEquals("unknown message_type 'hello' (expected 'input_audio_chunk')",
        assertThrows(ProtocolException.class, () -> SttClientMessage.decode(
            "{\"message_type\":\"hello\"}")).getMessage());
    assertTrue(assertThrows(ProtocolException.class, () -> SttClientMessage.decode(
        "{\"message_type\":\"input_audio_chunk\",\"audio_base_64\":\"!!!\"}")).getMessage()
        .startsWith("field 'audio_base_64' is not valid base64"));
    assertEquals("field 'commit' must be a boolean", assertThrows(ProtocolException.class,
        () -> SttClientMessage.decode("{\"message_type\":\"input_audio_chunk\","
            + "\"audio_base_64\":\"\",\"commit\":\"yes\"}")).getMessage());
  }

  @Test
  void sttServerMessagesAndTolerantErrors() throws Exception {
    SttRequest r = SttRequest.builder().commitStrategy(CommitStrategy.VAD).build();
    String started = new SttServerMessage.SessionStarted("s1", r, true).encode();
    SttServerMessage.Started s = (SttServerMessage.Started) SttServerMessage.decode(started);
    assertEquals("s1", s.sessionId());
    assertEquals(CommitStrategy.VAD, s.commitStrategy());
    assertEquals(16000, Json.mapper().readTree(s.json()).path("config").get("sample_rate").asInt());
    SttServerMessage.Error e = (SttServerMessage.Error) SttServerMessage.decode(
        "{\"message_type\":\"quota_exceeded_error\",\"error\":\"You have exceeded your quota.\"}");
    assertEquals(ErrorCode.QUOTA_EXCEEDED, e.code());
    assertFalse(e.code().retryable());
    assertEquals(ErrorCode.ERROR, ((SttServerMessage.Error) SttServerMessage.decode(
        "{\"message_type\":\"brand_new_error\",\"error\":\"x\"}")).code());
    SttServerMessage.CommittedWithTimestamps w = (SttServerMessage.CommittedWithTimestamps)
        SttServerMessage.decode(new SttServerMessage.CommittedWithTimestamps("Hello world.", "en",
            List.of(new Word("Hello", 0.12, 0.48, "word", -0.01))).encode());
    assertEquals(0.48, w.words().get(0).end());
    assertInstanceOf(SttServerMessage.Other.class,
        SttServerMessage.decode("{\"message_type\":\"final_transcript\",\"text\":\"x\"}"));
  }

  @Test
  void queriesParseValidateAndRoundTrip() throws Exception {
    TtsParams p = TtsParams.parse("v1", Query.parse(
        "model_id=eleven_flash_v2_5&output_format=ulaw_8000&inactivity_timeout=180"
            + "&sync_alignment=true&auto_mode=true&single_use_token=tok"));
    assertEquals(AudioFormat.ULAW_8000, p.request().outputFormat());
    assertEquals(180, p.inactivityTimeoutSecs());
    assertTrue(p.request().autoMode());
    assertEquals("tok", p.singleUseToken());
    TtsParams back = TtsParams.parse("v1", Query.parse(TtsParams.toQuery(p.request(), 180)));
    assertEquals(p.request(), back.request());
    assertEquals("query parameter 'inactivity_timeout' must be in range [1,180]: 500",
        assertThrows(ProtocolException.class, () -> TtsParams.parse("v",
            Query.parse("inactivity_timeout=500"))).getMessage());
    assertTrue(assertThrows(ProtocolException.class, () -> TtsParams.parse("v",
        Query.parse("output_format=wav_1"))).getMessage()
        .startsWith("query parameter 'output_format': unknown audio format 'wav_1'; known:"));

    SttParams sp = SttParams.parse(Query.parse("model_id=scribe_v2_realtime&commit_strategy=vad"
        + "&vad_silence_threshold_secs=0.3&keyterms=alpha&keyterms=beta&token=t"
        + "&include_timestamps=true"));
    assertEquals(List.of("alpha", "beta"), sp.request().keyterms());
    assertEquals(0.3, sp.request().vad().silenceThresholdSecs());
    assertEquals(sp.request(), SttParams.parse(Query.parse(SttParams.toQuery(sp.request())))
        .request());
    assertEquals("query parameter 'vad_threshold' must be in range [0.1,0.9]: 0.95",
        assertThrows(ProtocolException.class, () -> SttParams.parse(Query.parse(
            "model_id=m&vad_threshold=0.95"))).getMessage());
    assertEquals("query parameter 'model_id' is required",
        assertThrows(ProtocolException.class, () -> SttParams.parse(Query.parse("")))
            .getMessage());
    assertEquals(ErrorCode.INVALID_REQUEST, assertThrows(ProtocolException.class,
        () -> SttParams.parse(Query.parse("model_id=m&audio_format=mp3_44100_128"))).code());
  }

  @Test
  void httpBodiesAndTimestampLines() throws Exception {
    HttpTtsBody b = HttpTtsBody.decode("{\"text\":\"Hello\",\"model_id\":\"eleven_flash_v2_5\"}");
    assertEquals("Hello", b.text());
    assertEquals("field 'text' is required",
        assertThrows(ProtocolException.class, () -> HttpTtsBody.decode("{}")).getMessage());
    Alignment a = new Alignment(List.of("H", "i"), new int[] {0, 70}, new int[] {70, 50});
    String line = new TimestampLine(new byte[] {9}, a, null).encode();
    assertTrue(line.contains("\"character_end_times_seconds\":[0.07,0.12]"), line);
    assertEquals(a, TimestampLine.decode(line).alignment());
    HttpError e = HttpError.decode(401,
        "{\"detail\":{\"status\":\"invalid_api_key\",\"message\":\"Invalid API key\"}}");
    assertEquals("invalid_api_key", e.code());
    HttpError v = HttpError.decode(422, "{\"detail\":[{\"loc\":[\"body\",\"text\"],"
        + "\"msg\":\"field required\",\"type\":\"value_error.missing\"}]}");
    assertEquals("field required", v.message());
  }
}
