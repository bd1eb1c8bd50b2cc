package io.voicewire.engine.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SentenceSplitTest {
  @Test
  void longSentencesSplitAtACommaLosslessly() {
    String s = "word ".repeat(40) + "then a comma, " + "and more words ".repeat(20) + "end. ";
    List<String> parts = SentenceParts.splitLong(s);
    assertTrue(parts.size() >= 2, "" + parts);
    assertEquals(s, String.join("", parts));
    for (String p : parts) {
      assertTrue(p.length() <= SentenceParts.MAX_SENTENCE_CHARS, p.length() + ": " + p);
    }
    assertTrue(parts.get(0).endsWith(", "), parts.get(0));
  }

  @Test
  void oneHugeWordIsCutAtTheLimit() {
    String s = "x".repeat(700);
    List<String> parts = SentenceParts.splitLong(s);
    assertEquals(s, String.join("", parts));
    assertEquals(3, parts.size());
  }

  @Test
  void shortSentencesStayWhole() {
    assertEquals(List.of("Hello there. "), SentenceParts.splitLong("Hello there. "));
  }

  @Test
  void speakableNeedsALetterOrDigit() {
    assertTrue(SentenceParts.speakable("a"));
    assertTrue(SentenceParts.speakable("42"));
    assertTrue(SentenceParts.speakable("café"));
    assertFalse(SentenceParts.speakable(" ... "));
    assertFalse(SentenceParts.speakable("?! 😀 "));
    assertFalse(SentenceParts.speakable(""));
  }
}
