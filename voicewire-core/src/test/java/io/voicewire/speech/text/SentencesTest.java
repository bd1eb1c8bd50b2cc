package io.voicewire.speech.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SentencesTest {

  @Test
  void splitsAtTerminatorsFollowedBySpace() {
    assertEquals(List.of("Hello world. ", "How are you? ", "Fine!"),
        Sentences.split("Hello world. How are you? Fine!"));
    assertEquals(List.of("Wait; ", "then go: ", "now…  ", "ok"),
        Sentences.split("Wait; then go: now…  ok"));
  }

  @Test
  void abbreviationsInitialsAndDecimalsDoNotEndASentence() {
    assertEquals(List.of("Dr. Who met Mr. Smith at 3.50 p.m today. ", "Yes."),
        Sentences.split("Dr. Who met Mr. Smith at 3.50 p.m today. Yes."));
    assertEquals(List.of("J. R. Tolkien wrote it, e.g. this one. ", "Right."),
        Sentences.split("J. R. Tolkien wrote it, e.g. this one. Right."));
  }

  @Test
  void noIsAnAbbreviationOnlyBeforeANumber() {
    assertEquals(List.of("The answer is no. ", "We leave."),
        Sentences.split("The answer is no. We leave."));
    assertEquals(List.of("See No. 5 for details. ", "Done."),
        Sentences.split("See No. 5 for details. Done."));
  }

  /**
   * What the normaliser reads with the next word is not cut from it (2026-12-07): "p. 14" was
   * voiced "p" then "fourteen", "Take Sunset Blvd. to Main St." was two sentences with a fall
   * and a pause after "Boulevard", "the U.S. and" ended a sentence at "U.S.".
   */
  @Test
  void aFullStopBeforeSmallLettersOrBeforeWhatAnAbbreviationCountsIsNoEnd() {
    assertEquals(List.of("We met at 3 p.m. on Sunset Blvd. near the U.S. border. ",
        "Then we left."),
        Sentences.split("We met at 3 p.m. on Sunset Blvd. near the U.S. border. Then we left."));
    assertEquals(List.of("See Fig. 3 on p. 14, pp. 20-22, ext. 89, Vol. II, Bldg. C, Apt. 4B and "
        + "Ft. Worth. ", "Done."), Sentences.split("See Fig. 3 on p. 14, pp. 20-22, ext. 89, "
        + "Vol. II, Bldg. C, Apt. 4B and Ft. Worth. Done."));
    // where they end a sentence
    assertEquals(List.of("It is 10 ft. ", "Then the vol. ", "Volumes rise. ", "See the apt. ",
        "Apartments are few."), Sentences.split("It is 10 ft. Then the vol. Volumes rise. See the "
        + "apt. Apartments are few."));
    assertEquals(7, Sentences.firstBoundary("3 p.m. ", 0), "nothing after it yet: a boundary");
    assertEquals(List.of("Gov. Newsom signed it on Sept. 29. ", "It fell in Nov. ", "The end."),
        Sentences.split("Gov. Newsom signed it on Sept. 29. It fell in Nov. The end."));
  }

  @Test
  void closingQuotesAndBracketsStayWithTheirSentence() {
    // (the last word in capitals: a full stop before small letters ends nothing since 2026-12-07)
    assertEquals(List.of("He said \"stop.\" ", "Then (quietly.) ", "Left."),
        Sentences.split("He said \"stop.\" Then (quietly.) Left."));
    assertEquals(List.of("Sie sagte „Halt.“ ", "Dann ging sie."),
        Sentences.split("Sie sagte „Halt.“ Dann ging sie."));
    // French typography: a no-break space (U+00A0 or U+202F) before the closing guillemet
    assertEquals(List.of("Il a dit «\u00A0non.\u202F» ", "Puis il est parti."),
        Sentences.split("Il a dit «\u00A0non.\u202F» Puis il est parti."));
  }

  @Test
  void newlinesEndAPieceWithTheBlankRunAttached() {
    assertEquals(List.of("Line one\n", "Line two\n\n  ", "Three"),
        Sentences.split("Line one\nLine two\n\n  Three"));
  }

  @Test
  void aTerminatorAtTheEndIsNotYetABoundary() {
    assertEquals(-1, Sentences.firstBoundary("Hello.", 0));
    assertEquals(7, Sentences.firstBoundary("Hello. ", 0));
    assertEquals(-1, Sentences.firstBoundary("no terminator here ", 0));
    assertEquals(10, Sentences.firstBoundary("One. Two. Three", 5));
  }

  @Test
  void splittingIsLossless() {
    Random r = new Random(3);
    String alphabet = "ab .?!;:\n\"')3MrDr";
    for (int i = 0; i < 2000; i++) {
      StringBuilder sb = new StringBuilder();
      for (int k = r.nextInt(60); k > 0; k--) {
        sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      String s = sb.toString();
      assertEquals(s, String.join("", Sentences.split(s)), "input '" + s + "'");
    }
  }

  @Test
  void wordBoundaries() {
    assertEquals(6, Sentences.lastWordBoundary("hello world", 11));
    assertEquals(0, Sentences.lastWordBoundary("hello", 5));
    assertEquals(12, Sentences.lastWordBoundary("hello world ", 12));
    assertEquals(6, Sentences.wordStart("hello world", 8));
    assertEquals(6, Sentences.wordStart("hello world", 6));
    assertEquals(0, Sentences.wordStart("hello", 3));
    assertEquals(6, Sentences.wordStart("hello world", 99)); // clamped to the end
  }
}
