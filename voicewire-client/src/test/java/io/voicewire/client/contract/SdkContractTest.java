package io.voicewire.client.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.audio.AudioFormat;
import io.voicewire.client.MultiContextTts;
import io.voicewire.client.ReconnectPolicy;
import io.voicewire.client.RecordingSttListener;
import io.voicewire.client.RecordingTtsListener;
import io.voicewire.client.SttResumeMode;
import io.voicewire.client.SttStream;
import io.voicewire.client.TokenSupplier;
import io.voicewire.client.TtsStream;
import io.voicewire.client.VoiceClient;
import io.voicewire.protocol.TimestampLine;
import io.voicewire.protocol.TokenType;
import io.voicewire.speech.CommitStrategy;
import io.voicewire.speech.ModelInfo;
import io.voicewire.speech.PronunciationLocator;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.TtsAudio;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.VoiceInfo;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every call of the Java SDK against the strict double: each test fails on any request, parameter
 * or message the official documents do not define.
 */
@Timeout(60)
class SdkContractTest {
  static final String VOICE = DoubleHttp.VOICE_ID;
  ElevenLabsDouble d;
  VoiceClient client;

  /**
   * The double stands for the official API on a loopback address, where a client's default
   * {@link io.voicewire.client.SttResumeMode#AUTO} would ask for the voicewire extension: the
   * clients here are set up as for the official host ({@code OFF}, what {@code AUTO} gives for
   * {@code api.elevenlabs.io}, {@code SttSessionResumeTest}).
   */
  @BeforeAll
  static void officialHost() {
    System.setProperty(SttResumeMode.PROPERTY, "off");
  }

  @AfterAll
  static void anyHost() {
    System.clearProperty(SttResumeMode.PROPERTY);
  }

  @BeforeEach
  void start() throws Exception {
    d = ElevenLabsDouble.start();
    client = VoiceClient.builder().baseUrl(d.baseUrl()).apiKey(ElevenLabsDouble.API_KEY)
        .reconnectPolicy(ReconnectPolicy.NEVER).build();
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    d.close();
    d.assertNoViolations();
  }

  static TtsRequest tts() {
    return TtsRequest.builder(VOICE).outputFormat(AudioFormat.PCM_16000).build();
  }

  @Test
  void catalogComesOnlyFromOfficialFields() throws Exception {
    List<VoiceInfo> voices = client.voices();
    assertEquals(VOICE, voices.get(0).voiceId());
    List<ModelInfo> models = client.models();
    assertTrue(models.stream().allMatch(ModelInfo::canDoTextToSpeech));
    assertFalse(models.stream().anyMatch(ModelInfo::canDoSpeechToText),
        "no official field says a TTS model transcribes");
  }

  @Test
  void tokensOfEveryType() throws Exception {
    for (TokenType t : TokenType.values()) {
      assertTrue(client.mintToken(t).startsWith("sut_"));
    }
  }

  @Test
  void httpStreamingTts() throws Exception {
    try (InputStream in = client.streamSpeech(tts(), "Hello over HTTP.")) {
      assertEquals(16 * DoubleAudio.MS_PER_CHAR * 16 * 2, in.readAllBytes().length);
    }
    StringBuilder chars = new StringBuilder();
    try (Stream<TimestampLine> lines = client.streamSpeechWithTimestamps(tts(), "Timed.")) {
      lines.forEach(l -> chars.append(String.join("", l.alignment().chars())));
    }
    assertEquals("Timed.", chars.toString());
  }

