package io.voicewire.engine.local.internal;

import static io.voicewire.engine.local.internal.NumberWords.cardinal;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Amounts of money for {@link TextNormalizer}: after a currency sign ({@code $19.99}, {@code
 * €2.5M}) or with an ISO code before or after them ({@code USD 1,200}, {@code 1,234.56 EUR}).
 * Stateless and thread safe.
 */
final class Money {
  /** Currencies by ISO code: the unit, its plural, the hundredth, its plural (none: null). */
  private static final Map<String, String[]> CODES = Map.of(
      "USD", new String[] {"dollar", "dollars", "cent", "cents"},
      "EUR", new String[] {"euro", "euros", "cent", "cents"},
      "GBP", new String[] {"pound", "pounds", "penny", "pence"},
      "INR", new String[] {"rupee", "rupees", null, null},
      "JPY", new String[] {"yen", "yen", null, null},
      "CAD", new String[] {"Canadian dollar", "Canadian dollars", "cent", "cents"},
      "AUD", new String[] {"Australian dollar", "Australian dollars", "cent", "cents"},
      "CHF", new String[] {"Swiss franc", "Swiss francs", "centime", "centimes"},
      "CNY", new String[] {"yuan", "yuan", null, null});
  private static final String AMOUNT = TextNormalizer.WHOLE + "(?:\\.(\\d+))?(?![\\d,.]\\d)";
  private static final String CODE = "(USD|EUR|GBP|INR|JPY|CAD|AUD|CHF|CNY)(?![A-Za-z])";
  private static final Pattern CODE_BEFORE = Pattern.compile(CODE + "\\s?" + AMOUNT);
  private static final Pattern CODE_AFTER = Pattern.compile(AMOUNT + "\\s?" + CODE);

  /** The end of a range of amounts after the first: "-10" in {@code $5-10}. */
  private static final Pattern UP_TO =
      Pattern.compile("[-–](\\d+)(?!\\d|[.,]\\d|\\s?[kKmMbB]\\b)");

  /** A dash between two amounts, each with its sign: {@code $10–$15}, {@code $5 - $10}. */
  private static final Pattern TO_AMOUNT = Pattern.compile("(?:\\s?–\\s?|-|\\s-\\s)(?=[$€£₹¥]\\d)");

  /**
   * An amount written the European way, after its sign: {@code €1.299,00}, {@code € 12,50}
   * (full stops or spaces between thousands, a comma before the cents).
   */
  private static final Pattern EUROPEAN_AFTER_SIGN = Pattern.compile(
      "([$€£])\\s?(\\d{1,3}(?:[. ]\\d{3})*),(\\d{2})(?!\\d|[.,]\\d)");
  /**
   * An amount before its sign, as much of Europe writes it: {@code 25 €}, {@code 1.234,56 €},
   * {@code 10 000 €}, {@code 1,50 €}, {@code 1,500 €}.
   */
  private static final Pattern SIGN_AFTER = Pattern.compile("(?:(\\d{1,3}(?:[. ]\\d{3})+)(?:,"
      + "(\\d{1,2}))?|(\\d{1,3}(?:,\\d{3})+|\\d+)(?:[.,](\\d{1,2}))?)\\s?([$€£])(?![\\w$€£])");

  private Money() {}

  /** An amount of money at {@code i} (already matched by {@link TextNormalizer#CURRENCY}). */
  static void currency(TextNormalizer.Scan sc, int i) {
    Matcher m = sc.m;
    if (sc.at(EUROPEAN_AFTER_SIGN, i)) { // €1.299,00: "one thousand two hundred ninety nine euros"
      sc.b.say(m.end(), money(names(m.group(1)), m.group(2).replaceAll("[. ]", ""),
          m.group(3), null));
      return;
    }
    sc.at(TextNormalizer.CURRENCY, i); // the caller's match again: the check above replaced it
    String sign = m.group(1);
    String whole = m.group(2).replace(",", "");
    String frac = m.group(3);
    String scale = m.group(4);
    String[] names = names(sign);
    int end = m.end();
    if (frac == null && scale == null && sc.at(UP_TO, end)) { // $5-10
      sc.b.say(m.end(), cardinal(whole) + " to " + money(names, m.group(1), null, null));
      return;
    }
    String said = money(names, whole, frac, scale);
    if (sc.at(TO_AMOUNT, end)) {
      sc.b.say(m.end(), said + " to"); // $10–$15: "ten dollars to fifteen dollars"
      return;
    }
    sc.b.say(end, said);
  }

  /**
   * An amount before its currency sign at {@code i} (a digit): {@code 25 €}, {@code 1.234,56 €};
   * false when there is none.
   */
  static boolean signAfter(TextNormalizer.Scan sc, int i) {
    Matcher m = sc.m;
    if (!sc.at(SIGN_AFTER, i)) {
      return false;
    }
    boolean european = m.group(1) != null;
    String whole = (european ? m.group(1) : m.group(3)).replaceAll("[., ]", "");
    sc.b.say(m.end(), money(names(m.group(5)), whole, european ? m.group(2) : m.group(4), null));
    return true;
  }

  private static String[] names(String sign) {
    return switch (sign) {
      case "$" -> CODES.get("USD");
      case "€" -> CODES.get("EUR");
      case "£" -> CODES.get("GBP");
      case "₹" -> CODES.get("INR");
      default -> CODES.get("JPY");
    };
  }

  /**
   * An amount with an ISO currency code at {@code i} (a letter) before it ({@code USD 1,200}) or
   * at {@code i} (a digit) after it ({@code 1,234.56 EUR}); false when there is none.
   */
  static boolean currencyCode(TextNormalizer.Scan sc, int i) {
    Matcher m = sc.m;
    boolean before = sc.at(CODE_BEFORE, i);
    if (!before && !sc.at(CODE_AFTER, i)) {
      return false;
    }
    String code = m.group(before ? 1 : 3);
    String whole = m.group(before ? 2 : 1).replace(",", "");
    sc.b.say(m.end(), money(CODES.get(code), whole, m.group(before ? 3 : 2), null));
    return true;
  }

  private static String money(String[] names, String whole, String frac, String scale) {
    String words;
    if (scale != null) {
      words = NumberWords.decimal(frac == null ? whole : whole + "." + frac) + " "
          + scaleWord(scale) + " " + names[1];
    } else if (frac != null && frac.length() == 2 && names[2] != null) {
      int cents = Integer.parseInt(frac);
      String major = whole.equals("0") ? "" : cardinal(whole) + " "
          + (whole.equals("1") ? names[0] : names[1]);
      String minor = cents == 0 ? "" : cardinal(cents) + " " + (cents == 1 ? names[2] : names[3]);
      words = major.isEmpty() ? (minor.isEmpty() ? "zero " + names[1] : minor)
          : minor.isEmpty() ? major : major + " and " + minor;
    } else {
      boolean one = whole.equals("1") && frac == null;
      words = NumberWords.decimal(frac == null ? whole : whole + "." + frac) + " "
          + (one ? names[0] : names[1]);
    }
    return words;
  }

  static String scaleWord(String s) {
    return switch (s) {
      case "k", "K", "thousand" -> "thousand";
      case "m", "M", "mn", "million" -> "million";
      case "trillion" -> "trillion";
      default -> "billion";
    };
  }
}
