package io.voicewire.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Barge-in in real headless Chromium against a real voicewire server on the offline engine
 * ({@code barge-in-storm.mjs}): the browser's MultiTtsSocket and Player on
 * {@code multi-stream-input} take {@value #INTERRUPTIONS} interruptions in {@value #WINDOW_MILLIS}
 * ms. The server's 5-context limit is never hit (no error, no close), no audio of a closed
 * context is heard (the player's stale counter stays 0 while stale audio did arrive and was
 * dropped), and the last answer plays to its end.
 */
@Tag("slow") // loads the offline engine (MaryTTS): about half a minute before the page runs
@Timeout(600)
class BargeInStormTest {
  static final int INTERRUPTIONS = 20;
  static final int WINDOW_MILLIS = 10_000;
  static final String FINAL_TEXT = "Sure, I will stop here and listen to you now.";

  @Test
  void aStormOfInterruptionsStaysUnderTheContextLimitAndPlaysNoStaleAudio() throws Exception {
    NodeScripts.Run r = NodeScripts.againstOfflineServer(config -> { },
        "src/test/js/browser/barge-in-storm.mjs", List.of(String.valueOf(INTERRUPTIONS),
            String.valueOf(WINDOW_MILLIS), FINAL_TEXT), 280, "barge-in-storm.out");
    r.assertSucceeded();

    JsonNode s = r.result("storm");
    JsonNode c = s.path("counters");
    JsonNode p = s.path("player");
    assertEquals(INTERRUPTIONS, s.path("interruptions").asInt(), s.toString());
    // the precondition of the test (20 interruptions within 10 s: 9.5 s from the first to the
    // last as scheduled, so timer drift under load has 0.5 s), not a benchmark
    assertTrue(s.path("stormMs").asDouble() <= WINDOW_MILLIS, "the storm took too long: " + s);
    // never hit the limit: no error from the server, the connection never dropped
    assertEquals("[]", s.path("errors").toString(), "errors: " + s);
    assertEquals(0, c.path("serverErrors").asInt(), c.toString());
    assertEquals(0, c.path("lost").asInt(), c.toString());
    assertEquals("[\"connecting\",\"open\",\"closing\",\"closed\"]", s.path("log").toString());
    assertTrue(c.path("maxConcurrent").asInt() <= 5, c.toString());
    assertEquals(INTERRUPTIONS + 1, c.path("opened").asInt() + c.path("discarded").asInt(), c.toString());
    // no stale audio heard, while stale audio did arrive (server-side voicing of closed
    // contexts) and was dropped
    assertEquals(0.0, p.path("staleMs").asDouble(), 0.0, "stale audio played: " + p);
    assertTrue(c.path("staleChunksDropped").asInt() + p.path("staleChunksDropped").asInt() > 0
        || p.path("staleMsDropped").asDouble() > 0, "the storm dropped nothing (no stress): " + s);
    // the last answer plays completely: its alignment is the text, and all its audio was heard
    assertEquals(words(FINAL_TEXT), words(s.path("lastVoiced").asText()), s.toString());
    assertEquals(s.path("lastId").asText(), p.path("stream").asText(), p.toString());
    assertTrue(s.path("lastAudioMs").asDouble() > 1500, s.toString());
    assertEquals(s.path("lastAudioMs").asDouble(), p.path("streamPlayedMs").asDouble(), 1.0, s.toString());
    assertEquals("[]", r.result("errors").path("errors").toString());
  }

  private static String words(String text) {
    return text.toLowerCase(Locale.ROOT).replaceAll("[^a-z ]", " ").trim().replaceAll(" +", " ");
  }
}
