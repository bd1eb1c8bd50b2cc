package io.voicewire.engine.local.internal;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Letters written with full stops, which the default voice took for sentence ends: an
 * initialism ({@code U.S.}, {@code Ph.D.}, {@code M.D.}: its letters, with no stop between
 * them; "She has a Ph.D. and he is an M.D. from the U.K." took 8.1 s against 3.6 s) and a
 * name's initials ({@code J. K. Rowling}, {@code George W. Bush}: 1.07 and 0.52 s of pauses). A
 * full stop that may end the sentence as well stays. Stateless and thread safe.
 */
final class Initials {
  /** Letters each with a full stop, the first one or two: U.S., U.S.A., Ph.D., a.k.a. */
  private static final Pattern INITIALISM = Pattern.compile(
      "[A-Za-z]{1,2}\\.(?:[A-Za-z]\\.)+(?![A-Za-z\\d])");
  /** After an initial's full stop: another initial, or a capitalised word (a name). */
  private static final Pattern NAME_AFTER = Pattern.compile("\\. +(?:[A-Z]\\.|([A-Z][a-z]+))");
  /** Capitalised words that start sentences rather than follow an initial. */
  private static final Set<String> SENTENCE_STARTS = Set.of("The", "A", "An", "It", "Its", "I",
      "We", "You", "He", "She", "They", "This", "That", "These", "Those", "There", "Then", "But",
      "And", "So", "Or", "In", "On", "At", "My", "Our", "Your", "His", "Her", "Their", "What",
      "When", "Where", "Why", "How", "If", "Now", "Yes", "No", "Not", "Let", "Please", "Also");

  private Initials() {}

  /** The letters at {@code i} (a word of letters up to {@code wordEnd}) said; false if none. */
  static boolean word(TextNormalizer.Scan sc, int i, int wordEnd) {
    String s = sc.s;
    if (i > 0 && (Character.isLetterOrDigit(s.charAt(i - 1)) || s.charAt(i - 1) == '.')) {
      return false;
    }
    if (wordEnd <= i + 2 && sc.at(INITIALISM, i)) {
      int end = sc.m.end();
      String letters = sc.m.group().replace(".", "").toUpperCase(java.util.Locale.ROOT);
      boolean last = sc.at(Abbreviations.SENTENCE_AFTER, end);
      sc.b.say(end, String.join(" ", letters.split("")) + (last ? "." : ""));
      return true;
    }
    char c = s.charAt(i);
    if (wordEnd == i + 1 && c >= 'A' && c <= 'Z' && sc.at(NAME_AFTER, wordEnd)
        && (sc.m.group(1) == null || !SENTENCE_STARTS.contains(sc.m.group(1)))) {
      sc.b.say(wordEnd + 1, s.substring(i, wordEnd)); // "J. K. Rowling": no stop after J, K
      return true;
    }
    return false;
  }
}
