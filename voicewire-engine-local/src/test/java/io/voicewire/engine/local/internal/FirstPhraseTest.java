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
  void withoutAnEarlyClauseBoundaryTheCutFollowsTheFifthWord() {
    String s = "The quick brown fox jumps over the lazy dog near the river bank. ";
    assertEquals("The quick brown fox jumps ", head(s));
    assertTrue(FirstPhrase.midClause(head(s)));
    assertFalse(FirstPhrase.midClause("When the train arrived, "));
  }

  @Test
  void shortSentencesStayWhole() {
    assertEquals(-1, FirstPhrase.cut("Hello there. "));
    assertEquals(-1, FirstPhrase.cut("One two three four five six seven eight. "));
    assertEquals(-1, FirstPhrase.cut(""));
    assertEquals(-1, FirstPhrase.cut("   "));
  }

  @Test
  void numbersAbbreviationsAndQuotesAreNotSeparatedFromTheirNeighbours() {
    // the 5th and 6th words touch a number: the cut moves on to the first safe place
    assertEquals("We sold it for about 5 million ",
        head("We sold it for about 5 million dollars last year to a buyer in town. "));
    // after "Dr." (an abbreviation) and around numbers there is no safe place within the limit
    assertEquals(-1, FirstPhrase.cut("Call Mr. Smith at Dr. 42 7 9 Elm Street tomorrow morning. "));
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
