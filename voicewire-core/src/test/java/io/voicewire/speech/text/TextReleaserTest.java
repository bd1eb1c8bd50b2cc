package io.voicewire.speech.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TextReleaserTest {
  static final List<Integer> DEFAULT = List.of(120, 160, 250, 290);

  /** {@code n} characters of words "w0 w1 w2 ..." (ends with a space when it fits). */
  static String words(int n, int seed) {
    StringBuilder sb = new StringBuilder();
    int i = seed;
    while (sb.length() < n) {
      sb.append("word").append(i++ % 10).append(' ');
    }
    return sb.substring(0, n);
  }

  @Test
  void firstReleaseWaitsForOneHundredTwentyCharacters() {
    TextReleaser r = new TextReleaser(DEFAULT, false);
    String a = words(114, 0); // 19 words of 6 chars
    assertEquals(List.of(), r.append(a));
    assertEquals(114, r.buffered());
    List<String> out = r.append("alpha beta");
    // 124 chars buffered: release up to the last word boundary, keep the unfinished "beta"
    assertEquals(List.of(a + "alpha "), out);
    assertEquals("beta".length(), r.buffered());
    assertEquals(120, r.releasedChars());
  }

  @Test
  void aTagWithSpacesInItIsNeverCutInTwo() {
    String tag = "<break time=\"1.5s\" />";
    for (int at = 100; at <= 125; at++) { // the 120-character threshold falls before, in, after
      TextReleaser r = new TextReleaser(DEFAULT, false);
      String text = words(at, 0) + " " + tag + " " + words(400, 3);
      List<String> out = new ArrayList<>();
      for (int i = 0; i < text.length(); i += 3) { // token by token, as from a model
        out.addAll(r.append(text.substring(i, Math.min(text.length(), i + 3))));
      }
      out.addAll(r.end());
      assertEquals(text, String.join("", out));
      assertTrue(out.stream().anyMatch(p -> p.contains(tag)), "cut at " + at + ": " + out);
    }
    // a lone "<" (a comparison) holds nothing back; nor a tag longer than the limit
    TextReleaser r = new TextReleaser(DEFAULT, false);
    assertEquals(List.of(words(110, 0) + " if a < b then "), r.append(words(110, 0)
        + " if a < b then c"));
    String longTag = "<x " + "a".repeat(TextReleaser.MAX_TAG_CHARS) + " b=1";
    assertEquals(1, new TextReleaser(DEFAULT, false).append(longTag + " more text ".repeat(12))
        .size());
  }

  @Test
  void scheduleMovesOnAfterEachRelease() {
    TextReleaser r = new TextReleaser(DEFAULT, false);
    List<Integer> sizes = new ArrayList<>();
    String text = words(1500, 1);
    for (int i = 0; i < text.length(); i += 6) {
      for (String s : r.append(text.substring(i, Math.min(text.length(), i + 6)))) {
        sizes.add(s.length());
      }
    }
    // pieces arrive one word at a time, so each release happens exactly at its threshold
    assertEquals(List.of(120, 162, 252, 294, 294, 294), sizes);
  }

  @Test
  void piecesNeverSplitWordsAndConcatenateToTheInput() {
    Random rnd = new Random(11);
    for (int trial = 0; trial < 50; trial++) {
      TextReleaser r = new TextReleaser(List.of(50 + rnd.nextInt(100), 50 + rnd.nextInt(450)),
          trial % 3 == 0);
      String text = words(2000, trial) + " The end. Really? Yes! ";
      StringBuilder out = new StringBuilder();
      int i = 0;
      while (i < text.length()) {
        int n = Math.min(text.length() - i, rnd.nextInt(40));
        for (String piece : r.append(text.substring(i, i + n))) {
          assertTrue(Character.isWhitespace(piece.charAt(piece.length() - 1)),
              "piece ends inside a word: '" + piece + "'");
          out.append(piece);
        }
        i += n;
        if (rnd.nextInt(20) == 0) {
          r.flush().forEach(out::append);
        }
      }
      r.end().forEach(out::append);
      assertEquals(text, out.toString());
      assertEquals(0, r.buffered());
    }
  }

  @Test
  void aLongWordWaitsForItsEndOrAFlush() {
    TextReleaser r = new TextReleaser(List.of(50), false);
    String word = "x".repeat(80);
    assertEquals(List.of(), r.append(word));
    assertEquals(List.of(word + " "), r.append(" "));
    assertEquals(List.of(), r.append("y".repeat(70)));
    assertEquals(List.of("y".repeat(70)), r.flush());
    assertEquals(List.of(), r.flush());
  }

  @Test
  void autoModeReleasesEachSentenceAsSoonAsItIsComplete() {
    TextReleaser r = new TextReleaser(DEFAULT, true);
    assertEquals(List.of(), r.append("Hello there"));
    assertEquals(List.of(), r.append("."));
    assertEquals(List.of("Hello there. "), r.append(" How"));
    assertEquals(List.of("How are you? ", "Fine, thanks! "),
        r.append(" are you? Fine, thanks! And"));
    assertEquals(List.of("And"), r.end());
  }

  @Test
  void tryTriggerNeedsFiftyCharacters() {
    TextReleaser r = new TextReleaser(DEFAULT, false);
    r.append(words(49, 0));
    assertEquals(List.of(), r.tryTrigger());
    r.append("ab cd");
    List<String> out = r.tryTrigger();
    assertEquals(1, out.size());
    assertEquals(words(49, 0) + "ab ", out.get(0));
    assertEquals("cd", String.join("", r.flush()));
  }

  @Test
  void limitsAndArguments() {
    TextReleaser r = new TextReleaser(DEFAULT, false);
    String big = "x".repeat(TextReleaser.MAX_BUFFERED_CHARS);
    r.append(big);
    assertEquals("more than 100000 characters buffered without a flush",
        assertThrows(IllegalStateException.class, () -> r.append("y")).getMessage());
    assertEquals(TextReleaser.MAX_BUFFERED_CHARS, r.buffered());
    assertEquals("text == null",
        assertThrows(NullPointerException.class, () -> r.append(null)).getMessage());
    assertEquals("schedule is empty", assertThrows(IllegalArgumentException.class,
        () -> new TextReleaser(List.of(), false)).getMessage());
    assertEquals("chunk_length_schedule values must be in range [50,500]: 20",
        assertThrows(IllegalArgumentException.class,
            () -> new TextReleaser(List.of(120, 20), false)).getMessage());
  }
}
