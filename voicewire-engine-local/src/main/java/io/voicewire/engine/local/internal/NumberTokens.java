package io.voicewire.engine.local.internal;

import static io.voicewire.engine.local.internal.NumberWords.cardinal;
import static io.voicewire.engine.local.internal.NumberWords.ordinal;
import static io.voicewire.engine.local.internal.NumberWords.year;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tokens of {@link TextNormalizer} that start with a digit (amounts of money: {@link Money};
 * units, feet, sizes and ratings: {@link Measures}): dates, times, ratios, phone numbers, ranges,
 * fractions, versions, numbers with their suffixes; fraction characters. Stateless and thread
 * safe.
 */
final class NumberTokens {

  private NumberTokens() {}

  /**
   * A fraction character at {@code i} ({@code ½ tsp}, {@code 2¾}: "one half teaspoon", "two and
   * three quarters"); false for any other character.
   */
  static boolean vulgarFraction(TextNormalizer.Scan sc, int i, int cp) {
    String f = VULGAR.get(cp);
    if (f == null) {
      return false;
    }
    int end = i + Character.charCount(cp);
    String words = (i > 0 && Character.isDigit(sc.s.charAt(i - 1)) ? "and " : "") + f;
    // ½ tsp: "one half teaspoon"; 1½ hrs: "one and one half hours"
    String unit = Measures.unitAfter(sc, end, i == 0 || !Character.isDigit(sc.s.charAt(i - 1)));
    if (unit != null) {
      words += unit;
      end = sc.m.end();
    }
    sc.b.say(end, words);
    return true;
  }

  /** A table of lines "key what is said" (the key has no space). */
  static Map<String, String> table(String lines) {
    Map<String, String> t = new HashMap<>();
    lines.lines().map(String::strip).forEach(l -> t.put(l.substring(0, l.indexOf(' ')),
        l.substring(l.indexOf(' ') + 1)));
    return Map.copyOf(t);
  }

  private static final Set<Integer> COMMON_DENOMINATORS = Set.of(2, 3, 4, 5, 6, 8, 10, 12, 16,
      32, 64, 100);
  private static final Pattern PAREN_PHONE = Pattern.compile(
      "\\((\\d{3})\\)\\s?(\\d{3})[-.\\s](\\d{4})(?![\\d-])");
  private static final Pattern INTL_PHONE = Pattern.compile(
      "\\+\\d{1,3}(?:[\\s.-]\\(?\\d{1,4}\\)?){2,5}(?![\\d-]|\\.\\d)");
  private static final Pattern DOT_PHONE = Pattern.compile("\\d{3}\\.\\d{3}\\.\\d{4}(?![\\d.])");
  private static final Map<Integer, String> VULGAR = Map.ofEntries(Map.entry((int) '½',
      "one half"), Map.entry((int) '⅓', "one third"), Map.entry((int) '⅔', "two thirds"),
      Map.entry((int) '¼', "one quarter"), Map.entry((int) '¾', "three quarters"),
      Map.entry((int) '⅕', "one fifth"), Map.entry((int) '⅖', "two fifths"),
      Map.entry((int) '⅗', "three fifths"), Map.entry((int) '⅘', "four fifths"),
      Map.entry((int) '⅙', "one sixth"), Map.entry((int) '⅚', "five sixths"),
      Map.entry((int) '⅛', "one eighth"), Map.entry((int) '⅜', "three eighths"),
      Map.entry((int) '⅝', "five eighths"), Map.entry((int) '⅞', "seven eighths"));
  /** "ers" after a number, as teams are named: 49ers, 76ers. */
  private static final Pattern TEAM_SUFFIX = Pattern.compile("ers(?![A-Za-z])");
  /** A scale after a decimal number: 2.3M, 1.5B, 4.2bn (after a whole number, 4B is a room). */
  private static final Pattern DECIMAL_SCALE = Pattern.compile("\\s?(M|B|bn|mn)(?![A-Za-z])");
  /** A blood pressure: 120/80 mmHg, or after "BP" without its unit (BP 130/85). */
  private static final Pattern BLOOD_PRESSURE = Pattern.compile(
      "(\\d{2,3})/(\\d{2,3})(\\s?mm\\s?Hg(?![A-Za-z]))?(?![\\d/])");
  /** Before a blood pressure without its unit: "BP 130/85", "blood pressure was 128/82". */
  private static final Pattern BP_BEFORE = Pattern.compile("(?s)(?:.*[^A-Za-z])?(?:BP|(?i:blood"
      + " pressure))(?::| (?:is|was|of|at|reading|reading of|now|down to|up to))? ?");
  /** A whole number and a fraction: "1 1/2 cups", "2-3/4 inches" (not "5 1/2/3"). */
  private static final Pattern MIXED_NUMBER = Pattern.compile(
      "(\\d{1,3})[ -](\\d{1,2})/(\\d{1,2})(?![\\d/])");
  /** A number with a leading zero and two more groups: 020 7946 0958. */
  private static final Pattern LOCAL_PHONE = Pattern.compile(
      "0\\d{2,4}(?:[ -]\\d{3,4}){2}(?![\\d-])");
  private static final Pattern IPV4 = Pattern.compile(
      "(?:(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)(?![\\d.])");
  /** A state's two capitals and a space before five digits. */
  private static final Pattern ZIP_STATE = Pattern.compile("[A-Z]{2} ");

