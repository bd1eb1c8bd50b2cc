package io.voicewire.engine.local.internal;

/**
 * Where to cut a session's first phrase off its sentence, so that its first audio waits for the
 * engine's start of a few words instead of a whole sentence. MaryTTS's start (front end, duration
 * and F0 models, HMM parameter generation with its global-variance iterations) grows with the
 * length of the utterance: ~35 ms for 6 words against ~65 ms for a 15-word sentence on this
 * machine (docs/bench-engine.md). The rest of the sentence is started while the phrase plays.
 *
 * <p>The cut prefers a clause boundary (a word ending in {@code , ; :}) within the first {@link
 * #MAX_HEAD_WORDS} words, else it falls after {@link #HEAD_WORDS} words; it never separates a
 * number from its neighbours (the normalizer reads "5 million" or "3 kg" as one phrase) or follows
 * an abbreviation, and it leaves at least {@link #MIN_TAIL_WORDS} words to the rest. Sentences of
 * fewer than {@link #MIN_CUT_WORDS} words are not cut. The two parts together are the sentence,
 * character for character (the whitespace at the cut ends the first part). Stateless.
 */
final class FirstPhrase {
  /** Words of the first phrase when no clause boundary comes early. */
  static final int HEAD_WORDS = 5;
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
    for (int w = HEAD_WORDS; best < 0 && w <= MAX_HEAD_WORDS && w + MIN_TAIL_WORDS <= words;
        w++) { // after a word that ends in a letter: not an abbreviation, quote or number
      char last = sentence.charAt(ends[w - 1] - 1);
      if (Character.isLetter(last) && safe(sentence, starts, ends, w)) {
        best = w;
      }
    }
    return best < 0 ? -1 : starts[best];
  }

  /**
   * True when {@code head} (a first phrase) ends inside a clause, after a word: the rest follows
   * without a pause of its own ({@link Synthesizer#start(String, double, boolean)}); false when
   * it ends at a clause boundary, which keeps the engine's pause.
   */
  static boolean midClause(String head) {
    String h = head.stripTrailing();
    return !h.isEmpty() && Character.isLetter(h.charAt(h.length() - 1));
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
