package io.voicewire.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicewire.audio.Wav;
import io.voicewire.engine.local.LocalSpeechProvider;
import io.voicewire.server.VoicewireServer;
import io.voicewire.testing.Signals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The demo page the moment its server starts, in real headless Chromium: a fresh server whose
 * offline engine is not warm yet gets its page loaded and Speak clicked at once; the page shows
 * why it waits, throws nothing, logs no error, and plays the text once the engine is warm. A
 * server with API keys gets a clear message (an app token endpoint is needed) and no failed
 * request, and one with keys and demo tokens lists its voices and speaks. The microphone, clicked
 * twice during the warm-up, says it waits and opens exactly one STT session when the engine is
 * warm. The first server warms itself up before it is ready, as {@code voicewire demo} does
 * (its own loopback sessions run while the page waits). Screenshots of the page warming up and
 * ready are written to {@code target/web-test}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(420)
@Tag("slow") // warms the offline engine up while the page runs
class DemoColdStartTest {
  /** An obviously fake key: the test only needs the server to require one. */
  private static final String TEST_KEY = "test-only-key-0000";

  private LocalSpeechProvider provider;
  private VoicewireServer cold;
  private VoicewireServer keyed;
  private VoicewireServer keyedWithDemoTokens;
  private NodeScripts.Run run;

  @BeforeAll
  void startServersAndRunThePage() throws Exception {
    provider = LocalSpeechProvider.create(); // returns at once; warms up in the background
    // as `voicewire demo` runs it: the server warms itself up once the engine is ready
    cold = VoicewireServer.create(c -> c.provider(provider).warmUpBeforeReady(true));
    int port = cold.start(0);
    keyed = VoicewireServer.create(c -> c.provider(provider).apiKeys(List.of(TEST_KEY)));
    int keyedPort = keyed.start(0);
    keyedWithDemoTokens = VoicewireServer.create(c -> c.provider(provider)
        .apiKeys(List.of(TEST_KEY)).demoTokens(true));
    int keyedDemoPort = keyedWithDemoTokens.start(0);
    assertFalse(provider.isReady(), "the engine must still be cold when the page opens");
    Path dir = NodeScripts.MODULE.resolve("target/web-test");
    Files.createDirectories(dir);
    Path micWav = dir.resolve("coldstart-mic.wav");
    Wav.write(micWav, 16000, quietTone(MIC_SECONDS));
    run = NodeScripts.node("src/test/js/browser/demo-coldstart.mjs",
        List.of("http://127.0.0.1:" + port, "http://127.0.0.1:" + keyedPort, dir.toString(),
            "http://127.0.0.1:" + keyedDemoPort, micWav.toString()),
        Map.of(), 360);
    Files.writeString(dir.resolve("demo-coldstart.out"), run.stdout() + "\n--- stderr ---\n"
        + run.stderr());
    run.assertSucceeded();
  }

  /** Length of the fake microphone's recording (it loops). */
  private static final int MIC_SECONDS = 2;

  /** A quiet 440 Hz tone at 16 kHz: the microphone only has to deliver audio. */
  private static byte[] quietTone(int seconds) {
    return Signals.pcm(Signals.sine(440, 0.025, 16_000, seconds * 16_000));
  }

  @AfterAll
  void stop() {
    if (cold != null) {
      cold.close();
    }
    if (keyed != null) {
      keyed.close();
    }
    if (keyedWithDemoTokens != null) {
      keyedWithDemoTokens.close();
    }
    if (provider != null) {
      provider.close();
    }
  }

  @Test
  void speakClickedBeforeTheEngineIsWarmWaitsVisiblyThenPlays() {
    JsonNode cold = run.result("cold");
    JsonNode waiting = cold.path("waiting");
    assertNotEquals("ready", waiting.path("readiness").asText(), "not a cold start: " + cold);
    assertTrue(waiting.path("note").asText().toLowerCase().contains("warming")
        || waiting.path("note").asText().toLowerCase().contains("connecting"),
        "the page says why it waits: " + waiting);
    assertEquals("Waiting for the engine…", waiting.path("speakLabel").asText().replace("▶", "")
        .strip(), waiting.toString());
    assertTrue(waiting.path("speakDisabled").asBoolean(), "no second click while waiting");
    JsonNode played = cold.path("played");
    assertEquals("ready", played.path("readiness").asText(), played.toString());
    assertTrue(played.path("noteHidden").asBoolean(), played.toString());
    assertTrue(played.path("playedMs").asDouble() > 500, "audio played: " + played);
    assertEquals("Spoken as soon as the engine is warm. ", played.path("voiced").asText(),
        "every character voiced once, from the alignment");
    assertEquals("Speak", played.path("speakLabel").asText().replace("▶", "").strip());
  }

  @Test
  void micClickedTwiceBeforeTheEngineIsWarmWaitsVisiblyThenOpensOneSession() {
    JsonNode cold = run.result("cold");
    JsonNode waiting = cold.path("waiting");
    assertEquals("Waiting for the engine…", waiting.path("micLabel").asText().strip(),
        waiting.toString());
    assertEquals("true", waiting.path("micBusy").asText(), waiting.toString());
    JsonNode mic = cold.path("mic");
    assertEquals("Stop microphone", mic.path("label").asText().strip(), mic.toString());
    assertTrue(mic.path("busy").isNull(), "no longer busy: " + mic);
    assertEquals(1, mic.path("sttSockets").asInt(), "two clicks, one STT session: " + mic);
  }

  @Test
  void noPageErrorNorConsoleErrorDuringTheColdStart() {
    assertEquals("[]", run.result("coldErrors").path("errors").toString());
  }

  @Test
  void aServerWithKeysSaysItNeedsAnAppTokenEndpoint() {
    JsonNode k = run.result("keyed");
    assertTrue(k.path("noteVisible").asBoolean(), k.toString());
    String note = k.path("note").asText();
    assertTrue(note.contains("API key") && note.contains("token endpoint"), note);
    assertTrue(k.path("speakDisabled").asBoolean(), k.toString());
    assertTrue(k.path("micDisabled").asBoolean(), k.toString());
    assertFalse(k.path("tts").asBoolean(), "no socket was opened: " + k);
    assertEquals("[]", k.path("failed").toString(), "no failed request (no 404 from /demo/token)");
    assertEquals("[]", run.result("keyedErrors").path("errors").toString());
  }

  @Test
  void aServerWithKeysAndDemoTokensListsItsVoicesAndSpeaks() {
    JsonNode k = run.result("keyedDemo");
    assertTrue(k.path("voices").asInt() > 0, k.toString());
    assertTrue(k.path("tokens").asBoolean(), k.toString());
    assertEquals("Keys and demo tokens. ", k.path("voiced").asText());
    assertEquals("[]", k.path("failed").toString(), "no failed request (no 401 from /v1/voices)");
    assertEquals("[]", run.result("keyedDemoErrors").path("errors").toString());
  }
}
