package io.voicewire.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicewire.engine.local.LocalSpeechProvider;
import io.voicewire.server.VoicewireServer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue #9's "any network" bar for TTS in the browser: {@code TtsSocket} in real headless
 * Chromium against a real voicewire server on the offline engine, through a proxy that resets
 * every WebSocket connection 0.6–1.8 s after its upgrade ({@code resume-e2e.mjs}, the same proxy
 * and seed as {@link BrowserResumeTest}): a long text sent in LLM-style pieces is voiced with
 * every character exactly once (alignment audit) across the cuts, and the page logs no error.
 * The STT half of the bar, 60 s of speech or more, is {@link BrowserResumeTest} (acceptance).
 */
@Tag("slow")
@Timeout(600)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserTtsCutsTest {
  /** Characters sent through the cuts, in 40-character pieces every 150 ms (about 9 s). */
  static final int TEXT_CHARS = 2400;
  /** At least this many connections cut while speaking, else the test proves nothing. */
  static final int MIN_CUTS = 3;
  /**
   * The TTS voice through the cuts, the Java SDK's CuttingNetworkTest's: FreeTTS speaks within a
   * connection's life even on a loaded machine, where MaryTTS's first audio after a cut can take
   * longer than the 0.6–1.8 s a connection lives (TTS has no server session to resume).
   */
  static final String TTS_VOICE = LocalSpeechProvider.VOICE_KEVIN;

  private VoicewireServer server;
  private NodeScripts.Run run;
  private String text;

  @BeforeAll
  void runThePage() throws Exception {
    LocalSpeechProvider provider = SharedTtsEngine.get(); // TTS only, warm, the JVM's
    server = VoicewireServer.create(config -> config.provider(provider));
    int port = server.start(0);
    text = text(TEXT_CHARS, 17);
    run = NodeScripts.node("src/test/js/browser/resume-e2e.mjs", List.of("http://127.0.0.1:"
        + port, "-", text, "1", TTS_VOICE), Map.of(), 400);
    NodeScripts.keep(run, "tts-cuts.out");
    run.assertSucceeded();
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** A text of about {@code chars} characters from a small vocabulary, seeded. */
  static String text(int chars, long seed) {
    Random r = new Random(seed);
    String[] words = {"every", "word", "arrives", "once,", "in", "order,", "even", "when", "the",
        "network", "keeps", "dropping.", "Resume", "joins", "audio", "at", "a", "sample!"};
    StringBuilder sb = new StringBuilder();
    while (sb.length() < chars) {
      sb.append(words[r.nextInt(words.length)]).append(' ');
    }
    return sb.toString();
  }

  @Test
  void everyCharacterVoicedOnceThroughACuttingNetworkInChromium() {
    JsonNode tts = run.result("tts-cut");
    System.out.println("tts through cuts in Chromium: " + tts.path("cuts").asInt() + " cuts; "
        + tts.path("metrics"));
    assertEquals("closed", tts.path("end").path("state").asText(), tts.toString());
    assertTrue(tts.path("cuts").asInt() >= MIN_CUTS, "too few cuts: " + tts);
    assertEquals(text.replaceAll("\\s+", " ").trim(),
        tts.path("voiced").asText().replaceAll("\\s+", " ").trim(), "alignment audit: " + tts);
    assertEquals("[]", run.result("errors").path("errors").toString(), "browser errors");
  }
}