  @Test
  void everyOfficialTtsOptionOfTheSdkIsOnContract() throws Exception {
    TtsRequest full = tts().toBuilder().enableLogging(false).enableSsmlParsing(true)
        .optimizeStreamingLatency(3).previousText("Before.").nextText("After.").seed(7L)
        .languageCode("en").applyTextNormalization("off")
        .pronunciationDictionaryLocators(List.of(new PronunciationLocator("d1", "v9")))
        .build();
    try (InputStream in = client.streamSpeech(full.toBuilder().enableSsmlParsing(null).build(),
        "Options.")) {
      assertTrue(in.readAllBytes().length > 0);
    }
    ElevenLabsDouble.Seen http = d.seen("/v1/text-to-speech/" + VOICE + "/stream").get(0);
    assertEquals(List.of("false"), http.query().get("enable_logging"));
    assertEquals(List.of("3"), http.query().get("optimize_streaming_latency"));
    assertEquals("After.", http.body().path("next_text").asText());
    assertEquals("v9", http.body().path("pronunciation_dictionary_locators").get(0)
        .path("version_id").asText());
    RecordingTtsListener l = new RecordingTtsListener();
    try (TtsStream s = client.newTtsStream(full.toBuilder().optimizeStreamingLatency(null)
        .previousText(null).nextText(null).build(), l)) {
      s.send("Options on the socket.");
      s.end();
      l.await(20);
    }
    l.assertCompleted();
    List<ElevenLabsDouble.Seen> ws = d.seen("/v1/text-to-speech/" + VOICE + "/stream-input");
    assertEquals(List.of("true"), ws.get(0).query().get("enable_ssml_parsing"));
    assertEquals("v9", ws.get(1).body().path("pronunciation_dictionary_locators").get(0)
        .path("version_id").asText());
  }

  @Test
  void streamInput() throws Exception {
    RecordingTtsListener l = new RecordingTtsListener();
    try (TtsStream s = client.newTtsStream(tts(), l)) {
      s.send("Hello from the SDK. ");
      s.send("Second sentence.");
      s.end();
      l.await(20);
    }
    l.assertCompleted();
    StringBuilder chars = new StringBuilder();
    for (TtsAudio a : l.audio) {
      if (a.alignment() != null) {
        chars.append(String.join("", a.alignment().chars()));
      }
    }
    assertEquals("Hello from the SDK. Second sentence.", chars.toString().strip());
  }

  @Test
  void multiStreamInput() throws Exception {
    CountDownLatch closed = new CountDownLatch(2);
    try (MultiContextTts m = client.newMultiContextTts(tts(), new MultiContextTts.Listener() {})) {
      for (String id : List.of("a", "b")) {
        MultiContextTts.Context c = m.openContext(id, new MultiContextTts.ContextListener() {
          @Override
          public void onClosed(boolean complete) {
            closed.countDown();
          }
        }).get(10, TimeUnit.SECONDS);
        c.send("Context " + id + " speaks. ");
        c.flush();
        c.close();
      }
      assertTrue(closed.await(20, TimeUnit.SECONDS));
      m.end();
    }
  }

  /**
   * close_context voices only flushed text (AsyncAPI CloseContext), so a graceful
   * {@code Context.close()} must flush what it holds first: all of it is voiced; a barge-in
   * {@code cancel()} sends close_context alone, and its unflushed text is never synthesised.
   */
  @Test
  void contextCloseVoicesAllItsTextAndCancelWastesNoSynthesis() throws Exception {
    d.reset();
    CountDownLatch closed = new CountDownLatch(1);
    StringBuilder voiced = new StringBuilder();
    try (MultiContextTts m = client.newMultiContextTts(tts(), new MultiContextTts.Listener() {})) {
      MultiContextTts.Context c = m.openContext("graceful", new MultiContextTts.ContextListener() {
        @Override
        public void onAudio(io.voicewire.speech.TtsAudio a) {
          synchronized (voiced) {
            voiced.append(String.join("", a.alignment().chars()));
          }
        }

        @Override
        public void onClosed(boolean complete) {
          closed.countDown();
        }
      }).get(10, TimeUnit.SECONDS);
      c.send("Never flushed by hand, closed gracefully. ");
      c.close();
      assertTrue(closed.await(20, TimeUnit.SECONDS));
      MultiContextTts.Context b = m.openContext("barge", new MultiContextTts.ContextListener() {})
          .get(10, TimeUnit.SECONDS);
      b.send("Interrupted before any flush. ");
      b.cancel();
      ElevenLabsDouble.await(() -> !d.dropped().isEmpty(), 10);
      m.end();
    }
    synchronized (voiced) {
      assertEquals("Never flushed by hand, closed gracefully.", voiced.toString().strip());
    }
    assertEquals(List.of("Interrupted before any flush. "), d.dropped());
    assertTrue(d.synthesised().stream().noneMatch(t -> t.contains("Interrupted")),
        d.synthesised().toString());
  }

