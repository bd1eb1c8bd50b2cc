package io.voicewire.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Word error rate, as docs/ENGINES.md measures it: (substitutions + deletions + insertions) /
 * reference words, on lower-cased words with punctuation stripped and "mr" read as "mister".
 * Stateless.
 */
public final class WordErrorRate {
  private WordErrorRate() {}

  /** The normalized words of {@code s}. */
  public static List<String> words(String s) {
    List<String> out = new ArrayList<>();
    for (String w : s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9' ]", " ").split("\\s+")) {
      if (!w.isBlank()) {
        out.add(w.equals("mr") ? "mister" : w);
      }
    }
    return out;
  }

  /** Word-level edit distance between a reference and a hypothesis. */
  public static int errors(List<String> ref, List<String> hyp) {
    int[][] d = new int[ref.size() + 1][hyp.size() + 1];
    for (int i = 0; i <= ref.size(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= hyp.size(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= ref.size(); i++) {
      for (int j = 1; j <= hyp.size(); j++) {
        int sub = d[i - 1][j - 1] + (ref.get(i - 1).equals(hyp.get(j - 1)) ? 0 : 1);
        d[i][j] = Math.min(sub, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
      }
    }
    return d[ref.size()][hyp.size()];
  }

  /** WER of one hypothesis against one reference (0 for an empty reference). */
  public static double rate(String ref, String hyp) {
    List<String> r = words(ref);
    return r.isEmpty() ? 0 : (double) errors(r, words(hyp)) / r.size();
  }
}
