package io.voicewire.engine.local.internal;

import java.util.regex.Pattern;

/**
 * Units of {@link Measures#unitAfter} written as a mark or in two words: inches as a double
 * prime or a straight double quotation mark ({@code 15.6" display}: "fifteen point six inch
 * display", told from a quotation's closing mark by the marks before it), an area ({@code 1,850
 * sq ft}, {@code sq. m}, {@code sqft}) and a unit after a plus ({@code 5+ yrs}: "five plus
 * years"). Stateless and thread safe.
 */
final class UnitMarks {
  /** An area: "sq ft", "sq. ft.", "sqft", "sq m". */
  private static final Pattern SQUARE = Pattern.compile("\\s?(?:sq\\.? ?(ft|m|mi|km|in|yd)|sqft)"
      + "(?![A-Za-z])(?:\\.(?= [a-z]))?");
  /** A double prime or a straight double quotation mark right after a number: inches. */
  private static final Pattern INCH_MARK = Pattern.compile("[\"″](?![\\w\"])");
  /** A word after inches that they describe: "a 15.6\" display" (but "6\" of snow", "6\" long"). */
  private static final Pattern NOUN_AFTER_INCHES = Pattern.compile(" (?!(?i:of|long|wide|tall"
      + "|high|deep|thick|in|and|or|to|by|x|across|away)(?![a-z]))[A-Za-z]");

  private UnitMarks() {}

  /**
   * The unit at {@code end}, right after a number, said (" square feet", " inch"; {@code one}:
   * the singular), with {@code sc.m} ending after it; null when none of these follows.
   */
  static String after(TextNormalizer.Scan sc, int end, boolean one) {
    if (sc.at(SQUARE, end)) {
      String u = switch (sc.m.group(1) == null ? "ft" : sc.m.group(1)) {
        case "ft" -> "feet";
        case "m" -> "meters";
        case "mi" -> "miles";
        case "km" -> "kilometers";
        case "in" -> "inches";
        default -> "yards";
      };
      return " square " + (one ? Measures.singular(u) : u); // 1,850 sq ft, 40 sq. m
    }
    if (end < sc.n && sc.s.charAt(end) == '+' && (end + 1 == sc.n
        || !Character.isDigit(sc.s.charAt(end + 1)))) {
      String u = Measures.unitAfter(sc, end + 1, false);
      return u == null ? null : " plus" + u; // 5+ yrs: "five plus years"
    }
    if (sc.at(INCH_MARK, end) && !inQuotation(sc.s, end)) {
      boolean adjective = NOUN_AFTER_INCHES.matcher(sc.s).region(end + 1, sc.n).lookingAt();
      return one || adjective ? " inch" : " inches"; // a 15.6" display, 6-10" of snow
    }
    return null;
  }

  /**
   * Whether a straight double quotation mark at {@code at} closes a quotation ("take 5") rather
   * than marks inches (15.6"): the marks before it, read in order, open and close quotations,
   * except one right after a digit outside a quotation, which is inches.
   */
  private static boolean inQuotation(String s, int at) {
    boolean inside = false;
    for (int k = s.indexOf('"'); k >= 0 && k < at; k = s.indexOf('"', k + 1)) {
      if (inside || k == 0 || !Character.isDigit(s.charAt(k - 1))) {
        inside = !inside;
      }
    }
    return inside;
  }
}