  /** A day before its month, as British English writes dates: "8 Dec", "1st January". */
  private static final Pattern DAY_MONTH = Pattern.compile("(\\d{1,2})(?:st|nd|rd|th)? "
      + "(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
      + "|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)(?![A-Za-z])"
      + "(?:\\.(?= \\d))?");
  /** A number in scientific notation: 1e-6, 3.2e10, 6.02E23. */
  private static final Pattern SCIENTIFIC = Pattern.compile(
      "(\\d{1,3}(?:\\.\\d{1,6})?)[eE]([-+−]?)(\\d{1,3})(?!\\w|\\.\\d)");
  /** Before a slash, what makes it a rating: "Rating: 4/5", "rated it 3/5", "★★★★☆ (4/5)". */
  private static final Pattern RATING_BEFORE = Pattern.compile(
      "(?is).*(?:rat(?:ing|ed|e)|scor(?:e|ed)|review|[★☆])[^.!?\\d]{0,12}");
  /** {@code 2^10}, {@code 10^-6}: "two to the power of ten", "ten to the power of minus six". */
  private static final Pattern POWER =
      Pattern.compile("(\\d{1,6})\\^(-?)(\\d{1,3})(?!\\d|[.,]\\d|\\^)");

  /** The token at {@code i}, which is a digit. */
  static void number(TextNormalizer.Scan sc, int i) {
    Matcher m = sc.m;
    if (Measures.identifier(sc, i) || Money.signAfter(sc, i) || dayMonth(sc, i)) {
      return;
    }
    if ((sc.at(TextNormalizer.ISO_DATE, i) && date(sc, m.end(), m.group(1), m.group(2),
        m.group(3)))
        || (sc.at(TextNormalizer.SLASH_DATE, i) && slashDate(sc, m))
        || (sc.at(TextNormalizer.DOT_DATE, i) && date(sc, m.end(), m.group(3), m.group(2),
            m.group(1)))
        || (sc.at(TextNormalizer.TIME, i) && time(sc, m))
        || (sc.at(TextNormalizer.HOUR_AMPM, i) && hourAmPm(sc, m))) {
      return;
    }
    if (Measures.measure(sc, i) || mixedNumber(sc, i)) {
      return;
    }
    if (sc.at(SCIENTIFIC, i) && (i == 0 || !Character.isLetter(sc.s.charAt(i - 1)))) {
      sc.b.say(m.end(), NumberWords.decimal(m.group(1)) + " times ten to the "
          + (m.group(2).isEmpty() || m.group(2).equals("+") ? "" : "minus ")
          + cardinal(m.group(3))); // 1e-6: "one times ten to the minus six"
    } else if (sc.at(POWER, i)) {
      sc.b.say(m.end(), cardinal(m.group(1)) + " to the power of "
          + (m.group(2).isEmpty() ? "" : "minus ") + cardinal(m.group(3)));
    } else if (sc.at(TextNormalizer.RATIO, i)) {
      sc.b.say(m.end(), cardinal(m.group(1)) + " to " + cardinal(m.group(2)));
    } else if (sc.at(TextNormalizer.PHONE, i)) {
      sc.b.say(m.end(), phoneWords(m.group().split("-")));
    } else if (sc.at(RETIREMENT_PLAN, i)) {
      sc.b.say(m.end(), NumberWords.digits(m.group(1)).replace("zero", "oh") + " "
          + m.group(2)); // 401(k): "four oh one k"
    } else if ((i == 0 || !Character.isLetter(sc.s.charAt(i - 1)))
        && sc.at(TextNormalizer.RANGE, i)) { // i7-1355U is a name
      String a = m.group(1).replace(",", "");
      String b = m.group(2).replace(",", "");
      boolean years = m.group(1).length() == 4 && m.group(2).length() == 4; // 2020–2023
      int end = m.end();
      String said = (years ? year(a, true) : cardinal(a)) + (split(sc, a, b, end) ? " " : " to ")
          + (years ? year(b, true) : cardinal(b));
      if (a.length() <= 2 && b.length() <= 2 && sc.at(AMPM_AFTER, end)) {
        said += Character.toLowerCase(m.group(1).charAt(0)) == 'a' ? " a m" : " p m"; // 2-4pm
        end = m.end();
      }
      String unit = years ? null : Measures.unitAfter(sc, end, false); // 10–15 mph
      sc.b.say(unit == null ? end : m.end(), unit == null ? said : said + unit);
    } else if (sc.at(BLOOD_PRESSURE, i) && (m.group(3) != null
        || BP_BEFORE.matcher(sc.s.substring(Math.max(0, i - 24), i)).matches())) {
      sc.b.say(m.end(), cardinal(m.group(1)) + " over " + cardinal(m.group(2))
          + (m.group(3) != null ? " millimeters of mercury" : "")); // 120/80 mmHg, BP 130/85
    } else if (sc.at(TextNormalizer.FRACTION, i) && !m.group(2).equals("0")) {
      boolean ofAfter = sc.s.startsWith(" of", m.end());
      boolean rated = !ofAfter && (sc.s.startsWith(" star", m.end()) || RATING_BEFORE.matcher(
          sc.s.substring(Math.max(0, i - 24), i)).matches());
      String num = m.group(1);
      String den = m.group(2);
      int end = m.end();
      String said = rated && Integer.parseInt(num) <= Integer.parseInt(den)
          ? cardinal(num) + " out of " + cardinal(den) : slash(num, den, ofAfter);
      String unit = proper(num, den) ? Measures.unitAfter(sc, end, true) : null;
      sc.b.say(unit == null ? end : m.end(), unit == null ? said : said + unit); // 3/4 tsp
    } else if (sc.at(LOCAL_PHONE, i)) {
      sc.b.say(m.end(), phoneWords(m.group().split("[ -]")));
    } else if (sc.at(IPV4, i)) {
      StringBuilder w = new StringBuilder();
      for (String part : m.group().split("\\.")) {
        w.append(w.isEmpty() ? "" : " dot ").append(NumberWords.digits(part));
      }
      sc.b.say(m.end(), w.toString());
    } else if (sc.at(DOT_PHONE, i)) {
      sc.b.say(m.end(), phoneWords(m.group().split("\\.")));
    } else if (sc.at(TextNormalizer.VERSION, i)) {
      StringBuilder w = new StringBuilder();
      for (String part : m.group().split("\\.")) {
        w.append(w.isEmpty() ? "" : " point ").append(cardinal(part));
      }
      sc.b.say(m.end(), w.toString());
    } else if (!Money.currencyCode(sc, i)) {
      sc.at(TextNormalizer.NUMBER, i);
      plainNumber(sc, m.group(1), m.group(2), m.end());
    }
  }

