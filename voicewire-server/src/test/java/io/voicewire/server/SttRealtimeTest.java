package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicewire.audio.AudioFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tier (c): the realtime speech-to-text socket against a real server (PROTOCOL.md §5). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SttRealtimeTest {
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

  static final String PATH = "/v1/speech-to-text/realtime?model_id=scribe_v2_realtime";

  static String chunk(byte[] audio, boolean commit, int rate) {
    return "{\"message_type\":\"input_audio_chunk\",\"audio_base_64\":\""
        + Base64.getEncoder().encodeToString(audio) + "\",\"commit\":" + commit
        + ",\"sample_rate\":" + rate + "}";
  }

  /** Sends {@code pcm} in 20 ms chunks. */
  static void stream(WsClient c, byte[] pcm, int rate) throws Exception {
    int step = rate / 50 * 2;
    for (int off = 0; off < pcm.length; off += step) {
      byte[] part = java.util.Arrays.copyOfRange(pcm, off, Math.min(pcm.length, off + step));
      c.send(chunk(part, false, rate));
    }
  }

  static byte[] alphaBravo(int rate) {
    return Tones.concat(Tones.silence(100, rate), Tones.pcm(440, 300, rate),
        Tones.silence(200, rate), Tones.pcm(660, 300, rate), Tones.silence(200, rate));
  }

  static JsonNode type(WsClient c, String messageType) throws Exception {
    return c.next(m -> messageType.equals(m.path("message_type").asText()));
  }

  @Test
  void sessionStartedComesFirstWithTheConfig() throws Exception {
    WsClient c = f.connect(PATH + "&audio_format=pcm_16000&commit_strategy=vad"
        + "&vad_silence_threshold_secs=0.5&vad_threshold=0.3&min_speech_duration_ms=60"
        + "&min_silence_duration_ms=70&language_code=en&include_timestamps=true"
        + "&keyterms=alpha&keyterms=bravo&enable_logging=false");
    JsonNode s = c.next();
    assertEquals("session_started", s.get("message_type").asText());
    assertFalse(s.get("session_id").asText().isEmpty());
    JsonNode cfg = s.get("config");
    assertEquals(16000, cfg.get("sample_rate").asInt());
    assertEquals("pcm_16000", cfg.get("audio_format").asText());
    assertEquals("vad", cfg.get("commit_strategy").asText());
    assertEquals("vad", cfg.get("vad_commit_strategy").asText());
    assertEquals(0.5, cfg.get("vad_silence_threshold_secs").asDouble());
    assertEquals(0.3, cfg.get("vad_threshold").asDouble());
    assertEquals(60, cfg.get("min_speech_duration_ms").asInt());
    assertEquals(70, cfg.get("min_silence_duration_ms").asInt());
    assertEquals("scribe_v2_realtime", cfg.get("model_id").asText());
    assertFalse(cfg.get("enable_logging").asBoolean());
    assertTrue(cfg.get("include_timestamps").asBoolean());
    assertEquals(2, cfg.get("keyterms").size());
    var r = provider.lastSttRequest;
    assertEquals(List.of("alpha", "bravo"), r.keyterms());
    assertEquals(60, r.vad().minSpeechDurationMs());
    c.close();
  }

  @Test
  void partialsThenCommittedOnManualCommit() throws Exception {
    WsClient c = f.connect(PATH);
    type(c, "session_started");
    stream(c, alphaBravo(16000), 16000);
    JsonNode p = type(c, "partial_transcript");
    assertTrue(p.get("text").asText().startsWith("alpha"), p.toString());
    c.send(chunk(new byte[0], true, 16000));
    JsonNode done = type(c, "committed_transcript");
    assertEquals("alpha bravo", done.get("text").asText());
    // no timestamps message unless asked
    Thread.sleep(300);
    for (String m : c.messages) {
      assertFalse(m.contains("committed_transcript_with_timestamps"), m);
    }
    c.close();
  }

  @Test
  void timestampsComeAfterTheCommittedTranscript() throws Exception {
    WsClient c = f.connect(PATH + "&include_timestamps=true&language_code=en");
    type(c, "session_started");
    stream(c, alphaBravo(16000), 16000);
    c.send(chunk(new byte[0], true, 16000));
    JsonNode committed = type(c, "committed_transcript");
    JsonNode ts = c.next();
    assertEquals("committed_transcript_with_timestamps", ts.get("message_type").asText());
    assertEquals(committed.get("text").asText(), ts.get("text").asText());
    assertEquals("en", ts.get("language_code").asText());
    JsonNode w = ts.get("words");
    assertEquals(2, w.size());
    assertEquals("alpha", w.get(0).get("text").asText());
    assertEquals(0.1, w.get(0).get("start").asDouble(), 0.021);
    assertEquals(0.4, w.get(0).get("end").asDouble(), 0.021);
    assertEquals("word", w.get(0).get("type").asText());
    assertEquals(0.6, w.get(1).get("start").asDouble(), 0.021);
    c.close();
  }

  @Test
  void vadCommitsAfterSilence() throws Exception {
    WsClient c = f.connect(PATH + "&commit_strategy=vad&vad_silence_threshold_secs=0.3");
    type(c, "session_started");
    stream(c, Tones.concat(Tones.pcm(880, 300, 16000), Tones.silence(500, 16000)), 16000);
    assertEquals("charlie", type(c, "committed_transcript").get("text").asText());
    c.close();
  }

  @Test
  void ulawAudioIsAccepted() throws Exception {
    WsClient c = f.connect(PATH + "&audio_format=ulaw_8000");
    type(c, "session_started");
    byte[] ulaw = Tones.encode(Tones.sine(1100, 300, 8000), AudioFormat.ULAW_8000);
    c.send(chunk(ulaw, false, 8000));
    c.send(chunk(new byte[0], true, 8000));
    assertEquals("delta", type(c, "committed_transcript").get("text").asText());
    c.close();
  }

  @Test
  void previousTextOnTheFirstChunkAndEmptyKeepAlivesAreFine() throws Exception {
    WsClient c = f.connect(PATH);
    type(c, "session_started");
    c.send("{\"message_type\":\"input_audio_chunk\",\"audio_base_64\":\"\",\"commit\":false,"
        + "\"sample_rate\":16000,\"previous_text\":\"earlier words\"}");
    c.send(chunk(new byte[0], false, 16000));
    c.send(chunk(new byte[0], false, 16000));
    assertTrue(c.messages.poll(300, TimeUnit.MILLISECONDS) == null);
    assertFalse(c.closed.isDone());
    c.close();
  }

  @Test
  void everyQueryParameterErrorIsInvalidRequest() throws Exception {
    for (String q : List.of("/v1/speech-to-text/realtime",
        PATH + "&audio_format=mp3_44100_128", PATH + "&audio_format=pcm_12345",
        PATH + "&commit_strategy=sometimes", PATH + "&vad_silence_threshold_secs=3.5",
        PATH + "&vad_threshold=0.05", PATH + "&min_speech_duration_ms=49",
        PATH + "&min_silence_duration_ms=2001", PATH + "&include_timestamps=perhaps",
        PATH + "&keyterms=" + "x".repeat(21))) {
      WsClient c = f.connect(q);
      JsonNode err = c.next();
      assertEquals("invalid_request", err.get("message_type").asText(), q);
      assertFalse(err.get("error").asText().isEmpty());
      assertEquals(1008, c.awaitClose().code(), q);
    }
  }

  @Test
  void badChunksAreInputErrors() throws Exception {
    record Case(String message, String expected) {}
    String good = Base64.getEncoder().encodeToString(new byte[320]);
    List<Case> cases = List.of(
        new Case(chunk(new byte[320], false, 44100), "sample_rate 44100 does not match "
            + "audio_format pcm_16000 (16000 Hz)"),
        new Case(chunk(new byte[321], false, 16000), "PCM audio must be whole 16-bit samples: "
            + "got an odd number of bytes (321)"),
        new Case("{\"message_type\":\"input_audio_chunk\",\"audio_base_64\":\"%%%\","
            + "\"commit\":false,\"sample_rate\":16000}", "field 'audio_base_64' is not valid"),
        new Case("{\"message_type\":\"input_audio_chunk\",\"audio_base_64\":\"" + good
            + "\",\"commit\":\"yes\"}", "field 'commit' must be a boolean"),
        new Case("{\"message_type\":\"hello\"}", "unknown message_type 'hello'"),
        new Case("{\"audio_base_64\":\"\"}", "field 'message_type' is required"),
        new Case("{\"message_type\":\"input_audio_chunk\"}", "field 'audio_base_64' is required"),
        new Case("not json", "malformed JSON"));
    for (Case k : cases) {
      WsClient c = f.connect(PATH);
      type(c, "session_started");
      c.send(k.message);
      JsonNode err = type(c, "input_error");
      assertTrue(err.get("error").asText().startsWith(k.expected), err.toString());
      assertEquals(1007, c.awaitClose().code());
    }
  }

  @Test
  void previousTextAfterTheFirstChunkIsAnInputError() throws Exception {
    WsClient c = f.connect(PATH);
    type(c, "session_started");
    c.send(chunk(new byte[320], false, 16000));
    c.send("{\"message_type\":\"input_audio_chunk\",\"audio_base_64\":\"\",\"commit\":false,"
        + "\"sample_rate\":16000,\"previous_text\":\"too late\"}");
    JsonNode err = type(c, "input_error");
    assertEquals("previous_text is allowed only on the first audio chunk",
        err.get("error").asText());
    assertEquals(1007, c.awaitClose().code());
  }

  @Test
  void goodAudioIsCommittedBeforeTheErrorOfABadMessage() throws Exception {
    WsClient c = f.connect(PATH);
    type(c, "session_started");
    stream(c, Tones.concat(Tones.pcm(440, 300, 16000), Tones.silence(100, 16000)), 16000);
    c.send("{\"message_type\":\"input_audio_chunk\",\"audio_base_64\":\"@@\",\"commit\":false}");
    List<String> types = new ArrayList<>();
    String committed = null;
    for (JsonNode m : c.untilClose()) {
      types.add(m.get("message_type").asText());
      if (m.get("message_type").asText().equals("committed_transcript")) {
        committed = m.get("text").asText();
      }
    }
    assertEquals("alpha", committed);
    assertEquals("input_error", types.get(types.size() - 1));
    assertTrue(types.indexOf("committed_transcript") < types.indexOf("input_error"), types
        .toString());
    assertEquals(1007, c.awaitClose().code());
  }

  @Test
  void binaryFramesClose1003() throws Exception {
    WsClient c = f.connect(PATH);
    type(c, "session_started");
    c.sendBinary(new byte[640]);
    assertEquals("input_error", type(c, "input_error").get("message_type").asText());
    assertEquals(1003, c.awaitClose().code());
  }

  @Test
  void oversizeFramesClose1009() throws Exception {
    WsClient c = f.connect(PATH);
    type(c, "session_started");
    boolean sent = true;
    try {
      c.send(chunk(new byte[900 * 1024], false, 16000));
    } catch (java.util.concurrent.ExecutionException e) {
      sent = false;
    }
    int code = c.awaitClose().code();
    if (sent) {
      assertEquals(1009, code);
    } else {
      // Jetty closes (1009) as soon as it has read past the limit and does not drain the rest of
      // the frame; a client still writing it may get a TCP reset first (about 1 in 30 on a busy
      // machine), which the JDK reports as 1006
      assertTrue(code == 1009 || code == 1006, "close " + code);
    }
  }

  @Test
  void chunksLongerThanTheLimitAreChunkSizeExceeded() throws Exception {
    WsClient c = f.connect(PATH);
    type(c, "session_started");
    c.send(chunk(Tones.silence(6000, 16000), false, 16000));
    JsonNode err = type(c, "chunk_size_exceeded");
    assertEquals("Audio chunk of 6000 ms exceeds the limit of 5000 ms", err.get("error").asText());
    assertEquals(1008, c.awaitClose().code());
  }

  @Test
  void commitsArrivingCloserThanTheIntervalWithinTheBurstAreHonoured() throws Exception {
    // network jitter: a client paced its commits, yet two arrive back to back
    WsClient c = f.connect(PATH);
    type(c, "session_started");
    stream(c, Tones.concat(Tones.pcm(440, 200, 16000), Tones.silence(60, 16000)), 16000);
    c.send(chunk(new byte[0], true, 16000));
    stream(c, Tones.concat(Tones.pcm(660, 200, 16000), Tones.silence(60, 16000)), 16000);
    c.send(chunk(new byte[0], true, 16000));
    List<String> seen = new ArrayList<>();
    c.next(m -> {
      seen.add(m.path("message_type").asText() + ":" + m.path("text").asText());
      return m.path("message_type").asText().equals("committed_transcript")
          && m.path("text").asText().equals("bravo");
    });
    assertFalse(seen.stream().anyMatch(t -> t.startsWith("commit_throttled")), seen.toString());
    assertTrue(seen.contains("committed_transcript:alpha"), seen.toString());
    assertTrue(seen.contains("committed_transcript:bravo"), seen.toString());
    c.close();
  }

  @Test
  void aFloodOfCommitsIsThrottledButTheSessionGoesOn() throws Exception {
    WsClient c = f.connect(PATH);
    type(c, "session_started");
    stream(c, Tones.concat(Tones.pcm(440, 200, 16000), Tones.silence(60, 16000)), 16000);
    // commits at one per 100 ms on average with bursts of 3: of 12 sent back to back, the
    // burst passes and the rest is throttled (unless they arrive spread over 900 ms)
    for (int i = 0; i < 12; i++) {
      c.send(chunk(new byte[0], true, 16000));
    }
    JsonNode t = type(c, "commit_throttled");
    assertTrue(t.get("error").asText().contains("at most one per 100 ms on average, in bursts "
        + "of up to 3"), t.toString());
    Thread.sleep(150);
    stream(c, Tones.concat(Tones.pcm(660, 200, 16000), Tones.silence(60, 16000)), 16000);
    c.send(chunk(new byte[0], true, 16000));
    assertEquals("bravo", c.next(m -> m.path("message_type").asText()
        .equals("committed_transcript") && m.get("text").asText().equals("bravo"))
        .get("text").asText());
    assertFalse(c.closed.isDone());
    c.close();
  }

  /**
   * Uplink backpressure: a client that sends faster than the engine decodes is slowed down (the
   * server stops reading its socket while the engine's input queue is full), never failed with
   * {@code queue_overflow}; every byte it sent reaches the engine, and its commit is answered.
   */
  @Test
  void aFastSenderAgainstASlowEngineGetsBackpressureAndLosesNothing() throws Exception {
    ToneSpeechProvider slow = ToneSpeechProvider.builder().sttDelayPerChunkMillis(100)
        .sttMaxQueuedChunks(2).build();
    try (ServerFixture s = ServerFixture.start(slow)) {
      WsClient c = s.connect(PATH + "&commit_strategy=manual");
      type(c, "session_started");
      byte[] pcm = Tones.concat(Tones.silence(100, 16000), Tones.pcm(440, 300, 16000),
          Tones.silence(200, 16000)); // 30 chunks of 20 ms, sent at once
      stream(c, pcm, 16000);
      c.send(chunk(new byte[0], true, 16000));
      assertEquals("alpha", type(c, "committed_transcript").get("text").asText());
      assertEquals(pcm.length, slow.sttBytesReceived.get(), "every byte reached the engine");
      assertTrue(s.server.metrics().contains("voicewire_stt_uplink_held_total"),
          "the uplink was held");
      assertFalse(s.server.metrics().contains("type=\"queue_overflow\""), "no queue_overflow");
      assertFalse(c.closed.isDone());
      assertTrue(c.messages.stream().noneMatch(m -> m.contains("queue_overflow")),
          c.messages.toString());
      c.close();
    } finally {
      slow.close();
    }
  }

  /**
   * What backpressure cannot cover: an engine that takes none of the session's audio for
   * {@code sttUplinkStall} fails the session with {@code queue_overflow} and close 1013.
   */
  @Test
  void anEngineThatTakesNothingForTheStallLimitIsQueueOverflow() throws Exception {
    ToneSpeechProvider stuck = ToneSpeechProvider.builder().sttMaxQueuedChunks(0).build();
    try (ServerFixture s = ServerFixture.start(stuck, c -> c.limits(Limits.DEFAULTS.toBuilder()
        .sttUplinkStall(Duration.ofMillis(500)).build()))) {
      WsClient c = s.connect(PATH);
      type(c, "session_started");
      c.send(chunk(Tones.silence(20, 16000), false, 16000));
      JsonNode e = type(c, "queue_overflow");
      assertTrue(e.get("error").asText().contains("sttUplinkStall"), e.toString());
      assertEquals(1013, c.awaitClose().code());
      assertEquals(0, stuck.sttBytesReceived.get());
    } finally {
      stuck.close();
    }
  }

  @Test
  void engineFailureIsTranscriberError() throws Exception {
    ToneSpeechProvider failing = ToneSpeechProvider.builder().sttFailAfterMillis(100).build();
    try (ServerFixture s = ServerFixture.start(failing)) {
      WsClient c = s.connect(PATH);
      type(c, "session_started");
      try {
        stream(c, Tones.silence(200, 16000), 16000);
      } catch (java.util.concurrent.ExecutionException e) {
        // the server may fail the session before all chunks are sent
      }
      assertFalse(type(c, "transcriber_error").get("error").asText().isEmpty());
      assertEquals(1011, c.awaitClose().code());
    } finally {
      failing.close();
    }
  }

  @Test
  void sessionTimeLimitCommitsThenErrs() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.create();
    try (ServerFixture s = ServerFixture.start(p, c -> c.limits(Limits.DEFAULTS.toBuilder()
        .sessionTimeLimit(Duration.ofMillis(800)).build()))) {
      WsClient c = s.connect(PATH);
      type(c, "session_started");
      stream(c, Tones.pcm(440, 200, 16000), 16000);
      List<String> types = new ArrayList<>();
      for (JsonNode m : c.untilClose()) {
        types.add(m.get("message_type").asText());
      }
      assertTrue(types.contains("committed_transcript"), types.toString());
      assertEquals("session_time_limit_exceeded", types.get(types.size() - 1));
      assertEquals(1008, c.awaitClose().code());
    } finally {
      p.close();
    }
  }

  @Test
  void sessionsBeyondTheLimitAreResourceExhausted() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.create();
    try (ServerFixture s = ServerFixture.start(p, c -> c.limits(Limits.DEFAULTS.toBuilder()
        .maxSessions(1).build()))) {
      WsClient first = s.connect(PATH);
      type(first, "session_started");
      WsClient second = s.connect(PATH);
      JsonNode err = second.next();
      assertEquals("resource_exhausted", err.get("message_type").asText());
      assertEquals(1013, second.awaitClose().code());
      first.close();
      // the slot is free again
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      JsonNode third = null;
      while (System.nanoTime() < deadline) {
        WsClient c = s.connect(PATH);
        third = c.next();
        c.close();
        if (third.get("message_type").asText().equals("session_started")) {
          break;
        }
        Thread.sleep(50);
      }
      assertEquals("session_started", third.get("message_type").asText());
    } finally {
      p.close();
    }
  }
}
