package io.voicewire.engine.local.internal;

/**
 * Where to cut a session's first phrase off its sentence, so that its first audio waits for the
 * engine's start of a few words instead of a whole sentence. MaryTTS's start (front end, duration
 * and F0 models, HMM parameter generation with its global-variance iterations) grows with the
 * length of the utterance: ~35 ms for 6 words against ~65 ms for a 15-word sentence on this
 * machine (docs/bench-engine.md). The rest of the sentence is started while the phrase plays.
 *
 * <p>The cut is made only at a clause boundary (a word ending in {@code , ; :}) within the first
 * {@link #MAX_HEAD_WORDS} words, where MaryTTS ends an intonation phrase with a pause in the whole
 * sentence too, so the phrase sounds as it would have. A cut between two words inside a clause
 * (tried: after the fifth word) starts as fast but breaks the sentence's intonation: the engine's
 * own round trip then recognized "the quick brown fox jumps over the lazy dog" as "they laid
 * bare on fox jam stover the lazy dog". It never separates a number from its neighbours (the
 * normalizer reads "5 million" or "3 kg" as one phrase) and leaves at least {@link
 * #MIN_TAIL_WORDS} words to the rest. Sentences of fewer than {@link #MIN_CUT_WORDS} words are not
 * cut. The two parts together are the sentence, character for character (the whitespace at the
 * cut ends the first part). Stateless.
 */
final class FirstPhrase {
  /** A clause boundary is used if it ends one of the first this many words (and at least 2). */
  static final int MAX_HEAD_WORDS = 7;
  /** Fewest words the rest of the sentence keeps. */
  static final int MIN_TAIL_WORDS = 3;
  /** Sentences with fewer words are started whole: their start is short already. */
  static final int MIN_CUT_WORDS = 9;

  private FirstPhrase() {}

  /**
   * The index at which {@code sentence}'s first phrase ends (after the whitespace that follows
   * it), or -1 to keep the sentence whole.
   */
  static int cut(String sentence) {
    int[] ends = new int[MAX_HEAD_WORDS + MIN_TAIL_WORDS + 1]; // end of each word, exclusive
    int[] starts = new int[ends.length];
    int words = 0;
    int i = 0;
    int n = sentence.length();
    while (i < n && words < ends.length) {
      while (i < n && Character.isWhitespace(sentence.charAt(i))) {
        i++;
      }
      if (i == n) {
        break;
      }
      starts[words] = i;
      while (i < n && !Character.isWhitespace(sentence.charAt(i))) {
        i++;
      }
      ends[words++] = i;
    }
    if (words < MIN_CUT_WORDS) { // the loop stopped at the end: that is all of its words
      return -1;
    }
    int best = -1;
    for (int w = 2; w <= MAX_HEAD_WORDS && w + MIN_TAIL_WORDS <= words; w++) {
      char last = sentence.charAt(ends[w - 1] - 1);
      if ((last == ',' || last == ';' || last == ':') && safe(sentence, starts, ends, w)) {
        best = w;
        break;
      }
    }
    return best < 0 ? -1 : starts[best];
  }

  /** True when neither the word before the cut after word {@code w} nor the one after has a digit. */
  private static boolean safe(String s, int[] starts, int[] ends, int w) {
    return plain(s, starts[w - 1], ends[w - 1]) && plain(s, starts[w], ends[w]);
  }

  private static boolean plain(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (Character.isDigit(c) || c == '$' || c == '%' || c == '&' || c == '@' || c == '/') {
        return false;
      }
    }
    return true;
  }
}