  /** A retirement plan named by its section of the tax code: 401(k), 403(b). */
  private static final Pattern RETIREMENT_PLAN = Pattern.compile("(40[13]|457)\\(([kb])\\)");
  /** a.m. or p.m. after a range of hours: "2-4pm", "9-11 a.m." */
  private static final Pattern AMPM_AFTER = Pattern.compile(
      "\\s?([AaPp])\\.?\\s?[Mm](?![A-Za-z])(?:\\.(?=[,;:!?)]|\\s+[a-z\\d(]))?");
  /** What makes two numbers with a hyphen that add up to 100 a split: "a 60-40 split". */
  private static final Pattern SPLIT_AFTER = Pattern.compile("[ -](?:split|chance|shot|odds"
      + "|ratio|mix|rule|deal|vote|blend|partnership|proposition|call)s?(?![A-Za-z])");

  /** "50-50" and "a 60-40 split" are said "fifty fifty", "sixty forty": no range. */
  private static boolean split(TextNormalizer.Scan sc, String a, String b, int end) {
    if (a.length() > 2 || b.length() > 2) {
      return false;
    }
    int x = Integer.parseInt(a);
    int y = Integer.parseInt(b);
    return x == 50 && y == 50 || x + y == 100 && SPLIT_AFTER.matcher(sc.s).region(end,
        sc.s.length()).lookingAt();
  }

