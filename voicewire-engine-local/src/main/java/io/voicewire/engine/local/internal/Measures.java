package io.voicewire.engine.local.internal;

import static io.voicewire.engine.local.internal.NumberWords.cardinal;

import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The measures of {@link NumberTokens}: units after a number ({@code 5 GB}, {@code 1 mph},
 * {@code 5pp}), per-unit slashes ({@code $4.99/month}), feet and inches, ratings with a decimal
 * point ({@code 4.5/5}), sizes ({@code 1920x1080}, {@code 18"x24"}), hexadecimal numbers
 * ({@code 0x1F}) and seconds written with an "s"
 * ({@code wait 45s}). Stateless and thread safe.
 */
final class Measures {
  /** Each line: a unit as written, then what is said for it (plural; one is made singular). */
  private static final Map<String, String> UNITS = NumberTokens.table("""
      % percent
      ° degrees
      km/h kilometers per hour
      mph miles per hour
      km kilometers
      kg kilograms
      cm centimeters
      mm millimeters
      ms milliseconds
      GB gigabytes
      MB megabytes
      KB kilobytes
      TB terabytes
      GHz gigahertz
      MHz megahertz
      kHz kilohertz
      Hz hertz
      k thousand
      x times
      lbs pounds
      lb pounds
      oz ounces
      mg milligrams
      g grams
      ml milliliters
      mL milliliters
      µm micrometers
      μm micrometers
      µs microseconds
      μs microseconds
      ns nanoseconds
      m/s meters per second
      m meters
      mi miles
      ft feet
      kWh kilowatt hours
      kW kilowatts
      min minutes
      hrs hours
      hr hours
      sec seconds
      kg/m² kilograms per square meter
      km² square kilometers
      m² square meters
      cm² square centimeters
      ft² square feet
      m³ cubic meters
      cm³ cubic centimeters
      mmHg millimeters of mercury
      bpm beats per minute
      pts points
      pt points
      yrs years
      yr years
      ¢ cents
      mins minutes
      yds yards
      wks weeks
      wk weeks
      mos months
      yd yards
      pcs pieces
      Gbps gigabits per second
      Mbps megabits per second
      kbps kilobits per second
      Kbps kilobits per second
      bps basis points
      bp basis points
      h hours
      s seconds
      L liters
      tsp teaspoons
      tbsp tablespoons
      Tbsp tablespoons
      lb-ft pound feet
      hp horsepower
      mpg miles per gallon
      MPG miles per gallon
      reb rebounds
      ast assists
      kcal kilocalories
      cal calories
      µg micrograms
      μg micrograms
      mcg micrograms
      IU international units
      """);
  /**
   * A unit right after a number (one space at most, or a hyphen: a 4-pt margin), longest first;
   * °C, °F and the compass points (40.7° N) are special.
   */
  private static final Pattern UNIT = Pattern.compile("(?:\\s?|-)(°\\s?[CFNSEW](?![A-Za-z])|"
      + UNITS.keySet().stream().sorted(Comparator.comparingInt(String::length).reversed())
          .map(Pattern::quote).collect(Collectors.joining("|")) + ")(?![A-Za-z])"
      + "(?:\\.(?= [a-z]))?"); // "2 tbsp. butter", "30 min. or": no sentence ends there
  /** Feet and inches, as a height is written: 6'2", 6' 2", 5′11″. */
  private static final Pattern HEIGHT = Pattern.compile("(\\d)['′]\\s?(\\d{1,2})(?:\"|″|'')");
  /** A height in feet and inches with the units' names: 6 ft 2 in, 5ft 11in. */
  private static final Pattern HEIGHT_FT_IN = Pattern.compile(
      "(\\d)\\s?ft\\.?\\s(\\d{1,2})\\s?in(?:\\.|ches)?(?![A-Za-z])");
  /**
   * A number the European way before a unit: a decimal comma ("1,5 kg") or thousands apart by
   * spaces ("10 000 m").
   */
  private static final Pattern EUROPEAN_NUMBER = Pattern.compile(
      "(\\d{1,3}),(\\d{1,2})(?![\\d,])|(\\d{1,3}(?: \\d{3})+)(?![\\d,.])");
  /** Two lengths in feet: 12' x 10', 8′×10′, 6' by 9'. */
  private static final Pattern FEET_BY_FEET = Pattern.compile(
      "(\\d{1,4})['′]\\s?(?:[x×]|by)\\s?(\\d{1,4})['′](?!\\d)");
  /**
   * A length in feet: the prime mark (9′), or an apostrophe before a word of size (a 9' long
   * board, 30' high); an apostrophe alone may close a quotation, so it stays silent elsewhere.
   */
  private static final Pattern FEET = Pattern.compile("(\\d{1,4})(?:′|'(?=\\s(?:long|tall|wide|"
      + "high|deep|away|across|wingspan|boat|ceilings?)(?![A-Za-z])))");
  /** Two lengths in inches: 18"x24", 8.5" x 11". */
  private static final Pattern INCHES_BY_INCHES = Pattern.compile(
      "(\\d{1,3}(?:\\.\\d)?)[\"″]\\s?[x×]\\s?(\\d{1,3}(?:\\.\\d)?)[\"″]");
  /** A hexadecimal number: 0x80070005, 0xFF. */
  private static final Pattern HEX = Pattern.compile("0x([0-9A-Fa-f]{1,16})(?!\\w|\\.\\w)");
  /** A duration in hours and minutes, or minutes and seconds: 2h 15m, 1h30m, 3m 20s. */
  private static final Pattern CLOCK_DURATION = Pattern.compile(
      "(\\d{1,3})([hm])\\s?(\\d{1,2})([ms])(?![A-Za-z])");
  /** Words before "2/5" that make it "two of five": Step 2/5, page 3/10. */
  private static final Set<String> OF_BEFORE = Set.of("step", "page", "part", "question", "slide",
      "day", "level", "round", "game", "item", "task", "episode", "lesson", "week");
  /** A short number to call, said digit by digit: 911, or 988 and 741741 after "call". */
  private static final Pattern SHORT_CODE = Pattern.compile("(\\d{3,6})(?![\\d/:-]|[.,]\\d)");
  /** What may follow a short number after "call": the end of a clause, or one of these. */
  private static final Pattern AFTER_SHORT_CODE = Pattern.compile("\\s*(?:[.,;:!?)]|$|(?:for|in"
      + "|or|and|if|now|immediately|right|when|to|from|first|instead|anytime)(?![A-Za-z]))");
  /** Words before a number that make it a number to call. */
  private static final Set<String> CALL_BEFORE = Set.of("call", "dial", "text", "calling",
      "dialing", "dialling", "called", "dialed", "dialled", "texting", "texted");
  /** The year and number of a CVE id after "CVE-": CVE-2023-42917. */
  private static final Pattern CVE_NUMBER = Pattern.compile("(\\d{4})-(\\d{4,7})(?!\\d)");
  /** A rating with a decimal point: 4.5/5, 9.5/10 ("four point five out of five"). */
  private static final Pattern RATING = Pattern.compile(
      "(\\d{1,3}\\.\\d{1,2})/(5|10|100)(?![\\d/.,]\\d)");
  /**
   * A number and an x before more of a size that ends in a unit of length: each "30 × " of
   * {@code 30 × 20 × 10 cm} or {@code 4 x 6 inches} is "thirty by" (the last number keeps its
   * unit); without a unit an x is "times" ({@code 3 x 4 = 12}).
   */
  private static final Pattern SIZE_BY = Pattern.compile("(\\d{1,5}(?:\\.\\d{1,3})?)\\s?[x×]\\s?"
      + "(?=\\d{1,5}(?:\\.\\d{1,3})?(?:\\s?[x×]\\s?\\d{1,5}(?:\\.\\d{1,3})?)?\\s?(?:[mck]?m|ft|feet"
      + "|foot|inch(?:es)?|in(?=[.,;)]|$)|yd|yards?|(?:milli|centi)?met(?:er|re)s?|[\"″])"
      + "(?![A-Za-z]))");
  /** Two sizes with an x and no spaces: a resolution or a format, 1920x1080, 800×600. */
  private static final Pattern DIMENSIONS = Pattern.compile(
      "(\\d{2,5})[x×](\\d{2,5})(?!\\d|\\.\\d)");
  /** Percentage points written right after a number: "up 5pp", "a 0.5pp cut". */
  private static final Pattern PERCENTAGE_POINTS = Pattern.compile("pp(?![A-Za-z])");
  private static final Pattern PER_UNIT = Pattern.compile("[A-Za-z]+(?![\\w/])");
  /** After a slash, a time as it is written short or whole: what "per" is said with. */
  private static final Map<String, String> PER_TIME = NumberTokens.table("""
      s second
      sec second
      second second
      h hour
      hr hour
      hour hour
      min minute
      minute minute
      d day
      day day
      wk week
      week week
      mo month
      month month
      yr year
      year year
      """);
  /** A word before a slash that is a time of its own: "night/day", "month/year" are no rate. */
  private static final Pattern TIME_WORDS = Pattern.compile("(?i)(?:sec(?:ond)?|min(?:ute)?"
      + "|h(?:ou)?r|day|night|w(?:ee)?k|mo(?:nth)?|y(?:ea)?r|date|time|am|pm)s?");
  /** A number and a unit before a slash: "5 GB" (a unit of the table: "10 and/or" is none). */
  private static final Pattern UNIT_BEFORE = Pattern.compile(".*\\d ?([A-Za-zµ¢]{1,3})");

