package io.voicewire.engine.local.internal;

import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The words of addresses and directions for {@link TextNormalizer}, which the voices spell or
 * misread: a street's type after its name ("Oak Ave." "Oak Avenue", "Sunset Blvd", "5th Ave"),
 * "St." as Street after a name and Saint before one ("Baker St.", "St. Louis"), "Mt." and "Ft."
 * before a name ("Mount Everest", "Fort Worth"), a suite's number ("Ste. 400"), "Jr." and "Sr."
 * beside a name, and a direction after a street or a route ("Ave NW", "I-95 N", "Hwy 101 SB").
 * A type only abbreviation of one name (Blvd, Hwy, Pkwy) is always said; one that is also a
 * title or a word ("Dr. Smith", "Ave Maria") only after a capitalized name and not before one.
 * Stateless and thread safe.
 */
final class Streets {
  /** Each line: a street type as written (without its full stop), then what is said. */
  private static final Map<String, String> TYPES = NumberTokens.table("""
      St Street
      Ave Avenue
      Rd Road
      Ln Lane
      Ct Court
      Dr Drive
      Pl Place
      Sq Square
      Ter Terrace
      Blvd Boulevard
      Hwy Highway
      Pkwy Parkway
      Fwy Freeway
      Expy Expressway
      """);
  /** Types that name nothing else, said wherever they stand. */
  private static final Set<String> ALWAYS = Set.of("Blvd", "Hwy", "Pkwy", "Fwy", "Expy");
  /** Before a capitalized name: the title or place word said. */
  private static final Map<String, String> BEFORE_NAME = Map.of("St", "Saint", "Mt", "Mount",
      "Ft", "Fort");
  private static final Map<String, String> DIRECTIONS = NumberTokens.table("""
      N north
      S south
      E east
      W west
      NE northeast
      NW northwest
      SE southeast
      SW southwest
      NB northbound
      SB southbound
      EB eastbound
      WB westbound
      """);
  /** A street (its type, written either way) or a route's number, just before a direction. */
  private static final Pattern ROAD_BEFORE = Pattern.compile("(?:(?<![A-Za-z])(?:St|Ave|Rd|Dr"
      + "|Blvd|Hwy|Pkwy|Ln|Street|Avenue|Road|Drive|Boulevard|Way|Lane)\\.?"
      + "|(?:(?<![A-Za-z])I-|(?:Hwy|Highway|Route|Rte|US|SR|Interstate)\\.?[ -]?)\\d{1,3}),? $");
  /** Capitalized words before "St." that are not a street's name: "The St. Regis". */
  private static final Set<String> NOT_NAMES = Set.of("The", "A", "An", "At", "In", "On", "To",
      "Of", "From", "By", "For", "And", "Or", "Near", "Via", "Visit", "See", "Ask", "Call");
  /** A word that starts with a capital and goes on in small letters: a name. */
  private static final Pattern NAME = Pattern.compile("\\.?\\s+[A-Z][a-z]");
  /** A capital after a full stop: a name, or a new sentence. */
  private static final Pattern CAPITAL_AFTER = Pattern.compile("\\.\\s+[A-Z]");
  /** A number (or a capital and a number) after a suite: "Ste. 400", "Ste B2". */
  private static final Pattern SUITE_NUMBER = Pattern.compile("\\.?\\s?(?:\\d|[A-Z]\\d)");
  /** What a direction is followed by: not more of a word or a code ("NW1 6XE" is a postcode). */
  private static final Pattern DIRECTION_END = Pattern.compile("(?![A-Za-z0-9])");

  private Streets() {}

  /** Says the address word at {@code i} (a letter); false when there is none. */
  static boolean word(TextNormalizer.Scan sc, int i, int wordEnd) {
    int len = wordEnd - i;
    if (len < 1 || len > 4 || !Character.isUpperCase(sc.s.charAt(i))) {
      return false;
    }
    String w = sc.s.substring(i, wordEnd);
    boolean dot = wordEnd < sc.n && sc.s.charAt(wordEnd) == '.';
    int end = dot ? wordEnd + 1 : wordEnd;
    String direction = DIRECTIONS.get(w);
    if (direction != null) {
      if (!sc.at(DIRECTION_END, wordEnd) || !afterRoad(sc.s, i)) {
        return false;
      }
      sc.b.say(wordEnd, direction);
      return true;
    }
    String said = said(sc, i, wordEnd, w, dot);
    if (said == null) {
      return false;
    }
    // a street's full stop at the end or before a capital ("down Main St. Then") ends a sentence
    boolean endsSentence = dot && (end >= sc.n || sc.s.charAt(end) == '\n'
        || TYPES.containsValue(said) && sc.at(CAPITAL_AFTER, wordEnd));
    sc.b.say(endsSentence ? wordEnd : end, said);
    return true;
  }

  private static String said(TextNormalizer.Scan sc, int i, int wordEnd, String w, boolean dot) {
    boolean nameAfter = sc.at(NAME, wordEnd);
    String before = sc.wordBefore(i, false);
    boolean afterName = !before.isEmpty() && Character.isUpperCase(before.charAt(0))
        && !NOT_NAMES.contains(before) || afterOrdinal(sc.s, i);
    if (w.equals("Jr") || w.equals("Sr")) {
      boolean afterComma = sc.s.startsWith(", ", Math.max(0, i - 2)) && i >= 3
          && Character.isLetter(sc.s.charAt(i - 3));
      return afterName || afterComma || dot && sc.at(CAPITAL_AFTER, wordEnd)
          ? (w.equals("Jr") ? "Junior" : "Senior") : null;
    }
    if (w.equals("Ste")) {
      return sc.at(SUITE_NUMBER, wordEnd) ? "Suite" : null;
    }
    String type = TYPES.get(w);
    if (ALWAYS.contains(w)) {
      return type;
    }
    boolean initial = afterName && sentenceInitial(sc.s, i - 1);
    if (type != null && afterName && (!nameAfter || dot && !initial)) {
      return type; // "Main St. is closed", "Baker St., London", "down Main St. Then"
    }
    return nameAfter ? BEFORE_NAME.get(w) : null; // "St. Louis", "Mt. Everest", or null
  }

  /** Whether the word before the spaces that end at {@code end} starts a sentence. */
  private static boolean sentenceInitial(String s, int end) {
    int k = end;
    while (k >= 0 && s.charAt(k) == ' ') {
      k--;
    }
    while (k >= 0 && Character.isLetter(s.charAt(k))) {
      k--;
    }
    while (k >= 0 && s.charAt(k) == ' ') {
      k--;
    }
    return k < 0 || ".!?\n\"“(".indexOf(s.charAt(k)) >= 0;
  }

  /** Whether an ordinal written in digits stands just before {@code i}: "5th Ave". */
  private static boolean afterOrdinal(String s, int i) {
    return s.substring(Math.max(0, i - 6), i).matches("(?s).*\\d(?:st|nd|rd|th) ");
  }

  private static boolean afterRoad(String s, int i) {
    Matcher m = ROAD_BEFORE.matcher(s);
    m.useTransparentBounds(true);
    m.region(Math.max(0, i - 20), i);
    return m.find();
  }
}
