package io.voicewire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.speech.TtsRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Tier (a): the text chunker on strings. */
class TextChunkerTest {

  private static List<String> feed(TextChunker c, String... tokens) {
    List<String> out = new ArrayList<>();
    for (String t : tokens) {
      out.addAll(c.push(t));
    }
    out.addAll(c.flush());
    return out;
  }

  @Test
  void sentencesWaitForTheSpaceAfterTheTerminator() {
    TextChunker c = TextChunker.sentences();
    assertEquals(List.of(), c.push("Hello world."));
    assertEquals(List.of("Hello world. "), c.push(" How"));
    assertEquals(List.of(), c.push(" are you"));
    assertEquals(List.of("How are you "), c.flush());
  }

  @Test
  void decimalsAndAbbreviationsDoNotSplit() {
    List<String> out = feed(TextChunker.sentences(), "It costs 3.", "5 dollars, Mr. ",
        "Smith. Done.");
    assertEquals(List.of("It costs 3.5 dollars, Mr. Smith. ", "Done. "), out);
  }

  @Test
  void longClausesSplitAtCommasShortOnesDoNot() {
    String longClause = "This clause is long enough to stand alone in the stream, ";
    List<String> out = feed(TextChunker.sentences(), "Yes, sure, ", longClause, "then more.");
    assertEquals(List.of("Yes, sure, " + longClause, "then more. "), out);
  }

  @Test
  void runsWithoutBoundariesSplitAtWordsBeyondTheMaximum() {
    StringBuilder sb = new StringBuilder();
    while (sb.length() < TextChunker.MAX_CHUNK_CHARS + 20) {
      sb.append("word ");
    }
    List<String> out = TextChunker.sentences().push(sb.toString());
    assertEquals(1, out.size());
    assertTrue(out.get(0).endsWith(" "));
  }

  @Test
  void wordModeEmitsWholeWordsWithTheirSpace() {
    TextChunker c = TextChunker.words();
    assertEquals(List.of(), c.push("Hel"));
    assertEquals(List.of("Hello "), c.push("lo wor"));
    assertEquals(List.of(), c.push("ld"));
    assertEquals(List.of("world "), c.flush());
  }

  @Test
  void lossless() {
    Random r = new Random(0);
    String text = "The quick brown fox, which was rather tired that day, jumped. Then it slept! "
        + "Was it 3.5 hours? Nobody knows; nobody asked — except Dr. Who.";
    for (TextChunker.Mode mode : TextChunker.Mode.values()) {
      for (int trial = 0; trial < 50; trial++) {
        TextChunker c = mode == TextChunker.Mode.WORD ? TextChunker.words()
            : TextChunker.sentences();
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
          int n = 1 + r.nextInt(6);
          String tok = text.substring(i, Math.min(text.length(), i + n));
          i += n;
          c.push(tok).forEach(p -> {
            assertTrue(Character.isWhitespace(p.charAt(p.length() - 1)), p);
            out.append(p);
          });
        }
        c.flush().forEach(out::append);
        assertEquals(text + " ", out.toString());
      }
    }
  }

  @Test
  void forRequestPicksTheMode() {
    assertEquals(TextChunker.Mode.SENTENCE,
        TextChunker.forRequest(TtsRequest.builder("v").autoMode(true).build()).mode());
    assertEquals(TextChunker.Mode.WORD,
        TextChunker.forRequest(TtsRequest.builder("v").build()).mode());
  }

  @Test
  void nullTextIsRejectedWithAnExactMessage() {
    assertEquals("text == null",
        assertThrows(NullPointerException.class, () -> TextChunker.words().push(null))
            .getMessage());
  }
}