  private Measures() {}

  /**
   * The measure at {@code i} (a digit) said: a height, feet, a rating, a size; false when there
   * is none there.
   */
  static boolean measure(TextNormalizer.Scan sc, int i) {
    Matcher m = sc.m;
    if (sc.at(HEIGHT, i)) {
      int inches = Integer.parseInt(m.group(2));
      sc.b.say(m.end(), cardinal(m.group(1)) + " foot"
          + (inches == 0 ? "" : " " + cardinal(m.group(2)))); // 6'2": "six foot two"
    } else if (sc.at(HEIGHT_FT_IN, i)) {
      sc.b.say(m.end(), cardinal(m.group(1)) + " foot " + cardinal(m.group(2))); // 6 ft 2 in
    } else if (sc.at(EUROPEAN_NUMBER, i) && europeanNumber(sc, m)) {
      return true;
    } else if (sc.at(FEET_BY_FEET, i)) {
      sc.b.say(m.end(), cardinal(m.group(1)) + " by " + cardinal(m.group(2)) + " feet");
    } else if (sc.at(FEET, i)) {
      sc.b.say(m.end(), cardinal(m.group(1)) + (m.group(1).equals("1") ? " foot" : " feet"));
    } else if (sc.at(CLOCK_DURATION, i) && !m.group(2).equals(m.group(4))) {
      boolean hours = m.group(2).equals("h");
      sc.b.say(m.end(), count(m.group(1), hours ? "hour" : "minute") + " "
          + count(m.group(3), hours ? "minute" : "second")); // 2h 15m
    } else if (sc.at(INCHES_BY_INCHES, i)) {
      sc.b.say(m.end(), NumberWords.decimal(m.group(1)) + " by "
          + NumberWords.decimal(m.group(2)) + " inches");
    } else if (sc.at(HEX, i)) {
      sc.b.say(m.end(), "hex " + hexDigits(m.group(1))); // 0xFF: "hex F F"
    } else if (sc.at(RATING, i)) {
      sc.b.say(m.end(), NumberWords.decimal(m.group(1)) + " out of " + cardinal(m.group(2)));
    } else if (sc.at(SIZE_BY, i)) {
      sc.b.say(m.end(), NumberWords.decimal(m.group(1)) + " by ");
    } else if (sc.at(DIMENSIONS, i)) {
      sc.b.say(m.end(), size(m.group(1)) + " by " + size(m.group(2))); // "nineteen twenty by"
    } else {
      return false;
    }
    return true;
  }