  /** Words that say the number after them is a year ("in 1066", "circa 1050"). */
  private static final Set<String> YEAR_BEFORE =
      Set.of("in", "since", "until", "till", "circa", "c.", "ca.", "year");
  private static final Pattern ERA = Pattern.compile("\\s?(AD|BC|BCE|CE)(?![A-Za-z])");

  /** The four digits at {@code start..end} are a year by the words around them. */
  private static boolean saidAsYear(TextNormalizer.Scan sc, int start, int end) {
    return ERA.matcher(sc.s).region(end, sc.s.length()).lookingAt()
        || YEAR_BEFORE.contains(sc.wordBefore(start, true).toLowerCase(java.util.Locale.ROOT));
  }

  private static void plainNumber(TextNormalizer.Scan sc, String whole, String frac, int end) {
    Matcher m = sc.m;
    boolean plain = frac == null && whole.indexOf(',') < 0;
    String words;
    if (plain && sc.at(TextNormalizer.ORDINAL_SUFFIX, end)) {
      words = ordinal(whole);
      end = m.end();
    } else if (plain && sc.at(TEAM_SUFFIX, end)) {
      words = cardinal(whole);
      words += words.endsWith("e") ? "rs" : "ers"; // the 49ers, the 76ers: niners, sixers
      end = m.end();
    } else if (plain && sc.at(TextNormalizer.PLURAL_SUFFIX, end)) {
      words = m.group().equals("s") && Measures.seconds(sc, end - whole.length(), whole)
          ? cardinal(whole) + (whole.equals("1") ? " second" : " seconds") // wait 45s
          : NumberWords.plural(whole.length() == 4 ? year(whole) : cardinal(whole));
      end = m.end();
    } else {
      if (!plain) {
        words = NumberWords.decimal(frac == null ? whole : whole + "." + frac);
      } else if (whole.length() > 1 && whole.charAt(0) == '0') {
        words = NumberWords.digits(whole); // a PIN, a code: 0042
      } else if (whole.length() == 5 && end >= 8
          && ZIP_STATE.matcher(sc.s.substring(end - 8, end - 5)).matches()) {
        words = NumberWords.digits(whole); // DC 20500: a ZIP code
      } else if (whole.length() == 4) {
        words = year(whole, saidAsYear(sc, end - 4, end));
      } else {
        words = cardinal(whole);
      }
      if (!plain && sc.at(DECIMAL_SCALE, end)) {
        words += " " + Money.scaleWord(m.group(1)); // 2.3M downloads
        end = m.end();
      } else {
        String unit = Measures.unitAfter(sc, end, plain && whole.equals("1"));
        if (unit != null) {
          words += unit;
          end = m.end();
        }
      }
    }
    sc.b.say(end, words);
  }