  /** The SDK's DialogueStream on both Text-to-Dialogue sockets: official traffic only. */
  @Test
  void textToDialogueOverBothSockets() throws Exception {
    String a = DoubleHttp.VOICE_ID;
    String b = "AZnzlk1XvdvUeBnXmlld";
    for (boolean multi : new boolean[] {false, true}) {
      io.voicewire.client.DialogueStreamTest.Recorder r =
          new io.voicewire.client.DialogueStreamTest.Recorder();
      io.voicewire.client.DialogueStream.Options o = io.voicewire.client.DialogueStream.Options
          .dialogue(AudioFormat.PCM_16000);
      String ctx = multi ? "c1" : null;
      try (io.voicewire.client.DialogueStream d = client.newDialogueStream(multi
          ? o.multiContext() : o, r)) {
        d.open(ctx, List.of(a, b));
        d.say(ctx, List.of(io.voicewire.client.DialogueStream.Line.of(a, "Knock knock. "),
            io.voicewire.client.DialogueStream.Line.of(b, "Who is there? ")), true);
        d.keepAlive(ctx);
        if (multi) {
          d.closeContext(ctx);
        }
        d.end();
        assertTrue(r.done.get(20, TimeUnit.SECONDS));
      }
      assertEquals("Knock knock. |turn|Who is there? |turn||final(" + ctx + ")", r.text());
    }
  }

  @Test
  void scribeRealtimeWithATokenAndTheNewOptions() throws Exception {
    try (VoiceClient tokenClient = VoiceClient.builder().baseUrl(d.baseUrl())
        .tokenSupplier(TokenSupplier.minting(client))
        .reconnectPolicy(ReconnectPolicy.NEVER).build()) {
      SttRequest req = SttRequest.builder().audioFormat(AudioFormat.PCM_16000)
          .commitStrategy(CommitStrategy.MANUAL).includeTimestamps(true)
          .languageCode("en").keyterms(List.of("voicewire")).previousText("Earlier.")
          .noVerbatim(true).entityDetection(List.of("pii")).secondaryLanguages(List.of("de"))
          .filterBackgroundAudio(true).enableLogging(false).includeLanguageDetection(true)
          .transcriptEdit("Capitalise every word.").build();
      List<String> others = new java.util.concurrent.CopyOnWriteArrayList<>();
      java.util.Map<String, String> otherJson = new java.util.concurrent.ConcurrentHashMap<>();
      RecordingSttListener l = new RecordingSttListener() {
        @Override
        public void onServerMessage(String type, String json) {
          others.add(type);
          otherJson.put(type, json);
        }
      };
      try (SttStream s = tokenClient.newSttStream(req, l)) {
        l.awaitStarted(10);
        s.sendAudio(new byte[3200]);
        s.sendAudio(new byte[3200]);
        s.commit();
        ElevenLabsDouble.await(() -> !l.commits.isEmpty()
            && others.contains("edited_transcript"), 10);
        s.end();
      }
      assertEquals(ElevenLabsDouble.TRANSCRIPT, l.commits.get(0).text());
      assertFalse(l.commits.get(0).words().isEmpty());
      assertEquals("en", l.commits.get(0).languageCode());
      // the word's official speaker and timed characters reach the SDK's Word
      io.voicewire.speech.Word w = l.commits.get(0).words().get(0);
      assertEquals("speaker_0", w.speakerId());
      assertEquals(w.text().length(), w.characters().size());
      assertEquals(w.start(), w.characters().get(0).start(), 0.002);
      assertEquals(List.of("final_transcript", "final_transcript_with_timestamps",
          "committed_transcript_entities", "edited_transcript"), others);
      assertTrue(otherJson.get("final_transcript_with_timestamps").contains("\"speaker_id\""),
          otherJson.toString());
      assertTrue(otherJson.get("committed_transcript_entities").contains("person_name"));
      assertEquals(ElevenLabsDouble.TRANSCRIPT.toUpperCase(java.util.Locale.ROOT),
          ElevenLabsDouble.JSON.readTree(otherJson.get("edited_transcript"))
              .path("edited_text").asText());
      var open = d.seen("/v1/speech-to-text/realtime").get(0).query();
      assertEquals(List.of("false"), open.get("enable_logging"));
      assertEquals(List.of("pii"), open.get("entity_detection"));
      assertEquals(List.of("Capitalise every word."), open.get("transcript_edit"));
    }
  }
}
