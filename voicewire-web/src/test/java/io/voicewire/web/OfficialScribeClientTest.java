package io.voicewire.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicewire.audio.Wav;
import io.voicewire.engine.local.LocalSpeechProvider;
import io.voicewire.server.VoicewireServer;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * ElevenLabs' own browser client for realtime speech to text ({@code Scribe} from the official
 * npm package {@code @elevenlabs/client}, pinned in {@code package.json}, its published browser
 * bundle) in real headless Chromium against a voicewire server on the offline engine, with only
 * its {@code baseUri} changed and single-use tokens minted by the backend with an API key, as
 * the official guide does ({@code official-scribe.mjs}):
 * <ul>
 *   <li>its own microphone pipeline (getUserMedia and its AudioWorklet, resampling Chromium's
 *       fake microphone to 16 kHz) with VAD commits: partials, then one committed transcript per
 *       utterance with the words said, each with its timestamped twin;
 *   <li>manual mode: PCM chunks through {@code send()} (the first with {@code previousText}) and
 *       {@code commit()}, which the client sends as an empty chunk;
 *   <li>every connection option the client has, at once: accepted and echoed;
 *   <li>a token used twice: the client's {@code AUTH_ERROR} event, close 1008.
 * </ul>
 * No event of the client reports an error in the first three, and the browser logs none.
 */
@Tag("slow") // loads the offline engine with its recogniser
@Timeout(420)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OfficialScribeClientTest {
  static final String KEY = "official-client-test-key";
  static final String SPOKEN = "good morning everyone";
  static final String SPOKEN_2 = "the weather today will be sunny";

  private LocalSpeechProvider provider;
  private VoicewireServer server;
  private NodeScripts.Run run;

  @BeforeAll
  void runThePage() throws Exception {
    provider = LocalSpeechProvider.create();
    assertTrue(provider.awaitReady(300, TimeUnit.SECONDS), "the offline engine is not ready");
    server = VoicewireServer.create(c -> c.provider(provider).apiKeys(List.of(KEY)));
    String base = "http://127.0.0.1:" + server.start(0);
    Path dir = NodeScripts.MODULE.resolve("target/web-test");
    Files.createDirectories(dir);
    ByteArrayOutputStream mic = new ByteArrayOutputStream();
    mic.writeBytes(DemoPageTest.speech(base, KEY, SPOKEN));
    mic.writeBytes(new byte[DemoPageTest.PAUSE_MILLIS * 32]);
    mic.writeBytes(DemoPageTest.speech(base, KEY, SPOKEN_2));
    Path wav = dir.resolve("official-scribe-mic.wav");
    Wav.write(wav, 16000, mic.toByteArray());
    Path pcm = dir.resolve("official-scribe-manual.pcm");
    Files.write(pcm, DemoPageTest.speech(base, KEY, SPOKEN_2));
    run = NodeScripts.node("src/test/js/browser/official-scribe.mjs",
        List.of(base, wav.toString(), KEY, pcm.toString()), Map.of(), 200);
    NodeScripts.keep(run, "official-scribe.out");
    run.assertSucceeded();
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
    if (provider != null) {
      provider.close();
    }
  }

  @Test
  void itsMicrophonePipelineGetsPartialsThenOneCommittedTranscriptPerUtterance() {
    assertEquals("function", run.result("lib").path("global").asText());
    JsonNode mic = run.result("mic");
    assertEquals("[]", mic.path("errors").toString(), "error events: " + mic);
    assertEquals(1, mic.path("events").size(), "one session_started: " + mic);
    assertTrue(mic.path("partials").size() > 0, "no partial transcript: " + mic);
    List<String> committed = new ArrayList<>();
    mic.path("committed").forEach(c -> {
      if (!c.path("text").asText().isBlank()) {
        committed.add(c.path("text").asText());
      }
    });
    assertEquals(2, committed.size(), "one commit per utterance: " + mic);
    assertMostWords(SPOKEN, committed.get(0));
    assertMostWords(SPOKEN_2, committed.get(1));
    assertTrue(mic.path("partials").get(0).path("ms").asLong()
        < mic.path("committed").get(0).path("ms").asLong(), "a partial first: " + mic);
    // include_timestamps: each committed transcript has its timestamped twin, words in order
    List<String> timed = new ArrayList<>();
    for (JsonNode t : mic.path("timestamps")) {
      double last = -1;
      for (JsonNode w : t.path("words")) {
        assertTrue(w.path("start").asDouble() >= last && w.path("end").asDouble()
            >= w.path("start").asDouble(), "word times in order: " + t);
        last = w.path("start").asDouble();
      }
      if (!t.path("text").asText().isBlank()) {
        timed.add(t.path("text").asText());
      }
    }
    assertEquals(committed, timed, "the timestamped twins: " + mic);
  }

  @Test
  void manualModeChunksAndCommitGiveOneCommittedTranscript() {
    JsonNode manual = run.result("manual");
    assertEquals("[]", manual.path("errors").toString(), "error events: " + manual);
    assertEquals(1, manual.path("committed").size(), manual.toString());
    assertMostWords(SPOKEN_2, manual.path("committed").get(0).path("text").asText());
    assertEquals("[]", run.result("errors").path("errors").toString(), "browser errors");
  }

  @Test
  void everyConnectionOptionOfTheClientIsAcceptedAndEchoed() {
    JsonNode every = run.result("every");
    assertEquals("[]", every.path("errors").toString(), "error events: " + every);
    JsonNode config = every.path("events").get(0).path("d").path("config");
    assertEquals("manual", config.path("commit_strategy").asText(), every.toString());
    assertEquals("en", config.path("language_code").asText(), config.toString());
    assertEquals("[\"sunny\",\"weather\"]", config.path("keyterms").toString(), config.toString());
    assertTrue(config.path("no_verbatim").asBoolean(), config.toString());
    assertTrue(config.path("include_timestamps").asBoolean(), config.toString());
    assertTrue(config.path("include_language_detection").asBoolean(), config.toString());
    assertEquals(0.5, config.path("vad_threshold").asDouble(), config.toString());
    assertEquals(1, every.path("committed").size(), every.toString());
    assertEquals(1, every.path("timestamps").size(), every.toString());
  }

  @Test
  void aTokenUsedTwiceIsAnAuthErrorForTheClient() {
    JsonNode reused = run.result("reused");
    assertEquals(1, reused.path("authErrors").size(), reused.toString());
    assertTrue(reused.path("authErrors").get(0).path("error").asText().length() > 0,
        reused.toString());
    assertEquals(1008, reused.path("close").path("code").asInt(), reused.toString());
    assertEquals(0, reused.path("committed").size(), reused.toString());
  }

  /** At least 80 % of the words said are heard (the offline recogniser's word errors). */
  private static void assertMostWords(String said, String heard) {
    List<String> h = new ArrayList<>(DemoPageTest.words(heard));
    int right = 0;
    for (String w : DemoPageTest.words(said)) {
      if (h.remove(w)) {
        right++;
      }
    }
    assertTrue(right * 5 >= DemoPageTest.words(said).size() * 4,
        "heard '" + heard + "' for '" + said + "'");
  }
}
