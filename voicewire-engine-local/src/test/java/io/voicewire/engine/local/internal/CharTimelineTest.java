package io.voicewire.engine.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CharTimelineTest {
  private static SentenceTiming.Word w(String text, double... edges) {
    return new SentenceTiming.Word(text, edges);
  }

  private static SentenceTiming.Token t(String orig, SentenceTiming.Word... words) {
    return new SentenceTiming.Token(orig, List.of(words));
  }

  /** "Dr. Smith paid $42. " as MaryTTS plans it: a 400 ms pause after the last word. */
  private static final String TEXT = "Dr. Smith paid $42. ";
  private static final SentenceTiming TIMING = new SentenceTiming(List.of(
      t("Dr.", w("doctor", 0, 35, 160, 240, 310, 385)),
      t("Smith", w("Smith", 385, 510, 560, 635, 725)),
      t("paid", w("paid", 725, 820, 1020, 1120)),
      t("$", w("$", 1120)),
      t("42", w("forty", 1120, 1240, 1295, 1350, 1385, 1495), w("two", 1495, 1605, 1660),
          w("dollars", 1660, 1715, 1805, 1925, 2020, 2110)),
      t(".", w(".", 2110))), 2510);

  @Test
  void originalCoversExactlyTheInputCharacters() {
    CharTimeline c = CharTimeline.original(TEXT, TIMING);
    assertEquals(TEXT, c.text());
    assertWellFormed(c, 2510);
  }

  @Test
  void charactersOfAWordShareItsPhones() {
    CharTimeline c = CharTimeline.original(TEXT, TIMING);
    int s = TEXT.indexOf("Smith");
    assertEquals(385, c.startMs(s), 1e-9);
    assertEquals(725, c.endMs(s + 4), 1e-9);
    // 5 letters over 4 phones: 'm' starts 4/5 into the first phone
    assertEquals(385 + 0.8 * 125, c.startMs(s + 1), 1e-9);
  }

  @Test
  void numbersSpanTheWordsTheyAreSpokenAs() {
    CharTimeline c = CharTimeline.original(TEXT, TIMING);
    int four = TEXT.indexOf('4');
    assertEquals(1120, c.startMs(four), 1e-9);
    assertEquals(2110, c.endMs(four + 1), 1e-9);
    // the silent "$" is a point at the start of the number
    assertEquals(1120, c.startMs(four - 1), 1e-9);
    assertEquals(0, c.endMs(four - 1) - c.startMs(four - 1), 1e-9);
  }

  @Test
  void gapsAreSharedByTheCharactersInThem() {
    CharTimeline c = CharTimeline.original(TEXT, TIMING);
    int dot = TEXT.lastIndexOf('.');
    // the "." is a point at the end of "dollars" (MaryTTS gives it no phones); the space after
    // it carries the 400 ms pause
    assertEquals(2110, c.startMs(dot), 1e-9);
    assertEquals(2110, c.endMs(dot), 1e-9);
    assertEquals(2110, c.startMs(dot + 1), 1e-9);
    assertEquals(2510, c.endMs(dot + 1), 1e-9);
    // the space between "Dr." and "Smith" has no pause: zero length at the word joint
    int sp = TEXT.indexOf(' ');
    assertEquals(385, c.startMs(sp), 1e-9);
    assertEquals(385, c.endMs(sp), 1e-9);
  }

  @Test
  void normalizedTextIsTheSpokenWords() {
    CharTimeline n = CharTimeline.normalized(TEXT, TIMING);
    assertEquals("doctor Smith paid forty two dollars. ", n.text());
    assertWellFormed(n, 2510);
    assertEquals(1120, n.startMs(n.text().indexOf("forty")), 1e-9);
  }

  @Test
  void tokensThatCannotBeFoundAreSkippedNotFatal() {
    SentenceTiming odd = new SentenceTiming(List.of(t("Hello", w("hello", 0, 100, 200)),
        t("zzzz", w("zed", 200, 300)), t("world", w("world", 300, 400, 500))), 600);
    CharTimeline c = CharTimeline.original("Hello, world!", odd);
    assertEquals("Hello, world!", c.text());
    assertWellFormed(c, 600);
    assertEquals(300, c.startMs("Hello, ".length()), 1e-9);
  }

  @Test
  void surrogatePairsAreOneEntry() {
    SentenceTiming timing = new SentenceTiming(List.of(t("ok", w("ok", 0, 100, 200))), 300);
    CharTimeline c = CharTimeline.original("ok 😀", timing);
    assertEquals(4, c.size());
    assertEquals("😀", c.charAt(3));
    assertEquals("ok 😀", c.text());
  }

  static void assertWellFormed(CharTimeline c, double total) {
    double prev = 0;
    for (int i = 0; i < c.size(); i++) {
      assertTrue(c.startMs(i) >= prev - 1e-9, "start goes back at " + i);
      assertTrue(c.endMs(i) >= c.startMs(i), "negative duration at " + i);
      assertTrue(c.endMs(i) <= total + 1e-9, "beyond the sentence at " + i);
      prev = c.startMs(i);
    }
  }
}
