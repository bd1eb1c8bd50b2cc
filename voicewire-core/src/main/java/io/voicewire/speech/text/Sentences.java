package io.voicewire.speech.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Sentence, clause and word boundaries of English-like text, for releasing and splitting text to
 * synthesize. Splitting is lossless: the pieces concatenated equal the input.
 *
 * <p>Stateless and thread safe.
 */
public final class Sentences {
  private Sentences() {}

  /**
   * The end (exclusive) of the first complete sentence or clause in {@code s} starting at
   * {@code from}: a terminator ({@code . ! ? ; :} or a newline), optional closing quotes or
   * brackets, then whitespace; the whitespace run is included. Abbreviations such as "Mr." and
   * decimals such as "3.5" do not end a sentence, nor does a full stop followed by a word in small
   * letters ("3 p.m. on", "the U.S. and"), nor an abbreviation whose reading depends on what
   * follows it ("p. 14", "ext. 89", "Vol. II", "Ft. Worth"): the normaliser reads them with the
   * next word, so a sentence cut there would be misread. Returns -1 when there is none yet.
   */
  public static int firstBoundary(CharSequence s, int from) {
    int n = s.length();
    for (int i = from; i < n; i++) {
      char c = s.charAt(i);
      if (c == '\n') {
        int j = i + 1;
        while (j < n && Character.isWhitespace(s.charAt(j))) {
          j++;
        }
        return j < n || j > i + 1 ? j : i + 1;
      }
      if (c == '.' || c == '!' || c == '?' || c == ';' || c == ':' || c == '…') {
        int j = i + 1;
        while (j < n && isCloser(s.charAt(j))) {
          j++;
        }
        if (j < n && Character.isWhitespace(s.charAt(j))) {
          if (c == '.' && (isAbbreviation(s, i) || startsInSmallLetters(s, j))) {
            continue;
          }
          while (j < n && Character.isWhitespace(s.charAt(j))) {
            j++;
          }
          return j;
        }
      }
    }
    return -1;
  }

  /** Splits {@code s} losslessly into sentences; the last piece may lack a terminator. */
  public static List<String> split(String s) {
    List<String> out = new ArrayList<>();
    int start = 0;
    int cut;
    while ((cut = firstBoundary(s, start)) > 0 && cut < s.length()) {
      out.add(s.substring(start, cut));
      start = cut;
    }
    if (start < s.length()) {
      out.add(s.substring(start));
    }
    return out;
  }

  /**
   * The end (exclusive) of the last whole word in the first {@code limit} chars: the index just
   * after the last whitespace run. Returns 0 when there is no whitespace.
   */
  public static int lastWordBoundary(CharSequence s, int limit) {
    for (int i = limit - 1; i >= 0; i--) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i + 1;
      }
    }
    return 0;
  }

  /** The start of the word containing index {@code i} (or {@code i} itself at a space). */
  public static int wordStart(CharSequence s, int i) {
    int j = Math.min(i, s.length());
    while (j > 0 && !Character.isWhitespace(s.charAt(j - 1))) {
      j--;
    }
    return j;
  }

  private static boolean isCloser(char c) {
    return c == '"' || c == '\'' || c == ')' || c == ']' || c == '}' || c == '”' || c == '’'
        || c == '“' || c == '‘' || c == '»' || c == '«' || c == '›'
        || c == '\u00A0' || c == '\u202F'; // no-break spaces before French closing guillemets
  }

  private static final java.util.Set<String> ABBREVIATIONS = java.util.Set.of(
      "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "inc",
      "ltd", "co", "mt", "ave", "approx", "dept", "avg");
  /** Abbreviations that stand before a number, and only there: "p. 14", "No. 5", "Fig. 3". */
  private static final java.util.Set<String> BEFORE_NUMBER = java.util.Set.of("no", "p", "pp",
      "fig", "ext", "apt", "bldg", "vol", "ch", "pt", "ste", "sec", "art", "tel", "jan", "feb",
      "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec");
  /** Titles before a name, written with a capital: "Gov. Newsom" (but "my sales rep. Then"). */
  private static final java.util.Set<String> TITLES = java.util.Set.of("Ft", "Gov", "Sen", "Rep",
      "Gen", "Lt", "Capt", "Sgt", "Col", "Rev");
  /** Those of them that a Roman numeral or a letter may follow too: "Vol. II", "Apt. B". */
  private static final java.util.Set<String> BEFORE_NUMERAL = java.util.Set.of("apt", "bldg",
      "vol", "ch", "pt", "ste");

  private static boolean isAbbreviation(CharSequence s, int dot) {
    int j = dot;
    while (j > 0 && (Character.isLetter(s.charAt(j - 1)) || s.charAt(j - 1) == '.')) {
      j--;
    }
    String word = s.subSequence(j, dot).toString().toLowerCase(java.util.Locale.ROOT);
    if (word.length() == 1 && Character.isUpperCase(s.charAt(j))) {
      return true; // an initial, as in "J. Smith"
    }
    if (BEFORE_NUMBER.contains(word)) { // "No. 5", but "the answer is no. We"
      return nextNonSpaceIsDigit(s, dot + 1) || BEFORE_NUMERAL.contains(word)
          && nextIsNumeral(s, dot + 1); // "Vol. II", "Bldg. C"
    }
    if (TITLES.contains(s.subSequence(j, dot).toString())) {
      return true; // "Ft. Worth", "Gov. Newsom" (but "ten ft. Then")
    }
    return ABBREVIATIONS.contains(word);
  }

  /** Whether the next word after the whitespace at {@code from} starts with a small letter. */
  private static boolean startsInSmallLetters(CharSequence s, int from) {
    int k = nextNonSpace(s, from);
    return k < s.length() && Character.isLowerCase(s.charAt(k));
  }

  /** Whether a Roman numeral or a lone capital follows: "II" or "C" in "Vol. II", "Bldg. C". */
  private static boolean nextIsNumeral(CharSequence s, int from) {
    int k = nextNonSpace(s, from);
    int end = k;
    while (end < s.length() && Character.isUpperCase(s.charAt(end))) {
      end++;
    }
    if (end == k || end < s.length() && Character.isLetter(s.charAt(end))) {
      return false; // no capitals, or a word
    }
    String w = s.subSequence(k, end).toString();
    return w.length() == 1 || w.chars().allMatch(c -> "IVXLCDM".indexOf(c) >= 0);
  }

  private static boolean nextNonSpaceIsDigit(CharSequence s, int from) {
    int k = nextNonSpace(s, from);
    return k < s.length() && Character.isDigit(s.charAt(k));
  }

  private static int nextNonSpace(CharSequence s, int from) {
    int k = from;
    while (k < s.length() && Character.isWhitespace(s.charAt(k))) {
      k++;
    }
    return k;
  }
}