  /**
   * Whether {@code number} at {@code i} is a number to call: 911 (not after "Porsche"), or
   * three to six digits after "call", "dial" or "text" that end the clause ("call 988 for
   * help", not "called 100 customers").
   */
  private static boolean shortCode(TextNormalizer.Scan sc, int i, String number, int end) {
    if (i > 0 && Character.isLetterOrDigit(sc.s.charAt(i - 1))) {
      return false;
    }
    String before = sc.wordBefore(i, false).toLowerCase(java.util.Locale.ROOT);
    if (number.equals("911")) {
      return !before.equals("porsche");
    }
    return CALL_BEFORE.contains(before) && sc.at(AFTER_SHORT_CODE, end);
  }

  /** Says a {@link #EUROPEAN_NUMBER} when a unit follows it; false when none does. */
  private static boolean europeanNumber(TextNormalizer.Scan sc, Matcher m) {
    boolean decimal = m.group(1) != null;
    String number = decimal ? m.group(1) + "." + m.group(2) : m.group(3).replace(" ", "");
    String unit = unitAfter(sc, m.end(), false);
    if (unit == null) {
      return false;
    }
    sc.b.say(sc.m.end(), NumberWords.decimal(number) + unit); // 1,5 kg: "one point five"
    return true;
  }

  /** Each character said on its own: a digit's word or a capital letter (0xFF, codes). */
  static String hexDigits(String hex) {
    StringBuilder b = new StringBuilder();
    for (char c : hex.toCharArray()) {
      b.append(b.isEmpty() ? "" : " ").append(Character.isDigit(c)
          ? NumberWords.digits(String.valueOf(c)) : String.valueOf(Character.toUpperCase(c)));
    }
    return b.toString();
  }

