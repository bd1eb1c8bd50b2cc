package io.voicewire.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicewire.testing.HumanSpeech;
import io.voicewire.engine.local.LocalSpeechProvider;
import io.voicewire.testing.WordErrorRate;
import io.voicewire.server.VoicewireServer;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The browser client (SttSocket) in real headless Chromium against a real voicewire server on
 * the offline engine, through a proxy that resets every WebSocket connection 0.6–1.8 s after its
 * upgrade ({@code resume-e2e.mjs}): at least {@link #SPEECH_MILLIS} ms of recorded human speech
 * (Debian's pocketsphinx-testdata) gives a committed transcript within {@link #MAX_WER_POINTS}
 * WER points of the uncut run, with no commit repeated (the socket resumes its server session by
 * id after each cut), and the socket closes cleanly after the idle tail. The TTS half of the bar
 * (every character voiced once through the same cuts) is {@link BrowserTtsCutsTest}, in the
 * default suite.
 */
@Tag("slow")
// Acceptance test of issue #9 (docs/web.md, "STT through a cutting network"): two runs of 90 s of
// speech, 12-25 minutes at the pace a loaded 2-core machine needs (at pace 1 under load the
// recogniser cannot keep up even uncut), so it runs with -Pacceptance, not in the default suite.
@Tag("acceptance")
@Timeout(1800)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserResumeTest {
  static final double MAX_WER_POINTS = 5.0;
  /** Human speech fed through the cuts (issue #9: at least 60 s). */
  static final long SPEECH_MILLIS = 60_000;
  /**
   * Speed of the audio feed relative to real time, for both runs (system property
   * {@code voicewire.webResume.pace}, default 1): below 1 on a machine too loaded for the
   * recogniser to keep up in real time, where even the uncut run overflows its input queue.
   */
  static final String PACE = System.getProperty("voicewire.webResume.pace", "1");

  private LocalSpeechProvider provider;
  private VoicewireServer server;
  private NodeScripts.Run run;
  private HumanSpeech.Speech speech;

  @BeforeAll
  void runThePage() throws Exception {
    provider = LocalSpeechProvider.create();
    assertTrue(provider.awaitReady(400, TimeUnit.SECONDS), "engine not ready");
    server = VoicewireServer.create(config -> config.provider(provider));
    int port = server.start(0);
    speech = HumanSpeech.atLeast(SPEECH_MILLIS);
    Path dir = NodeScripts.MODULE.resolve("target/web-test");
    Files.createDirectories(dir);
    Path pcm = dir.resolve("human-speech.pcm");
    Files.write(pcm, speech.pcm16k());
    run = NodeScripts.node("src/test/js/browser/resume-e2e.mjs",
        List.of("http://127.0.0.1:" + port, pcm.toString(), "-", PACE), Map.of(), 1500);
    NodeScripts.keep(run, "resume-e2e.out");
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

  static String committed(JsonNode r) {
    StringBuilder sb = new StringBuilder();
    r.path("commits").forEach(c -> sb.append(c.path("text").asText()).append(' '));
    return sb.toString();
  }

  @Test
  void transcriptSurvivesACuttingNetworkInChromium() {
    JsonNode uncut = run.result("stt-uncut");
    JsonNode cut = run.result("stt-cut");
    double werUncut = 100 * WordErrorRate.rate(speech.transcript(), committed(uncut));
    double werCut = 100 * WordErrorRate.rate(speech.transcript(), committed(cut));
    JsonNode m = cut.path("metrics");
    String report = String.format("speech %d ms; WER uncut %.1f %%, cut %.1f %% (%d cuts; resumes %d of "
            + "%d attempts, %d fallbacks, %d bytes replayed, %d forced commits, %d duplicates dropped)%n"
            + " uncut: %s%n cut:   %s%n uncut %s%n cut %s", speech.millis(), werUncut, werCut,
        cut.path("cuts").asInt(), m.path("resumes").asInt(), m.path("resumeAttempts").asInt(),
        m.path("resumeFallbacks").asInt(), m.path("resumeReplayedBytes").asLong(),
        m.path("forcedCommits").asInt(), m.path("duplicatesDropped").asInt(), committed(uncut),
        committed(cut), uncut.path("metrics"),
        cut.path("metrics"));
    System.out.println(report);
    assertEquals("closed", uncut.path("end").path("state").asText(), uncut.toString());
    assertEquals("closed", cut.path("end").path("state").asText(), report + "\n" + cut);
    assertTrue(cut.path("cuts").asInt() >= 30, "too few cuts: " + report);
    // the cuts were bridged by resuming the server session, not by replays into new sessions
    assertTrue(m.path("resumes").asInt() > 0, report);
    assertTrue(werCut <= werUncut + MAX_WER_POINTS, report);
    double end = -1;
    for (JsonNode c : cut.path("commits")) {
      if (c.path("text").asText().isBlank()) {
        continue;
      }
      assertTrue(c.path("startMs").asDouble() >= end - 1, "overlapping commits at " + c + ": "
          + report);
      end = c.path("endMs").asDouble();
    }
    assertEquals("[]", run.result("errors").path("errors").toString(), "browser errors");
  }
}