  private static boolean date(TextNormalizer.Scan sc, int end, String y, String mo, String d) {
    int month = Integer.parseInt(mo);
    int day = Integer.parseInt(d);
    if (month < 1 || month > 12 || day < 1 || day > 31) {
      return false;
    }
    String year = y.length() == 2 ? twoDigitYear(y) : year(y);
    sc.b.say(end, TextNormalizer.MONTHS[month - 1] + " " + ordinal(d) + ", " + year);
    return true;
  }

  private static boolean slashDate(TextNormalizer.Scan sc, Matcher m) {
    int a = Integer.parseInt(m.group(1));
    int b = Integer.parseInt(m.group(2));
    if (a >= 1 && a <= 12) {
      return date(sc, m.end(), m.group(3), m.group(1), m.group(2));
    }
    return b <= 12 && date(sc, m.end(), m.group(3), m.group(2), m.group(1));
  }

  private static String twoDigitYear(String yy) {
    int y = Integer.parseInt(yy);
    return y < 10 ? "oh " + cardinal(y) : cardinal(y);
  }

  private static boolean time(TextNormalizer.Scan sc, Matcher m) {
    int h = Integer.parseInt(m.group(1));
    int min = Integer.parseInt(m.group(2));
    String sec = m.group(3);
    String ampm = m.group(4);
    if (h > 24 || min > 59 || (sec != null && Integer.parseInt(sec) > 59)
        || (ampm != null && h > 12)) {
      return false;
    }
    StringBuilder w = new StringBuilder(cardinal(h));
    if (min > 0) {
      w.append(' ').append(NumberWords.minutes(m.group(2)));
    } else if (ampm == null) {
      w.append(h > 12 ? " hundred" : " o'clock");
    }
    if (sec != null && Integer.parseInt(sec) > 0) {
      w.append(" and ").append(cardinal(sec)).append(sec.equals("01") ? " second" : " seconds");
    }
    if (ampm != null) {
      w.append(Character.toLowerCase(ampm.charAt(0)) == 'a' ? " a m" : " p m");
    }
    sc.b.say(m.end(), w.toString());
    return true;
  }

  private static boolean hourAmPm(TextNormalizer.Scan sc, Matcher m) {
    int h = Integer.parseInt(m.group(1));
    if (h < 1 || h > 12) {
      return false;
    }
    sc.b.say(m.end(), cardinal(h) + (Character.toLowerCase(m.group(2).charAt(0)) == 'a'
        ? " a m" : " p m"));
    return true;
  }

  /** "8 Dec", "1st January": "the eighth of december"; false when there is none at {@code i}. */
  private static boolean dayMonth(TextNormalizer.Scan sc, int i) {
    Matcher m = sc.m;
    if (!sc.at(DAY_MONTH, i)) {
      return false;
    }
    int day = Integer.parseInt(m.group(1));
    if (day < 1 || day > 31) {
      return false;
    }
    String name = monthNamed(m.group(2));
    boolean the = sc.wordBefore(i, false).equalsIgnoreCase("the"); // "the 15 June lectures"
    sc.b.say(m.end(), (the ? "" : "the ") + NumberWords.ordinal(m.group(1)) + " of " + name);
    return true;
  }

  /** The month that {@code written} (its name, or its first three letters and more) names. */
  static String monthNamed(String written) {
    String start = written.substring(0, 3).toLowerCase(java.util.Locale.ROOT);
    return java.util.Arrays.stream(TextNormalizer.MONTHS).filter(n -> n.startsWith(start))
        .findFirst().orElseThrow();
  }