  /**
   * A number that is part of a name at {@code i} said: a CVE id's year and number ("CVE twenty
   * twenty three, four two nine one seven", not a range), "Step 2/5" ("two of five", not a
   * fraction or a date); false when there is none.
   */
  static boolean identifier(TextNormalizer.Scan sc, int i) {
    if (Codes.code(sc, i)) {
      return true;
    }
    Matcher m = sc.m;
    if (i >= 4 && sc.s.regionMatches(true, i - 4, "CVE-", 0, 4) && sc.at(CVE_NUMBER, i)) {
      sc.b.say(m.end(), NumberWords.year(m.group(1)) + ", " + NumberWords.digits(m.group(2)));
      return true;
    }
    if (sc.at(SHORT_CODE, i)) {
      String code = m.group(1);
      int end = m.end(); // shortCode() matches what follows with the same matcher
      if (shortCode(sc, i, code, end)) {
        sc.b.say(end, NumberWords.digits(code)); // "nine one one"
        return true;
      }
    }
    if (sc.at(TextNormalizer.FRACTION, i) && OF_BEFORE.contains(sc.wordBefore(i, false).toLowerCase(
        java.util.Locale.ROOT))) {
      sc.b.say(m.end(), cardinal(m.group(1)) + " of " + cardinal(m.group(2)));
      return true;
    }
    return false;
  }

  private static String count(String n, String unit) {
    return cardinal(n) + " " + unit + (n.equals("1") ? "" : "s");
  }

  /**
   * What is said for the unit right after a number that ends at {@code end} (" percentage
   * points", " kilograms"; {@code one}: the singular), with {@code sc.m} ending after it; null
   * when none follows.
   */
  static String unitAfter(TextNormalizer.Scan sc, int end, boolean one) {
    if (sc.at(PERCENTAGE_POINTS, end)) {
      return one ? " percentage point" : " percentage points";
    }
    String x = Maths.coefficient(sc, end);
    if (x != null) {
      return x; // 3x + 5 = 20: "three x plus five"
    }
    String other = UnitMarks.after(sc, end, one);
    if (other != null) {
      return other;
    }
    if (sc.at(UNIT, end)) {
      String u = unit(sc.m.group(1));
      boolean compound = sc.s.charAt(end) == '-'; // a 10-km run: "a ten kilometer run"
      return " " + (one || compound ? singular(u) : u);
    }
    return null;
  }

  /**
   * The slash at {@code i}: {@code $4.99/month}, {@code 5 GB/s} and {@code 0.5 mL/kg} are "per
   * month", "per second" and "per kilogram"; after a word, a time is "per" too ({@code 100
   * req/min}, {@code calls/day}, but not {@code night/day}); between other words ({@code
   * and/or}) the slash is a space.
   */
  static void perUnit(TextNormalizer.Scan sc, int i, int next) {
    String s = sc.s;
    Matcher before = UNIT_BEFORE.matcher(s.substring(Math.max(0, i - 5), i));
    boolean afterUnit = i > 0 && (Character.isDigit(s.charAt(i - 1))
        || before.matches() && UNITS.containsKey(before.group(1)));
    if (sc.at(PER_UNIT, next) && (afterUnit || PER_TIME.containsKey(sc.m.group())
        && sc.m.group().length() > 1 && !Character.isUpperCase(s.charAt(next))
        && i > 0 && Character.isLetter(s.charAt(i - 1))
        && !TIME_WORDS.matcher(sc.wordBefore(i, false)).matches())) {
      String unit = sc.m.group();
      String time = PER_TIME.get(unit);
      sc.b.say(sc.m.end(), "per " + (time != null ? time
          : UNITS.containsKey(unit) ? singular(unit(unit)) : Words.speak(unit)));
    } else if (next < s.length() && Character.isDigit(s.charAt(next)) && i > 0
        && (s.charAt(i - 1) == '°' || i > 1 && s.charAt(i - 2) == '°'
            || before.matches() && UNITS.containsKey(before.group(1)))) {
      sc.b.say(next, " or "); // 350°F/175°C, 5 kg/11 lb: the same measure in two units
    } else {
      sc.b.say(next, " ");
    }
  }

