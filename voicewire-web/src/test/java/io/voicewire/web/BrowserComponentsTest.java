package io.voicewire.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The player and the microphone in real headless Chromium, with no server: streamed PCM plays
 * at the output rate without gaps, underruns or resampling images; interrupt fades out and
 * flushes; a WAV fed as the microphone arrives as 50 ms PCM16 chunks at 16 kHz with what would
 * alias removed; and the shared jitter-buffer vectors pass inside the browser, through the same
 * module the player worklet imports.
 */
@Timeout(180)
class BrowserComponentsTest {
  @Test
  void playerAndMicrophoneInChromium() throws Exception {
    NodeScripts.Run r = NodeScripts.node("src/test/js/browser/components.mjs", List.of(), Map.of(), 150);
    r.assertSucceeded();

    JsonNode p = r.result("player");
    assertEquals(0, p.path("underruns").asInt(), p.toString());
    assertEquals(0, p.path("overruns").asInt(), p.toString());
    assertEquals(0, p.path("gaps").asInt(), "dropouts inside the sound: " + p);
    assertEquals(16000, p.path("streamRate").asInt());
    assertEquals(48000, p.path("outputRate").asInt());
    // 2 s pushed, 2 s played (one render quantum of slack)
    assertEquals(2000.0, p.path("playedMs").asDouble(), 3.0, p.toString());
    assertEquals(0.4, p.path("amp1k").asDouble(), 0.01, p.toString());
    assertTrue(p.path("image15k").asDouble() < 0.4e-3, "resampling image at 15 kHz: " + p);
    assertTrue(p.path("image17k").asDouble() < 0.4e-3, "resampling image at 17 kHz: " + p);

    JsonNode i = r.result("interrupt");
    assertEquals(0.0, i.path("loudAfter").asDouble(), 1e-6, "sound after the interrupt: " + i);
    assertTrue(i.path("rampDown").asBoolean(), "no fade before the stop: " + i);
    assertEquals(0.0, i.path("bufferedMs").asDouble(), 1e-6, "queue not flushed: " + i);

    JsonNode m = r.result("mic");
    assertTrue(m.path("ok").asBoolean(), m.toString());
    assertEquals("[800]", m.path("chunkSizes").toString(), "50 ms at 16 kHz: " + m);
    assertEquals(0.3, m.path("amp1k").asDouble(), 0.03, "the 1 kHz tone at 16 kHz: " + m);
    assertTrue(m.path("alias5k").asDouble() < 0.003, "11 kHz folded to 5 kHz: " + m);

    JsonNode v = r.result("vectors");
    assertTrue(v.path("ran").asInt() > 0, "no jitter vectors ran in the browser: " + v);
    assertEquals("[]", v.path("failures").toString(), "jitter vectors failing in the browser");

    assertEquals("[]", r.result("errors").path("errors").toString());
  }
}
