package io.voicewire.engine.local.internal;

import io.voicewire.speech.text.Sentences;
import java.util.ArrayList;
import java.util.List;

/** How a TTS session cuts released text into the sentences it voices. Stateless. */
final class SentenceParts {
  /** Sentences longer than this are split at a comma or space before synthesis. */
  static final int MAX_SENTENCE_CHARS = 300;

  private SentenceParts() {}

  /** True when {@code s} has a letter or digit to say. */
  static boolean speakable(String s) {
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      if (Character.isLetterOrDigit(c)) {
        return true;
      }
      i += Character.charCount(c);
    }
    return false;
  }

  /**
   * Released text cut into what a session queues: its sentences, each split when long
   * ({@link #splitLong}); the parts with nothing to say are kept too. Concatenated, they are
   * {@code piece}.
   */
  static List<String> parts(String piece) {
    if (!speakable(piece)) {
      return List.of(piece);
    }
    List<String> out = new ArrayList<>();
    for (String sentence : Sentences.split(piece)) {
      out.addAll(splitLong(sentence));
    }
    return out;
  }

  /** Splits a sentence longer than {@link #MAX_SENTENCE_CHARS} at commas or spaces. */
  static List<String> splitLong(String s) {
    List<String> out = new ArrayList<>();
    int start = 0;
    while (s.length() - start > MAX_SENTENCE_CHARS) {
      int limit = start + MAX_SENTENCE_CHARS;
      int cut = -1;
      for (int i = limit - 1; i > start + MAX_SENTENCE_CHARS / 2; i--) {
        if ((s.charAt(i) == ',' || s.charAt(i) == ';') && i + 1 < s.length()
            && Character.isWhitespace(s.charAt(i + 1))) {
          cut = i + 1;
          break;
        }
      }
      if (cut < 0) {
        for (int i = limit - 1; i > start; i--) {
          if (Character.isWhitespace(s.charAt(i))) {
            cut = i;
            break;
          }
        }
      }
      if (cut < 0) {
        cut = limit; // one enormous word
      }
      while (cut < s.length() && Character.isWhitespace(s.charAt(cut))) {
        cut++;
      }
      out.add(s.substring(start, cut));
      start = cut;
    }
    if (start < s.length()) {
      out.add(s.substring(start));
    }
    return out;
  }
}