  /**
   * A size of {@link #DIMENSIONS}: four digits in pairs, as sizes are said (1080 "ten eighty",
   * 3840 "thirty eight forty", 1200 "twelve hundred", 1024 "ten twenty four"), else a number.
   */
  private static String size(String n) {
    if (n.length() != 4 || n.charAt(0) == '0') {
      return cardinal(n);
    }
    String high = cardinal(n.substring(0, 2));
    String low = n.substring(2);
    return low.equals("00") ? high + " hundred"
        : high + (low.charAt(0) == '0' ? " oh " : " ") + cardinal(Integer.parseInt(low));
  }

  /** Words before a number of tens that make "30s" an age or a decade: "in her early 30s". */
  private static final Set<String> DECADE_BEFORE = Set.of("the", "his", "her", "their", "my",
      "your", "our", "its", "early", "mid", "late", "low", "high", "upper", "lower");
  private static final Pattern ONES_AND_ZEROS = Pattern.compile("[01]s and [01]s");

  /**
   * Whether a whole number written with an "s" at {@code start} is a time in seconds ("wait
   * 45s", "every 30s", "3s later") rather than a plural: a year's decade (1990s), an apostrophe's
   * ('80s), a name's (MP3s), tens after a word of age or decade ("his 30s", "the mid-80s", "the
   * low 20s"), ones and zeros.
   */
  static boolean seconds(TextNormalizer.Scan sc, int start, String whole) {
    String s = sc.s;
    char prev = start > 0 ? s.charAt(start - 1) : ' ';
    if (whole.length() > 3 || prev == '\'' || prev == '’' || Character.isLetter(prev)) {
      return false; // 1990s, '80s, MP3s
    }
    boolean tens = whole.length() == 2 && whole.charAt(1) == '0';
    int before = start > 0 && s.charAt(start - 1) == '-' ? start - 1 : start;
    if (tens && DECADE_BEFORE.contains(sc.wordBefore(before, false).toLowerCase(
        java.util.Locale.ROOT))) {
      return false;
    }
    Matcher bits = ONES_AND_ZEROS.matcher(s);
    return !(whole.length() == 1 && whole.charAt(0) <= '1'
        && (bits.region(start, s.length()).lookingAt()
            || bits.region(Math.max(0, start - 7), s.length()).lookingAt()));
  }

  /** Words of units that end in "s" and are not plurals. */
  private static final Set<String> SINGULAR_ENDS_IN_S = Set.of("times", "Celsius", "basis");

  /** "one kilogram", "one mile per hour", "one foot": the first plural word made singular. */
  static String singular(String unit) {
    if (unit.equals("feet")) {
      return "foot";
    }
    String[] w = unit.split(" ");
    for (int k = 0; k < w.length; k++) {
      if (w[k].endsWith("s") && !SINGULAR_ENDS_IN_S.contains(w[k])) {
        w[k] = w[k].substring(0, w[k].length() - 1);
        break;
      }
    }
    return String.join(" ", w);
  }

  private static String unit(String u) {
    if (u.startsWith("°") && u.length() > 1) {
      return "degrees " + switch (u.charAt(u.length() - 1)) {
        case 'C' -> "Celsius";
        case 'F' -> "Fahrenheit";
        case 'N' -> "north";
        case 'S' -> "south";
        case 'E' -> "east";
        default -> "west";
      };
    }
    return UNITS.getOrDefault(u, "");
  }
}
