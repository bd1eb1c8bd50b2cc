package io.voicewire.bench.soak;

import java.util.List;

/**
 * Lost and repeated content between what was sent and what came back: the longest common
 * subsequence of the two sequences is the content delivered once; what the expected sequence has
 * beyond it was lost, what the delivered one has beyond it was repeated (or invented).
 * Stateless.
 */
final class Audit {
  /** Longest prefix compared (quadratic time); elements beyond it count as lost or repeated. */
  static final int MAX_EXACT_LENGTH = 4_000;

  private Audit() {}

  /** {@code lost} and {@code repeated} element counts. */
  record Result(long lost, long repeated) {
    boolean clean() {
      return lost == 0 && repeated == 0;
    }
  }

  static Result chars(String expected, String delivered) {
    if (expected.equals(delivered)) {
      return new Result(0, 0);
    }
    List<Integer> e = expected.codePoints().boxed().toList();
    List<Integer> d = delivered.codePoints().boxed().toList();
    return compare(e, d);
  }

  static Result words(String expected, String delivered) {
    List<String> e = split(expected);
    List<String> d = split(delivered);
    if (e.equals(d)) {
      return new Result(0, 0);
    }
    return compare(e, d);
  }

  static List<String> split(String text) {
    String t = text.toLowerCase(java.util.Locale.ROOT).replaceAll("[^\\p{L}\\p{N}' ]", " ").trim();
    return t.isEmpty() ? List.of() : List.of(t.split(" +"));
  }

  private static <T> Result compare(List<T> e, List<T> d) {
    int n = Math.min(e.size(), MAX_EXACT_LENGTH);
    int m = Math.min(d.size(), MAX_EXACT_LENGTH);
    int[] prev = new int[m + 1];
    int[] cur = new int[m + 1];
    for (int i = 1; i <= n; i++) {
      for (int j = 1; j <= m; j++) {
        cur[j] = e.get(i - 1).equals(d.get(j - 1)) ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    long lcs = prev[m];
    return new Result(e.size() - lcs, d.size() - lcs);
  }
}
