package io.voicewire.engine.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.testing.BenchSentences;
import org.junit.jupiter.api.Test;

class FirstPhraseTest {
  private static String head(String s) {
    int cut = FirstPhrase.cut(s);
    return cut < 0 ? null : s.substring(0, cut);
  }

  @Test
  void aClauseBoundaryEarlyInTheSentenceIsPreferred() {
    assertEquals("When the train arrived, ",
        head("When the train arrived, everyone on the platform stepped back from the edge. "));
  }

  @Test
  void withoutAnEarlyClauseBoundaryTheSentenceStaysWhole() {
    // a cut inside a clause breaks the intonation (FirstPhrase's comment): not made
    assertEquals(-1, FirstPhrase.cut("The quick brown fox jumps over the lazy dog near the bank. "));
    assertEquals(-1, FirstPhrase.cut("One two three four five six seven eight, nine ten eleven. "));
  }

  @Test
  void shortSentencesStayWhole() {
    assertEquals(-1, FirstPhrase.cut("Hello there. "));
    assertEquals(-1, FirstPhrase.cut("One two three four five six seven eight. "));
    assertEquals(-1, FirstPhrase.cut(""));
    assertEquals(-1, FirstPhrase.cut("   "));
  }

  @Test
  void aNumberIsNotSeparatedFromItsNeighbours() {
    assertEquals(-1, FirstPhrase.cut("In 2024, the company hired two hundred new workers in town. "));
    assertEquals(-1, FirstPhrase.cut("We paid about 5, the others paid much more than we did. "));
    assertEquals("We paid about five, ",
        head("We paid about five, the others paid much more than we did. "));
  }

  @Test
  void theTwoPartsAreTheSentenceCharacterForCharacter() {
    for (String s : BenchSentences.ALL) {
      for (String text : new String[] {s, s + " ", "  " + s + "\n"}) {
        int cut = FirstPhrase.cut(text);
        if (cut >= 0) {
          String h = text.substring(0, cut);
          String rest = text.substring(cut);
          assertEquals(text, h + rest);
          assertTrue(SentenceParts.speakable(h) && SentenceParts.speakable(rest), text);
          assertTrue(Character.isWhitespace(h.charAt(h.length() - 1)), h);
          assertFalse(Character.isWhitespace(rest.charAt(0)), rest);
        }
      }
    }
  }
}
