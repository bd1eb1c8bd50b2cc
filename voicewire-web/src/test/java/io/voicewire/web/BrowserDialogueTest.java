package io.voicewire.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Text-to-Dialogue in real headless Chromium against a real voicewire server on the offline
 * engine ({@code dialogue.mjs}): the browser's DialogueSocket and Player play a dialogue of two
 * voices over {@code /v1/text-to-dialogue/stream-input} and over {@code /multi-stream-input}.
 * Every turn arrives in its voice with its {@code is_final_audio_for_turn}, its alignment
 * accounts for exactly the turn's text, the dialogue ends with {@code is_final} and a clean
 * close, and the player plays all of its audio. The example page {@code examples/web/dialogue.html},
 * served from another origin, plays its script.
 */
@Tag("slow") // loads the offline engine (MaryTTS): about half a minute before the page runs
@Timeout(600)
class BrowserDialogueTest {
  static final List<List<Object>> SCRIPT = List.of(
      List.of(0, "Good morning, did you sleep well? "),
      List.of(1, "Not really, the neighbours had a party. "),
      List.of(0, "That sounds terrible. "),
      List.of(0, "Shall we have some coffee first? "),
      List.of(1, "Yes please, a large one. "));

  @Test
  void aDialogueOfTwoVoicesPlaysTurnByTurnOverBothSockets() throws Exception {
    // the example page comes from another origin: the server must allow it
    NodeScripts.Run r = NodeScripts.againstOfflineServer(
        config -> config.allowedOrigins(List.of("*")), "src/test/js/browser/dialogue.mjs",
        List.of(new ObjectMapper().writeValueAsString(SCRIPT)), 330, "dialogue.out");
    assertDialogues(r, 300);
  }

  /**
   * What {@code dialogue.mjs} reports for {@link #SCRIPT}, judged: both sockets and the example
   * page; each turn has at least {@code minTurnMs} of audio.
   */
  static void assertDialogues(NodeScripts.Run r, double minTurnMs) throws Exception {
    r.assertSucceeded();
    for (String socket : List.of("stream-input", "multi-stream-input")) {
      JsonNode d = r.result(socket);
      System.out.println(socket + ": " + d);
      assertEquals("[]", d.path("errors").toString(), socket + ": " + d);
      assertEquals("closed", d.path("end").path("state").asText(), socket + ": " + d);
      assertEquals(2, d.path("voices").size(), d.toString());
      // the script's turns: speaker 0's two lines in a row are one turn
      List<String[]> expected = List.of(new String[] {"0", "Good morning, did you sleep well? "},
          new String[] {"1", "Not really, the neighbours had a party. "},
          new String[] {"0", "That sounds terrible. Shall we have some coffee first? "},
          new String[] {"1", "Yes please, a large one. "});
      JsonNode turns = d.path("turns");
      assertEquals(expected.size(), turns.size(), socket + ": " + turns);
      double audioMs = 0;
      for (int i = 0; i < expected.size(); i++) {
        JsonNode t = turns.get(i);
        String voice = d.path("voices").get(Integer.parseInt(expected.get(i)[0])).asText();
        assertEquals(i, t.path("index").asInt(), t.toString());
        assertEquals(voice, t.path("voiceId").asText(), t.toString());
        assertEquals(expected.get(i)[1], t.path("text").asText(), t.toString());
        // the alignment accounts for the turn's text: every letter exactly once
        assertEquals(letters(expected.get(i)[1]), letters(t.path("chars").asText()), socket + " turn " + i);
        assertTrue(t.path("audioMs").asDouble() > minTurnMs, "turn " + i + " has audio: " + t);
        audioMs += t.path("audioMs").asDouble();
      }
      assertEquals(audioMs, d.path("final").path("audioMs").asDouble(), 1.0, d.toString());
      assertEquals(false, d.path("final").path("lost").asBoolean(), d.toString());
      // all of it played, nothing stale
      JsonNode p = d.path("player");
      assertEquals(d.path("contextId").asText(), p.path("stream").asText(), p.toString());
      assertEquals(audioMs, p.path("streamPlayedMs").asDouble(), 1.0, socket + ": " + p);
      assertEquals(0.0, p.path("staleMs").asDouble(), 0.0, p.toString());
    }
    // the example page (examples/web/dialogue.html) from another origin plays its script
    JsonNode ex = r.result("example");
    System.out.println("example: " + ex);
    assertEquals("Done: 4 turns.", ex.path("status").asText(), ex.toString());
    assertEquals(4, ex.path("turns").size(), ex.toString());
    assertTrue(ex.path("turns").get(0).asText().startsWith("A: Good morning, did you sleep well?"),
        ex.toString());
    assertTrue(ex.path("turns").get(3).asText().startsWith("B: Yes please, a large one."), ex.toString());
    assertEquals("[]", r.result("errors").path("errors").toString());
  }

  private static String letters(String text) {
    return text.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
  }
}
