package io.voicewire.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicewire.audio.AudioEncoder;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The browser plays MP3 and Opus ({@code compressed-formats.mjs}): in real headless Chromium
 * against a real voicewire server on the offline engine, TtsSocket decodes {@code mp3_44100_128}
 * and {@code opus_48000_64} with WebCodecs message by message and the real Player plays them.
 * The player's counters prove it: played duration as the PCM path's (MP3: plus its ~25 ms
 * encoder delay and frame padding), no underrun (the page pre-rolls the whole sentence, so the
 * engine's pace cannot cause one: an underrun would be a gap in the decoded audio), every
 * character voiced, and the same level. Without WebCodecs the page would ask for the PCM of the same rate.
 */
@Tag("slow") // loads the offline engine (MaryTTS)
@Timeout(600)
class BrowserFormatsTest {
  static final String TEXT = "Turn left at the red door, then walk to the end of the hall.";

  @Test
  void mp3AndOpusPlayLikeThePcmPath() throws Exception {
    NodeScripts.Run r = NodeScripts.againstOfflineServer(config -> { },
        "src/test/js/browser/compressed-formats.mjs", List.of(TEXT, "pcm_44100", "mp3_44100_128",
            "pcm_48000", "opus_48000_64"), 280, "compressed-formats.out");
    r.assertSucceeded();

    assertPlaysLike(r.result("mp3_44100_128"), r.result("pcm_44100"), 44_100,
        (AudioEncoder.MP3_DECODER_DELAY_SAMPLES + 2 * 1152) * 1000.0 / 44_100);
    assertPlaysLike(r.result("opus_48000_64"), r.result("pcm_48000"), 48_000, 0);
    JsonNode fb = r.result("fallback");
    assertTrue(fb.path("native").path("mp3").asBoolean() && fb.path("native").path("opus")
        .asBoolean(), "Chromium decodes both with WebCodecs: " + fb);
    assertEquals("pcm_44100", fb.path("mp3").asText(), fb.toString());
    assertEquals("pcm_48000", fb.path("opus").asText(), fb.toString());
    assertEquals("pcm_22050", fb.path("mp3_22050").asText(), fb.toString());
    assertEquals("pcm_16000", fb.path("pcm").asText(), fb.toString());
    assertEquals("[]", r.result("errors").path("errors").toString());
  }

  /** {@code extraMs}: what the codec may add at most (MP3's delay and padding). */
  private static void assertPlaysLike(JsonNode coded, JsonNode pcm, int rate, double extraMs) {
    String what = coded.path("chosen").asText();
    assertEquals(rate, coded.path("rate").asInt(), "decoded at the codec's rate: " + coded);
    assertEquals("[]", coded.path("errors").toString(), coded.toString());
    assertEquals(0, coded.path("decoder").path("errors").asInt(), coded.toString());
    assertTrue(coded.path("chunks").asInt() >= 2, "played as it arrived: " + coded);
    assertEquals(pcm.path("voiced").asText(), coded.path("voiced").asText(), "every character");
    double want = pcm.path("pushedMs").asDouble();
    double got = coded.path("pushedMs").asDouble();
    assertTrue(got >= want - 1 && got <= want + extraMs + 1,
        what + ": decoded " + got + " ms, PCM path " + want + " ms");
    // the player's counters: everything decoded was played, with no gap after start-up
    JsonNode p = coded.path("player");
    assertEquals(got, p.path("playedMs").asDouble(), 2.0, what + ": played, " + p);
    // the page pre-rolls more than the sentence: any underrun is a gap in the decoded audio
    assertEquals(0, p.path("underruns").asInt(), what + ": gaps, " + p);
    double ratio = coded.path("rms").asDouble() / pcm.path("rms").asDouble();
    assertTrue(ratio > 0.8 && ratio < 1.2, what + ": level ratio " + ratio);
  }
}
