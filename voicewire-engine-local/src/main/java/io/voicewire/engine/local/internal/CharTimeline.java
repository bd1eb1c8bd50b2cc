package io.voicewire.engine.local.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Start and end times, in milliseconds from the start of a sentence's audio, of every character
 * (code point) of a text. Built from a synthesizer's {@link SentenceTiming}: {@link #original}
 * covers exactly the characters of the input sentence, {@link #normalized} the words the engine
 * actually spoke.
 *
 * <p>Times never decrease from one character to the next and no duration is negative. Characters
 * of a word share out its phones in proportion (character {@code i} of {@code k} spans phones
 * {@code i·p/k} to {@code (i+1)·p/k}, interpolated); characters that match no token (spaces,
 * unmatched symbols) share the gap between their neighbours evenly.
 *
 * <p>Immutable.
 */
final class CharTimeline {
  /** How far ahead a token's text is looked for when it is not at the cursor. */
  private static final int MAX_SKIP_CHARS = 24;

  private final List<String> chars;
  private final double[] startMs;
  private final double[] endMs;

  private CharTimeline(List<String> chars, double[] startMs, double[] endMs) {
    this.chars = List.copyOf(chars);
    this.startMs = startMs;
    this.endMs = endMs;
  }

  int size() {
    return chars.size();
  }

  String charAt(int i) {
    return chars.get(i);
  }

  double startMs(int i) {
    return startMs[i];
  }

  double endMs(int i) {
    return endMs[i];
  }

  /** The characters joined. */
  String text() {
    return String.join("", chars);
  }

  /** Times for exactly the characters of {@code sentence}. */
  static CharTimeline original(String sentence, SentenceTiming timing) {
    List<String> cs = codePoints(sentence);
    int n = cs.size();
    double[] start = new double[n];
    double[] end = new double[n];
    boolean[] covered = new boolean[n];
    int[] cpIndex = cpIndex(sentence);
    int pos = 0;
    for (SentenceTiming.Token token : timing.tokens()) {
      String orig = token.orig().strip();
      if (orig.isEmpty()) {
        continue;
      }
      int at = find(sentence, orig, pos);
      if (at < 0) {
        continue;
      }
      int a = cpIndex[at];
      int b = cpIndex[at + orig.length()];
      spread(token.edgesMs(), start, end, covered, a, b);
      pos = at + orig.length();
    }
    fillGaps(start, end, covered, timing.durationMs());
    return new CharTimeline(cs, start, end);
  }

  /**
   * Times for exactly the characters of {@code text.original()}, from the timing of its spoken
   * text: a verbatim segment takes the times of its characters one for one; any other segment's
   * characters share evenly the time of what they are spoken as; characters spoken as nothing
   * (emoji, markup) are points at the end of the speech before them.
   */
  static CharTimeline original(NormalizedText text, SentenceTiming timing) {
    CharTimeline spoken = original(text.spoken(), timing);
    List<String> cs = codePoints(text.original());
    double[] start = new double[cs.size()];
    double[] end = new double[cs.size()];
    int[] origCp = cpIndex(text.original());
    int[] spokenCp = cpIndex(text.spoken());
    int oa = 0;
    int sa = 0;
    for (int k = 0; k < text.segments(); k++) {
      int o0 = origCp[oa];
      int o1 = origCp[text.origEnd(k)];
      int s0 = spokenCp[sa];
      int s1 = spokenCp[text.spokenEnd(k)];
      if (text.verbatim(k) && o1 - o0 == s1 - s0) {
        for (int i = 0; i < o1 - o0; i++) {
          start[o0 + i] = spoken.startMs(s0 + i);
          end[o0 + i] = spoken.endMs(s0 + i);
        }
      } else if (s1 > s0) {
        double from = spoken.startMs(s0);
        double step = (spoken.endMs(s1 - 1) - from) / Math.max(1, o1 - o0);
        for (int i = 0; i < o1 - o0; i++) {
          start[o0 + i] = from + i * step;
          end[o0 + i] = from + (i + 1) * step;
        }
      } else {
        double at = s0 > 0 ? spoken.endMs(s0 - 1) : 0;
        for (int i = o0; i < o1; i++) {
          start[i] = at;
          end[i] = at;
        }
      }
      oa = text.origEnd(k);
      sa = text.spokenEnd(k);
    }
    return new CharTimeline(cs, start, end);
  }

  /**
   * The normalized text of the sentence (the spoken words separated by single spaces,
   * punctuation attached, a trailing space when the sentence had one) with its times.
   */
  static CharTimeline normalized(String sentence, SentenceTiming timing) {
    StringBuilder text = new StringBuilder();
    List<double[]> wordEdges = new ArrayList<>();
    List<int[]> spans = new ArrayList<>();
    for (SentenceTiming.Token token : timing.tokens()) {
      for (SentenceTiming.Word w : token.words()) {
        String t = w.text().strip();
        if (t.isEmpty()) {
          continue;
        }
        boolean punct = w.phones() == 0;
        if (punct && !isPunctuation(t)) {
          continue; // a silent symbol such as "$": it is spoken as a word elsewhere
        }
        if (!punct && !text.isEmpty()) {
          text.append(' ');
        }
        int a = text.length();
        text.append(t);
        spans.add(new int[] {a, text.length()});
        wordEdges.add(w.edgesMs());
      }
    }
    if (!sentence.isEmpty() && Character.isWhitespace(sentence.charAt(sentence.length() - 1))) {
      text.append(' ');
    }
    String s = text.toString();
    List<String> cs = codePoints(s);
    int[] cpIndex = cpIndex(s);
    int n = cs.size();
    double[] start = new double[n];
    double[] end = new double[n];
    boolean[] covered = new boolean[n];
    for (int k = 0; k < spans.size(); k++) {
      int[] sp = spans.get(k);
      spread(wordEdges.get(k), start, end, covered, cpIndex[sp[0]], cpIndex[sp[1]]);
    }
    fillGaps(start, end, covered, timing.durationMs());
    return new CharTimeline(cs, start, end);
  }

  /** Spreads characters [a, b) over the phones between {@code edges}. */
  private static void spread(double[] edges, double[] start, double[] end, boolean[] covered,
      int a, int b) {
    int k = b - a;
    int phones = edges.length - 1;
    for (int i = 0; i < k; i++) {
      if (phones <= 0) {
        start[a + i] = edges[0];
        end[a + i] = edges[0];
      } else {
        start[a + i] = interpolate(edges, (double) i * phones / k);
        end[a + i] = interpolate(edges, (double) (i + 1) * phones / k);
      }
      covered[a + i] = true;
    }
  }

  private static double interpolate(double[] edges, double x) {
    int i = (int) Math.floor(x);
    if (i >= edges.length - 1) {
      return edges[edges.length - 1];
    }
    double f = x - i;
    return edges[i] + f * (edges[i + 1] - edges[i]);
  }

  /**
   * Gives uncovered characters the time between their covered neighbours, shared evenly, and
   * makes the whole timeline monotonic.
   */
  private static void fillGaps(double[] start, double[] end, boolean[] covered, double total) {
    int n = start.length;
    // monotonic pass over covered characters: a later token never starts before an earlier one
    double last = 0;
    for (int i = 0; i < n; i++) {
      if (covered[i]) {
        start[i] = Math.max(start[i], last);
        end[i] = Math.max(end[i], start[i]);
        last = end[i];
      }
    }
    int i = 0;
    while (i < n) {
      if (covered[i]) {
        i++;
        continue;
      }
      int j = i;
      while (j < n && !covered[j]) {
        j++;
      }
      double from = i == 0 ? 0 : end[i - 1];
      double to = j == n ? Math.max(total, from) : Math.max(start[j], from);
      double step = (to - from) / (j - i);
      for (int k = i; k < j; k++) {
        start[k] = from + (k - i) * step;
        end[k] = from + (k - i + 1) * step;
      }
      i = j;
    }
  }

  /** Index of {@code token} in {@code text} at or after {@code from}, ignoring case; -1 if absent. */
  private static int find(String text, String token, int from) {
    int p = from;
    while (p < text.length() && Character.isWhitespace(text.charAt(p))) {
      p++;
    }
    if (text.regionMatches(true, p, token, 0, token.length())) {
      return p;
    }
    int limit = Math.min(text.length() - token.length(), from + MAX_SKIP_CHARS);
    for (int q = from; q <= limit; q++) {
      if (text.regionMatches(true, q, token, 0, token.length())) {
        return q;
      }
    }
    return -1;
  }

  private static boolean isPunctuation(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (".,;:!?".indexOf(s.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  /** For each UTF-16 index of {@code s} (and its length), the index of its code point. */
  private static int[] cpIndex(String s) {
    int[] cpIndex = new int[s.length() + 1];
    for (int i = 0, cp = 0; i <= s.length(); cp++) {
      cpIndex[i] = cp;
      if (i == s.length()) {
        break;
      }
      int len = Character.charCount(s.codePointAt(i));
      for (int j = 1; j < len; j++) {
        cpIndex[i + j] = cp;
      }
      i += len;
    }
    return cpIndex;
  }

  static List<String> codePoints(String s) {
    List<String> out = new ArrayList<>(s.length());
    for (int i = 0; i < s.length(); ) {
      char c = s.charAt(i);
      if (c < ASCII.length) {
        out.add(ASCII[c]); // no new string per character of the common case
        i++;
        continue;
      }
      int len = Character.charCount(s.codePointAt(i));
      out.add(s.substring(i, i + len));
      i += len;
    }
    return out;
  }

  private static final String[] ASCII = new String[128];

  static {
    for (char c = 0; c < ASCII.length; c++) {
      ASCII[c] = String.valueOf(c);
    }
  }
}
