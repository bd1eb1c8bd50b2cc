package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicewire.engine.local.LocalSpeechProvider;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End to end with the real offline engine (MaryTTS + Sphinx4) behind the server: one shared
 * provider for the class; slow (the engine takes seconds to load, recognition is near real time).
 */
@Tag("slow")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LocalEngineEndToEndTest {
  static LocalSpeechProvider provider;
  static ServerFixture f;
  static final String VOICE = LocalSpeechProvider.VOICE_SLT;
  static final String SENTENCE = "Go forward ten meters. Then turn left and stop.";

  @BeforeAll
  static void start() throws Exception {
    provider = LocalSpeechProvider.create();
    assertTrue(provider.awaitReady(240, TimeUnit.SECONDS), "the local engine did not load");
    f = ServerFixture.start(provider);
  }

  @AfterAll
  static void stop() {
    if (f != null) {
      f.close();
    }
    if (provider != null) {
      provider.close();
    }
  }

  static byte[] synthesize(String text, String format) throws Exception {
    HttpResponse<byte[]> r = f.postBytes("/v1/text-to-speech/" + VOICE + "?output_format="
        + format, ("{\"text\":\"" + text + "\"}").getBytes());
    assertEquals(200, r.statusCode(), new String(r.body()));
    return r.body();
  }

  static Set<String> words(String s) {
    return new HashSet<>(Arrays.asList(s.toLowerCase(Locale.ROOT).replaceAll("[^a-z ]", " ")
        .trim().split("\\s+")));
  }

  /**
   * A long text to a client that reads at 8 times real time, with the socket's queue bounded
   * at 1 MiB: the engine, far faster, goes at the client's pace ({@code
   * TtsListener.backlogMillis}) and the client gets every character. Before, the engine voiced
   * the whole text at once and the socket failed with {@code queue_overflow} (maxQueuedBytes)
   * although its client was reading.
   */
  @Test
  void aLongTextReachesAClientThatReadsMoreSlowlyThanTheEngineSpeaks() throws Exception {
    try (ServerFixture small = ServerFixture.start(provider, c -> c.limits(Limits.DEFAULTS
        .toBuilder().maxQueuedBytes(1 << 20).build()))) {
      String text = longText();
      WsClient c = WsClient.connect(small.ws("/v1/text-to-speech/" + VOICE
          + "/stream-input?output_format=pcm_16000&sync_alignment=true"), java.util.Map.of(),
          false);
      c.send("{\"text\":\" \"}");
      c.send("{\"text\":\"" + text + "\",\"flush\":true}");
      c.send("{\"text\":\"\"}");
      assertEquals(text, readAtEightTimesRealTime(c, "isFinal"));
      assertFalse(small.server.metrics().contains("queue_overflow"));
    }
  }

  /** The same on the Text-to-Dialogue socket: a long turn reaches a slow client whole. */
  @Test
  void aLongDialogueTurnReachesAClientThatReadsMoreSlowlyThanTheEngineSpeaks() throws Exception {
    try (ServerFixture small = ServerFixture.start(provider, c -> c.limits(Limits.DEFAULTS
        .toBuilder().maxQueuedBytes(1 << 20).build()))) {
      String text = longText();
      WsClient c = WsClient.connect(small.ws("/v1/text-to-dialogue/stream-input?model_id="
          + "eleven_v3&output_format=pcm_16000&sync_alignment=true"), java.util.Map.of(), false);
      c.send("{\"voices\":[\"" + VOICE + "\"]}");
      c.send("{\"inputs\":[{\"text\":\"" + text + "\",\"voice_id\":\"" + VOICE
          + "\"}],\"flush\":true}");
      c.send("{\"close_socket\":true}");
      assertEquals(text, readAtEightTimesRealTime(c, "is_final"));
      assertFalse(small.server.metrics().contains("queue_overflow"));
    }
  }

  /** Twelve sentences: about 30 s of speech, 1.9 MB of messages in pcm_16000. */
  private static String longText() {
    StringBuilder t = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      t.append("This is sentence number ").append(i + 1).append(", read at an even pace. ");
    }
    return t.toString();
  }

  /**
   * Reads {@code c}'s pcm_16000 audio messages at 8 times real time until the message whose
   * {@code finalField} is true; returns the characters their alignment voiced.
   */
  private static String readAtEightTimesRealTime(WsClient c, String finalField)
      throws Exception {
    StringBuilder voiced = new StringBuilder();
    long audioMillis = 0;
    while (true) {
      c.read(1);
      JsonNode m = c.next();
      assertFalse(m.has("error"), m.toString());
      if (m.hasNonNull("audio")) {
        int ms = Base64.getDecoder().decode(m.get("audio").asText()).length / 32;
        audioMillis += ms;
        for (JsonNode ch : m.path("alignment").path("chars")) {
          voiced.append(ch.asText());
        }
        Thread.sleep(ms / 8);
      }
      if (m.path(finalField).asBoolean()) {
        break;
      }
    }
    assertTrue(audioMillis > 20_000, "long enough to need pacing: " + audioMillis + " ms");
    return voiced.toString();
  }

  @Test
  void streamInputSpeaksTheTextWithAlignment() throws Exception {
    WsClient c = f.connect("/v1/text-to-speech/" + VOICE
        + "/stream-input?output_format=pcm_16000&sync_alignment=true");
    c.send("{\"text\":\" \"}");
    c.send("{\"text\":\"Hello world. \"}");
    c.send("{\"text\":\"This is the offline engine speaking. \",\"flush\":true}");
    c.send("{\"text\":\"\"}");
    StringBuilder voiced = new StringBuilder();
    long bytes = 0;
    while (true) {
      JsonNode m = c.next();
      if (m.path("isFinal").asBoolean(false)) {
        break;
      }
      assertTrue(m.has("audio"), m.toString());
      bytes += Base64.getDecoder().decode(m.get("audio").asText()).length;
      for (JsonNode ch : m.get("alignment").get("chars")) {
        voiced.append(ch.asText());
      }
    }
    assertEquals(1000, c.awaitClose().code());
    assertTrue(bytes > 32_000, "more than a second of audio: " + bytes);
    assertEquals(words("Hello world. This is the offline engine speaking."),
        words(voiced.toString()));
  }

  @Test
  void multiStreamContextsEachEndWithOneIsFinal() throws Exception {
    WsClient c = f.connect("/v1/text-to-speech/" + VOICE + "/multi-stream-input"
        + "?output_format=ulaw_8000");
    c.send("{\"text\":\"First context. \",\"context_id\":\"a\",\"flush\":true}");
    c.send("{\"text\":\"Second context. \",\"context_id\":\"b\",\"flush\":true}");
    c.send("{\"context_id\":\"a\",\"close_context\":true}");
    c.send("{\"context_id\":\"b\",\"close_context\":true}");
    List<String> finals = new ArrayList<>();
    Set<String> audioFrom = new HashSet<>();
    while (finals.size() < 2) {
      JsonNode m = c.next();
      String ctx = m.path("contextId").asText();
      if (m.path("isFinal").asBoolean(false)) {
        finals.add(ctx);
      } else {
        assertTrue(m.has("audio"), m.toString());
        assertFalse(finals.contains(ctx), "audio after isFinal of " + ctx);
        audioFrom.add(ctx);
      }
    }
    assertEquals(Set.of("a", "b"), new HashSet<>(finals));
    assertEquals(Set.of("a", "b"), audioFrom);
    c.send("{\"close_socket\":true}");
    assertEquals(1000, c.awaitClose().code());
  }

  /**
   * close_context with the real engine: the flushed sentence is voiced; text sent after the flush
   * (a short tail kept by the schedule, and a long one the schedule released) never is, and the
   * context ends with its isFinal.
   */
  @Test
  void closeContextVoicesOnlyTheFlushedText() throws Exception {
    WsClient c = f.connect("/v1/text-to-speech/" + VOICE + "/multi-stream-input"
        + "?output_format=pcm_16000&sync_alignment=true");
    c.send("{\"text\":\"Flushed first. \",\"context_id\":\"a\",\"flush\":true}");
    String released = "Zebra yonder. ".repeat(12); // past the schedule's 120 characters
    c.send("{\"text\":\"" + released + "\",\"context_id\":\"a\"}");
    c.send("{\"text\":\"Unflushed tail. \",\"context_id\":\"a\"}");
    c.send("{\"context_id\":\"a\",\"close_context\":true}");
    StringBuilder voiced = new StringBuilder();
    while (true) {
      JsonNode m = c.next();
      if (m.path("isFinal").asBoolean(false)) {
        assertEquals("a", m.path("contextId").asText());
        break;
      }
      assertTrue(m.has("audio"), m.toString());
      for (JsonNode ch : m.get("alignment").get("chars")) {
        voiced.append(ch.asText());
      }
    }
    String v = voiced.toString();
    assertTrue(v.contains("Flushed first."), v);
    assertFalse(v.contains("Unflushed"), v);
    assertFalse(v.contains("Zebra yonder. Zebra"), "schedule-released text after the flush: " + v);
    c.send("{\"close_socket\":true}");
    assertEquals(1000, c.awaitClose().code());
  }

  /** Text-to-Dialogue with the engine's two voices taking the turns (both sockets). */
  @Test
  void aDialogueOfTheEnginesTwoVoices() throws Exception {
    String kevin = LocalSpeechProvider.VOICE_KEVIN;
    for (String socket : List.of("stream-input", "multi-stream-input")) {
      String ctx = socket.startsWith("multi") ? "\"context_id\":\"d\"," : "";
      WsClient c = f.connect("/v1/text-to-dialogue/" + socket
          + "?model_id=eleven_v3&output_format=pcm_16000&sync_alignment=true");
      c.send("{" + ctx + "\"voices\":[\"" + VOICE + "\",\"" + kevin + "\"]}");
      c.send("{" + ctx + "\"inputs\":[{\"text\":\"Knock knock. \",\"voice_id\":\"" + VOICE
          + "\"},{\"text\":\"Who is there? \",\"voice_id\":\"" + kevin + "\"}]}");
      c.send("{\"close_socket\":true}");
      List<String> turns = new ArrayList<>();
      StringBuilder turn = new StringBuilder();
      long bytes = 0;
      int finals = 0;
      for (JsonNode m : c.untilClose()) {
        if (m.has("audio")) {
          assertEquals(0, finals, "audio after is_final: " + m);
          bytes += Base64.getDecoder().decode(m.get("audio").asText()).length;
          m.path("alignment").path("chars").forEach(ch -> turn.append(ch.asText()));
        } else if (m.path("is_final_audio_for_turn").asBoolean(false)) {
          turns.add(turn.toString());
          turn.setLength(0);
        } else if (m.path("is_final").asBoolean(false)) {
          finals++;
        }
      }
      assertEquals(1000, c.awaitClose().code());
      assertEquals(List.of("Knock knock. ", "Who is there? "), turns, socket);
      assertEquals(1, finals, socket);
      assertTrue(bytes > 32_000, "more than a second of two voices: " + bytes);
    }
  }

  @Test
  void realtimeSpeechToTextTranscribesSynthesizedSpeech() throws Exception {
    byte[] pcm = Tones.concat(Tones.silence(500, 16000), synthesize(SENTENCE, "pcm_16000"),
        Tones.silence(500, 16000));
    WsClient c = f.connect("/v1/speech-to-text/realtime?model_id=scribe_v2_realtime"
        + "&audio_format=pcm_16000&include_timestamps=true");
    assertEquals("session_started", c.next().get("message_type").asText());
    int step = 3200; // 100 ms
    for (int off = 0; off < pcm.length; off += step) {
      c.send(SttRealtimeTest.chunk(Arrays.copyOfRange(pcm, off, Math.min(pcm.length, off + step)),
          false, 16000));
    }
    c.send(SttRealtimeTest.chunk(new byte[0], true, 16000));
    JsonNode committed = c.next(m -> m.path("message_type").asText()
        .equals("committed_transcript"));
    JsonNode ts = c.next();
    assertEquals("committed_transcript_with_timestamps", ts.get("message_type").asText());
    Set<String> heard = words(committed.get("text").asText());
    Set<String> said = words(SENTENCE);
    Set<String> common = new HashSet<>(heard);
    common.retainAll(said);
    assertTrue(common.size() * 2 >= said.size(), "heard '" + committed.get("text").asText()
        + "' for '" + SENTENCE + "'");
    assertTrue(ts.get("words").size() > 0);
    c.close();
  }

  @Test
  void batchSpeechToTextOfAWavFile() throws Exception {
    byte[] pcm = Tones.concat(Tones.silence(300, 16000), synthesize(SENTENCE, "pcm_16000"),
        Tones.silence(300, 16000));
    HttpResponse<String> r = BatchSttTest.upload(f, "", BatchSttTest.multipart(
        BatchSttTest.wav(pcm, 16000, 1, 16), "speech.wav", "model_id", "scribe_v1"));
    assertEquals(200, r.statusCode(), r.body());
    JsonNode o = ServerFixture.json(r.body());
    Set<String> common = words(o.get("text").asText());
    common.retainAll(words(SENTENCE));
    assertTrue(common.size() * 2 >= words(SENTENCE).size(), o.toString());
    assertTrue(o.get("audio_duration_secs").asDouble() > 2);
  }

  /**
   * MP3, Ogg Opus and FLAC uploads, made by an outside encoder (Debian's ffmpeg) at the rates
   * and channel counts people send, are transcribed like the WAV they came from; containers the
   * server cannot decode are refused naming what they are. Before, everything but WAV and raw
   * PCM got "Unsupported file", MP3 included (the official API takes it); FLAC was refused until
   * 2026-12-06.
   */
  @Test
  void batchSpeechToTextOfMp3AndOggOpusFilesFromAnotherEncoder() throws Exception {
    byte[] pcm = Tones.concat(Tones.silence(300, 16000), synthesize(SENTENCE, "pcm_16000"),
        Tones.silence(300, 16000));
    byte[] wav = BatchSttTest.wav(pcm, 16000, 1, 16);
    double seconds = pcm.length / 32000.0;
    java.util.Map<String, byte[]> files = new java.util.LinkedHashMap<>();
    files.put("mp3 44.1 kHz stereo, ID3 tag", io.voicewire.testing.Ffmpeg.encode(wav, "mp3",
        "-ar", "44100", "-ac", "2", "-b:a", "128k", "-metadata", "title=voicewire"));
    files.put("mp3 16 kHz (MPEG-2)", io.voicewire.testing.Ffmpeg.encode(wav, "mp3", "-ar",
        "16000", "-b:a", "32k"));
    files.put("mp3 22.05 kHz mono", io.voicewire.testing.Ffmpeg.encode(wav, "mp3", "-ar",
        "22050", "-b:a", "48k"));
    files.put("ogg opus stereo", io.voicewire.testing.Ffmpeg.encode(wav, "ogg", "-c:a",
        "libopus", "-ac", "2", "-b:a", "48k"));
    files.put("flac 44.1 kHz stereo", io.voicewire.testing.Ffmpeg.encode(wav, "flac", "-ar",
        "44100", "-ac", "2"));
    files.put("flac 22.05 kHz", io.voicewire.testing.Ffmpeg.encode(wav, "flac", "-ar", "22050"));
    HttpResponse<String> fromWav = BatchSttTest.upload(f, "", BatchSttTest.multipart(wav,
        "speech.wav", "model_id", "scribe_v1"));
    double firstWord = ServerFixture.json(fromWav.body()).get("words").get(0).get("start")
        .asDouble();
    for (var e : files.entrySet()) {
      HttpResponse<String> r = BatchSttTest.upload(f, "", BatchSttTest.multipart(e.getValue(),
          "speech.bin", "model_id", "scribe_v1"));
      assertEquals(200, r.statusCode(), e.getKey() + ": " + r.body());
      JsonNode o = ServerFixture.json(r.body());
      Set<String> common = words(o.get("text").asText());
      common.retainAll(words(SENTENCE));
      assertTrue(common.size() * 2 >= words(SENTENCE).size(), e.getKey() + ": " + o);
      double d = o.get("audio_duration_secs").asDouble();
      assertTrue(Math.abs(d - seconds) < 0.2, e.getKey() + ": " + d + " s for " + seconds);
      // the words where they are in the file: an MP3's encoder delay is not part of the audio
      // (measured: MP3 0.30 s against the WAV's 0.32; 0.35-0.37 s when the delay was kept)
      double start = o.get("words").get(0).get("start").asDouble();
      assertEquals(firstWord, start, 0.025, e.getKey() + ": the first word's start, s");
    }
    for (String[] refused : new String[][] {
        {"ogg", "Ogg Vorbis files are not supported"}, {"m4a", "MP4/M4A files are not supported"},
        {"mp3", "MP3 at 8000 Hz is not supported"}}) {
      byte[] file = switch (refused[0]) {
        case "ogg" -> io.voicewire.testing.Ffmpeg.encode(wav, "ogg", "-c:a", "libvorbis");
        case "mp3" -> io.voicewire.testing.Ffmpeg.encode(wav, "mp3", "-ar", "8000");
        default -> io.voicewire.testing.Ffmpeg.encode(wav, refused[0]);
      };
      HttpResponse<String> r = BatchSttTest.upload(f, "", BatchSttTest.multipart(file,
          "speech." + refused[0], "model_id", "scribe_v1"));
      assertEquals(422, r.statusCode(), r.body());
      assertTrue(r.body().contains(refused[1] + " by this server: send WAV"), r.body());
    }
  }

  @Test
  void theEngineAutoCommitsAfterNinetySecondsOfAudio() throws Exception {
    // speech, then silence (cheap to decode) until past 90 s of audio, never a commit
    byte[] speech = Tones.concat(Tones.silence(300, 16000), synthesize(SENTENCE, "pcm_16000"));
    byte[] quiet = Tones.silence(500, 16000);
    WsClient c = f.connect("/v1/speech-to-text/realtime?model_id=scribe_v2_realtime");
    assertEquals("session_started", c.next().get("message_type").asText());
    long sentMs = 0;
    int step = 16000; // 500 ms per chunk
    for (int off = 0; off < speech.length; off += step) {
      byte[] part = Arrays.copyOfRange(speech, off, Math.min(speech.length, off + step));
      c.send(SttRealtimeTest.chunk(part, false, 16000));
      sentMs += part.length / 32;
    }
    while (sentMs < LocalSpeechProvider.AUTO_COMMIT_MILLIS + 5_000) {
      c.send(SttRealtimeTest.chunk(quiet, false, 16000));
      sentMs += 500;
    }
    // no commit was sent: the committed transcript is the engine's 90 s auto-commit
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    JsonNode committed = null;
    while (committed == null && System.nanoTime() < deadline) {
      String m = c.messages.poll(1, TimeUnit.SECONDS);
      if (m != null && m.contains("\"committed_transcript\"")) {
        committed = ServerFixture.json(m);
      }
    }
    assertTrue(committed != null, "no auto-commit after " + sentMs + " ms of audio");
    assertFalse(committed.get("text").asText().isBlank());
    c.close();
  }
}
