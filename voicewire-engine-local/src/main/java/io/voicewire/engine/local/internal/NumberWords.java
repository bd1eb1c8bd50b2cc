package io.voicewire.engine.local.internal;

/**
 * English words for numbers: cardinals, ordinals, years, decimals and digit strings. Stateless and
 * thread safe.
 */
final class NumberWords {
  /** Integers with more digits than this are read digit by digit (ids, long codes). */
  static final int MAX_CARDINAL_DIGITS = 15;

  private static final String[] ONES = {"zero", "one", "two", "three", "four", "five", "six",
      "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
      "sixteen", "seventeen", "eighteen", "nineteen"};
  private static final String[] TENS = {"", "", "twenty", "thirty", "forty", "fifty", "sixty",
      "seventy", "eighty", "ninety"};
  private static final String[] SCALES = {"", "thousand", "million", "billion", "trillion"};

  private NumberWords() {}

  /** A string of ASCII digits as a cardinal ("1234" → "one thousand two hundred thirty four"). */
  static String cardinal(String digits) {
    String d = stripZeros(digits);
    if (d.length() > MAX_CARDINAL_DIGITS) {
      return digits(digits);
    }
    return cardinal(Long.parseLong(d));
  }

  static String cardinal(long n) {
    if (n < 20) {
      return ONES[(int) n];
    }
    int scale = 0;
    String out = "";
    while (n > 0) {
      int group = (int) (n % 1000);
      if (group != 0) {
        String words = hundreds(group) + (scale > 0 ? " " + SCALES[scale] : "");
        out = out.isEmpty() ? words : words + " " + out;
      }
      n /= 1000;
      scale++;
    }
    return out;
  }

  private static String hundreds(int n) {
    StringBuilder b = new StringBuilder();
    if (n >= 100) {
      b.append(ONES[n / 100]).append(" hundred");
      n %= 100;
      if (n > 0) {
        b.append(' ');
      }
    }
    if (n >= 20) {
      b.append(TENS[n / 10]);
      if (n % 10 > 0) {
        b.append(' ').append(ONES[n % 10]);
      }
    } else if (n > 0 || b.isEmpty()) {
      b.append(ONES[n]);
    }
    return b.toString();
  }

  /** The ordinal of a string of digits ("21" → "twenty first"). */
  static String ordinal(String digits) {
    String c = cardinal(digits);
    int sp = c.lastIndexOf(' ');
    String last = c.substring(sp + 1);
    String head = c.substring(0, sp + 1);
    String ord = switch (last) {
      case "one" -> "first";
      case "two" -> "second";
      case "three" -> "third";
      case "five" -> "fifth";
      case "eight" -> "eighth";
      case "nine" -> "ninth";
      case "twelve" -> "twelfth";
      default -> last.endsWith("y") ? last.substring(0, last.length() - 1) + "ieth"
          : last + "th";
    };
    return head + ord;
  }

  /**
   * A four-digit year as usually said: 1999 "nineteen ninety nine", 2005 "two thousand five",
   * 2024 "twenty twenty four", 1900 "nineteen hundred". Other values as cardinals.
   */
  static String year(String digits) {
    return year(digits, false);
  }

  /**
   * {@link #year(String)}, and with {@code early} (the text says it is a year: "in 1066") also
   * 1001–1099, said "ten sixty six" as a year is, not "one thousand sixty six".
   */
  static String year(String digits, boolean early) {
    int y = Integer.parseInt(digits);
    if (digits.length() != 4 || y < (early ? 1001 : 1100) || y > 2099
        || (y >= 2000 && y < 2010)) {
      return cardinal(digits);
    }
    int hi = y / 100;
    int lo = y % 100;
    if (lo == 0) {
      return cardinal(hi) + " hundred";
    }
    return cardinal(hi) + " " + (lo < 10 ? "oh " + ONES[lo] : cardinal(lo));
  }

  /** Plural of a spoken number ("nineteen ninety" → "nineteen nineties"). */
  static String plural(String words) {
    if (words.endsWith("y")) {
      return words.substring(0, words.length() - 1) + "ies";
    }
    if (words.endsWith("x")) {
      return words + "es";
    }
    return words + "s";
  }

  /** Each digit on its own ("0123" → "zero one two three"); non-digits are skipped. */
  static String digits(CharSequence s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        if (!b.isEmpty()) {
          b.append(' ');
        }
        b.append(ONES[c - '0']);
      }
    }
    return b.toString();
  }

  /**
   * A number written with optional thousands separators and an optional decimal part
   * ("1,234.05" → "one thousand two hundred thirty four point zero five").
   */
  static String decimal(String number) {
    String n = number.replace(",", "");
    int dot = n.indexOf('.');
    if (dot < 0) {
      return cardinal(n);
    }
    String whole = dot == 0 ? "zero" : cardinal(n.substring(0, dot));
    return whole + " point " + digits(n.substring(dot + 1));
  }

  /** Clock minutes: "00" → "o'clock" is left to the caller; "05" → "oh five", "30" → "thirty". */
  static String minutes(String mm) {
    int m = Integer.parseInt(mm);
    return m < 10 ? "oh " + ONES[m] : cardinal(m);
  }

  private static String stripZeros(String digits) {
    int i = 0;
    while (i < digits.length() - 1 && digits.charAt(i) == '0') {
      i++;
    }
    return digits.substring(i);
  }
}