  /**
   * A whole number and a proper fraction at {@code i}, as recipes and sizes write them ("1 1/2
   * cups": "one and one half cups", "2-3/4 in": "two and three quarters inches"); false when
   * there is none.
   */
  private static boolean mixedNumber(TextNormalizer.Scan sc, int i) {
    Matcher m = sc.m;
    if (!sc.at(MIXED_NUMBER, i) || !proper(m.group(2), m.group(3))) {
      return false;
    }
    String said = cardinal(m.group(1)) + " and " + fraction(m.group(2), m.group(3));
    int end = m.end();
    String unit = Measures.unitAfter(sc, end, false);
    sc.b.say(unit == null ? end : m.end(), unit == null ? said : said + unit);
    return true;
  }

  /** A fraction below one with a denominator that fractions are written with: 1/2, 3/4, 5/8. */
  private static boolean proper(String num, String den) {
    int a = Integer.parseInt(num);
    int d = Integer.parseInt(den);
    return a >= 1 && a < d && COMMON_DENOMINATORS.contains(d) && d != 10 && d != 100;
  }

  /**
   * Two numbers with a slash and no year: a score out of ten or a hundred unless "of" follows
   * (8/10: "eight out of ten"; 3/10 of a mile), a fraction where one is usual (1/2, 3/4, 5/8), a
   * score of its own size (5/5: "five out of five"), a month and day (12/31, 9/11), or the two
   * numbers said as they are (24/7: "twenty four seven", 50/50).
   */
  private static String slash(String num, String den, boolean ofAfter) {
    int a = Integer.parseInt(num);
    int d = Integer.parseInt(den);
    boolean zeroLed = num.length() == 2 && num.charAt(0) == '0'
        || den.length() == 2 && den.charAt(0) == '0'; // 04/05: a date; no fraction is written so
    if (zeroLed && a >= 1 && a <= 12 && d >= 1 && d <= 31) {
      return TextNormalizer.MONTHS[a - 1] + " " + ordinal(den);
    } else if ((d == 10 || d == 100) && !ofAfter) {
      return cardinal(a) + " out of " + cardinal(d);
    } else if (a < d && COMMON_DENOMINATORS.contains(d)) {
      return fraction(num, den);
    } else if (a == d) {
      return cardinal(a) + (a <= 10 ? " out of " : " ") + cardinal(d);
    } else if (a >= 1 && a <= 12 && d >= 1 && d <= 31) {
      return TextNormalizer.MONTHS[a - 1] + " " + ordinal(den);
    }
    return a < d ? fraction(num, den) : cardinal(a) + " " + cardinal(d);
  }

  /**
   * A phone number in another shape than {@link TextNormalizer#PHONE} at {@code i}, a {@code (}
   * or {@code +}: "(555) 123-4567", "+1 415 555 0199", "+44 20 7946 0958". False when there is
   * none.
   */
  static boolean phone(TextNormalizer.Scan sc, int i) {
    Matcher m = sc.m;
    if (sc.at(PAREN_PHONE, i)) {
      sc.b.say(m.end(), phoneWords(m.group(1), m.group(2), m.group(3)));
      return true;
    }
    if (sc.at(INTL_PHONE, i)) {
      String[] groups = m.group().substring(1).split("[\\s.()-]+");
      int digits = m.group().replaceAll("\\D", "").length();
      if (digits >= 8 && digits <= 15) {
        sc.b.say(m.end(), "plus " + phoneWords(groups));
        return true;
      }
    }
    return false;
  }

  private static String phoneWords(String... groups) {
    StringBuilder w = new StringBuilder();
    for (String group : groups) {
      if (!group.isEmpty()) {
        w.append(w.isEmpty() ? "" : ", ").append(NumberWords.digits(group));
      }
    }
    return w.toString();
  }

  private static String fraction(String num, String den) {
    int d = Integer.parseInt(den);
    String name = switch (d) {
      case 1 -> "over one";
      case 2 -> "half";
      case 4 -> "quarter";
      default -> ordinal(den);
    };
    if (d == 1) {
      return cardinal(num) + " " + name;
    }
    boolean one = num.equals("1");
    String plural = name.equals("half") ? "halves" : name + "s";
    return cardinal(num) + " " + (one ? name : plural);
  }
}
