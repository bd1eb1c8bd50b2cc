package io.voicewire.engine.local.internal;

import java.util.List;
import java.util.Objects;

/**
 * The timing a synthesizer planned for one sentence, in milliseconds from the start of the
 * sentence's audio: its tokens in input order, each with the words it was expanded to and the
 * phone boundaries of each word.
 *
 * @param tokens the tokens, in order
 * @param durationMs the planned length of the sentence's audio, pauses included
 */
record SentenceTiming(List<Token> tokens, double durationMs) {
  SentenceTiming {
    tokens = List.copyOf(Objects.requireNonNull(tokens, "tokens == null"));
  }

  /**
   * A token of the input: a word, a number, an abbreviation, a punctuation mark.
   *
   * @param orig the token as it appears in the input text (case may differ), e.g. {@code 42}
   * @param words what it is spoken as, e.g. {@code forty}, {@code two}; a punctuation mark has
   *     one word with no phones
   */
  record Token(String orig, List<Word> words) {
    Token {
      Objects.requireNonNull(orig, "orig == null");
      words = List.copyOf(words);
    }

    /** Start of the first phone, or of the token's position in time when it has none. */
    double startMs() {
      return words.isEmpty() ? 0 : words.get(0).edgesMs()[0];
    }

    /** All phone edges of the token's words, in order, de-duplicated at word joins. */
    double[] edgesMs() {
      int n = 0;
      for (Word w : words) {
        n += w.edgesMs().length;
      }
      double[] out = new double[n];
      int k = 0;
      for (Word w : words) {
        for (double e : w.edgesMs()) {
          if (k > 0 && out[k - 1] == e) {
            continue;
          }
          out[k++] = e;
        }
      }
      return java.util.Arrays.copyOf(out, k);
    }
  }

  /**
   * A spoken word.
   *
   * @param text the word as spoken (normalized), e.g. {@code forty}
   * @param edgesMs the start of each phone, then the end of the last one; a single value for a
   *     word without phones (a punctuation mark)
   */
  record Word(String text, double[] edgesMs) {
    Word {
      Objects.requireNonNull(text, "text == null");
      if (edgesMs.length == 0) {
        throw new IllegalArgumentException("edgesMs is empty");
      }
      edgesMs = edgesMs.clone();
    }

    int phones() {
      return edgesMs.length - 1;
    }

    double startMs() {
      return edgesMs[0];
    }

    double endMs() {
      return edgesMs[edgesMs.length - 1];
    }

    @Override
    public double[] edgesMs() {
      return edgesMs.clone();
    }
  }
}
