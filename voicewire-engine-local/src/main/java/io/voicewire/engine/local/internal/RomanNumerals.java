package io.voicewire.engine.local.internal;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Roman numerals said as numbers where the word before them says they are numbers: "Chapter IV"
 * is "chapter four", "World War II" "world war two", "Henry VIII" "Henry the eighth", "Rocky
 * III" "Rocky three". Elsewhere a capital word is left as it is ("DC", "MIX", "CV", "Plan C",
 * "an IV drip"): an acronym that happens to be a numeral is far more common than a numeral
 * without its cue. Stateless and thread safe.
 */
final class RomanNumerals {
  private static final Pattern ROMAN = Pattern.compile(
      "M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})");
  /** Words after which a numeral counts: "Part II", "Type I", "Super Bowl LVIII". */
  private static final Set<String> CUES = Set.of("chapter", "part", "act", "scene", "book",
      "volume", "vol", "episode", "phase", "stage", "type", "class", "level", "tier", "grade",
      "war", "article", "title", "round", "season", "series", "step", "bowl", "canto", "psalm",
      "category", "section", "amendment", "vatican", "apollo", "gemini", "mark", "mk");
  /** Cues written short with a full stop, and the cue each stands for. */
  private static final Map<String, String> ABBREVIATED_CUES = Map.of("Vol", "Volume", "vol",
      "volume", "Ch", "Chapter", "ch", "chapter", "Pt", "Part", "Bk", "Book", "Ep", "Episode");
  /** Given names of monarchs and popes: "Louis XIV" is "Louis the fourteenth". */
  private static final Set<String> REGNAL = Set.of("henry", "edward", "george", "william",
      "richard", "charles", "james", "elizabeth", "mary", "louis", "philip", "john", "paul",
      "pius", "leo", "benedict", "gregory", "innocent", "clement", "alexander", "frederick",
      "ferdinand", "napoleon", "peter", "catherine", "nicholas", "ivan", "alfonso", "carlos",
      "juan", "victor", "emmanuel", "wilhelm", "otto", "ludwig", "constantine", "ptolemy",
      "ramesses", "rameses", "thutmose", "amenhotep", "anne", "harold", "stephen", "david",
      "robert", "olaf", "haakon", "harald", "gustav", "christian", "frederik", "felipe",
      "willem", "albert", "leopold", "umberto", "francis", "franz", "joseph", "karl", "casimir",
      "vladimir", "urban", "boniface", "sixtus", "julius", "adrian", "eugene", "felix",
      "rama", "carl", "sancho", "baldwin", "hugh", "otho", "selim", "mehmed", "murad",
      "suleiman", "darius", "xerxes", "cleopatra", "antiochus", "herod", "mithridates");

  private RomanNumerals() {}

  /** A cheap first look, before the word before it is found: it starts with a numeral letter. */
  static boolean mayBe(String word) {
    return !word.isEmpty() && "IVXLCDM".indexOf(word.charAt(0)) >= 0;
  }

  /**
   * How {@code word} is said after {@code before} (the word just before it, "" when there is
   * none), or null when it is not read as a numeral there.
   */
  static String say(String before, String word) {
    if (word.isEmpty() || before.isEmpty() || !ROMAN.matcher(word).matches()) {
      return null;
    }
    if (before.endsWith(".")) { // "Vol. II", "Ch. IV"; a full stop after another word ends it
      String cue = ABBREVIATED_CUES.get(before.substring(0, before.length() - 1));
      return cue == null ? null : say(cue, word);
    }
    String prev = before.toLowerCase(Locale.ROOT);
    boolean small = word.chars().allMatch(c -> c == 'I' || c == 'V' || c == 'X');
    int value = value(word);
    if (CUES.contains(prev)) {
      // one letter only after a capital cue: "Part I", but "in part I think" is the pronoun
      boolean one = word.length() == 1;
      return !one || (small && Character.isUpperCase(before.charAt(0)))
          ? NumberWords.cardinal(value) : null;
    }
    if (!small || !isTitleCase(before)) {
      return null;
    }
    if (REGNAL.contains(prev)) {
      return "the " + NumberWords.ordinal(Integer.toString(value));
    }
    if (word.length() == 1 || word.equals("IV") || word.equals("VI")) {
      return null; // "Malcolm X", "Give IV fluids", "Vim VI": not numbers
    }
    return NumberWords.cardinal(value);
  }

  private static boolean isTitleCase(String w) {
    if (w.length() < 2 || !Character.isUpperCase(w.charAt(0))) {
      return false;
    }
    for (int i = 1; i < w.length(); i++) {
      if (!Character.isLowerCase(w.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** The value of a well-formed numeral. */
  static int value(String roman) {
    int total = 0;
    for (int i = 0; i < roman.length(); i++) {
      int v = digit(roman.charAt(i));
      boolean subtract = i + 1 < roman.length() && digit(roman.charAt(i + 1)) > v;
      total += subtract ? -v : v;
    }
    return total;
  }

  private static int digit(char c) {
    return switch (c) {
      case 'I' -> 1;
      case 'V' -> 5;
      case 'X' -> 10;
      case 'L' -> 50;
      case 'C' -> 100;
      case 'D' -> 500;
      default -> 1000;
    };
  }
}
