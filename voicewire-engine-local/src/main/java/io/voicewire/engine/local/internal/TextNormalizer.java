package io.voicewire.engine.local.internal;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns any text into what the offline English voices can say, keeping the map back to every
 * character of the input ({@link NormalizedText}). The spoken text contains only ASCII letters,
 * apostrophes inside words, spaces and the sentence marks {@code . , ; : ! ?}: the synthesizers
 * never see a digit, a symbol, an emoji or another script.
 *
 * <ul>
 *   <li>Numbers: cardinals, decimals, ordinals (21st), years (1999, 2024), decades (1990s),
 *       percentages, negatives, ranges and scores (21-14), fractions (1/2; 24/7 and 50/50 are
 *       not), versions (2.0.1), phone numbers ((555) 123-4567, +44 20 7946 0958), codes with
 *       leading zeros (0042), common units (km/h, GB, °C), per (/month), times ({@code 2 * 3}).
 *   <li>Currency: {@code $ € £ ¥ ₹} with cents and scales ($2.5M).
 *   <li>Dates and times: ISO (2024-03-15), 3/16/2024, 12/31, 31.12.2025, "March 5", "Jan. 5th",
 *       "Tue, Dec 8", 14:30, 9:05 am, 7 p.m.; ranges without spaces (Mon–Fri, 9am-5pm).
 *   <li>Abbreviations the voices misread (e.g., i.e., etc., vs., approx., Prof.) and Roman
 *       numerals after a word that makes them numbers (Chapter IV, Henry VIII, World War II).
 *   <li>URLs, bare domains and e-mail addresses, read as words ("example dot com slash docs");
 *       query strings and fragments are not read.
 *   <li>Markup: HTML/SSML-like tags and comments are silent ({@code <break/>} is a pause),
 *       entities are decoded; Markdown headings, bullets, quotes, emphasis, code fences and link
 *       targets are silent; identifiers in code are split (getUserName, max_retry_count).
 *   <li>Emoji and other symbols are silent; letters with diacritics are folded (café), other
 *       scripts are transliterated to Latin (Привет → privet).
 *   <li>Whitespace and control characters (including ANSI escapes, zero-width and bidi marks)
 *       are spaces; a line break is a pause; runs of punctuation keep their first mark.
 *   <li>Words longer than {@link #MAX_WORD_CHARS} are read in parts; a letter repeated more than
 *       twice is read twice (Aaaah → Aah).
 * </ul>
 *
 * <p>Stateless and thread safe.
 */
final class TextNormalizer {
  /** Longer words are read in parts of this many letters. */
  static final int MAX_WORD_CHARS = 24;

  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]");
  private static final Pattern TAG = Pattern.compile("<!--.*?-->|</?[A-Za-z][\\w:.-]*"
      + "(?:\\s+[\\w:.-]+(?:\\s*=\\s*(?:\"[^\"<>]*\"|'[^'<>]*'|[^\\s\"'<>]+))?)*\\s*/?>",
      Pattern.DOTALL);
  private static final Pattern UNCLOSED_TAG = Pattern.compile("</?[A-Za-z][\\w:.-]*[^<>]*$");
  private static final Pattern TAG_TAIL = Pattern.compile(
      "[^<>]*?(?:[\\w:.-]+\\s*=\\s*(?:\"[^\"]*\"|'[^']*')\\s*)+/?>");
  private static final Pattern ENTITY = Pattern.compile(
      "&(?:#(\\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z]{2,8}));");
  private static final Pattern FENCE = Pattern.compile("```+[\\w+-]*|`+");
  private static final Pattern LINK_TARGET = Pattern.compile("\\]\\([^()\\s]*\\)");
  private static final Pattern MD_LINE_START = Pattern.compile("(?:#{1,6}|[-*+]|>+)[ \\t]+");
  /** A whole number, with or without thousands separators: 1,234,567 or 1234567. */
  static final String WHOLE = "(\\d{1,3}(?:,\\d{3})+|\\d+)";
  static final Pattern CURRENCY = Pattern.compile("([$€£¥₹])\\s?" + WHOLE
      + "(?:\\.(\\d+))?(?:\\s?(thousand|million|billion|trillion|bn|mn|[kKmMbB])(?![A-Za-z]))?");
  static final Pattern ISO_DATE = Pattern.compile("(\\d{4})-(\\d{2})-(\\d{2})(?!\\d)");
  static final Pattern SLASH_DATE = Pattern.compile(
      "(\\d{1,2})/(\\d{1,2})/(\\d{4}|\\d{2})(?![\\d/])");
  static final Pattern DOT_DATE = Pattern.compile(
      "(\\d{1,2})\\.(\\d{1,2})\\.(\\d{4})(?![\\d.]\\d)");
  static final Pattern TIME = Pattern.compile("(\\d{1,2}):(\\d{2})(?::(\\d{2}))?(?!\\d)"
      + "(?:\\s?([AaPp])\\.?\\s?[Mm](?![A-Za-z])(?:\\.(?=[,;:!?)]|\\s+[a-z\\d(]))?)?");
  static final Pattern HOUR_AMPM = Pattern.compile(
      "(\\d{1,2})\\s?([AaPp])\\.?\\s?[Mm](?![A-Za-z])(?:\\.(?=[,;:!?)]|\\s+[a-z\\d(]))?");
  static final Pattern RATIO = Pattern.compile("(\\d+):(\\d+)(?![\\d:])");
  static final Pattern PHONE = Pattern.compile("(?:\\d{3}-)?\\d{3}-\\d{4}(?![\\d-])");
  static final Pattern RANGE = Pattern.compile(
      WHOLE + "[-–]" + WHOLE + "(?!\\d|[.,]\\d|-)");
  static final Pattern FRACTION = Pattern.compile("(\\d{1,3})/(\\d{1,3})(?![\\d/])");
  static final Pattern VERSION = Pattern.compile("\\d+(?:\\.\\d+){2,}");
  static final Pattern NUMBER = Pattern.compile(WHOLE + "(?:\\.(\\d+))?");
  static final Pattern ORDINAL_SUFFIX = Pattern.compile("(?i)(?:st|nd|rd|th)(?![A-Za-z])");
  static final Pattern PLURAL_SUFFIX = Pattern.compile("'?s(?![A-Za-z])");
  private static final Pattern OPERATOR = Pattern.compile("(?!\\^-\\w)[=<>!&|+*/%^~\\-]{2,}");
  private static final Pattern MONTH_DAY = Pattern.compile(
      "\\s(\\d{1,2})(?:st|nd|rd|th)?(?![\\d:.,]\\d)(?![A-Za-z\\d])");
  static final String[] MONTHS = {"january", "february", "march", "april", "may", "june",
      "july", "august", "september", "october", "november", "december"};

  private TextNormalizer() {}

  /**
   * Loads what the first use would otherwise load (regular expressions, the ICU transliterator:
   * about 2 s), so that the first session with text in another script does not wait for it.
   */
  static void warmUp() {
    normalize("Warm up: $1.50 at 9:05 am on 2024-03-15, https://example.com, a@b.io, Привет 東京 😀");
  }

  /** The text as the offline voices say it, mapped back to every character of {@code text}. */
  static NormalizedText normalize(String text) {
    NormalizedText.Builder b = new NormalizedText.Builder(text);
    new Scan(text, b).run();
    return b.build();
  }

  /** One pass over one text. Not thread safe. */
  static final class Scan {
    final String s;
    final int n;
    final NormalizedText.Builder b;
    final Matcher m;

    Scan(String s, NormalizedText.Builder b) {
      this.s = s;
      this.n = s.length();
      this.b = b;
      this.m = ANSI.matcher(s);
      m.useTransparentBounds(true);
    }

    /** Matches {@code p} at {@code i}; the match is then in {@link #m}. */
    boolean at(Pattern p, int i) {
      m.usePattern(p);
      m.region(i, n);
      return m.lookingAt();
    }

    void run() {
      if (s.indexOf('<') < 0 && s.indexOf('>') >= 0 && at(TAG_TAIL, 0)) {
        b.drop(m.end()); // the rest of a tag cut off at the end of the previous piece
      }
      int i = b.cursor();
      while (i < n) {
        step(i);
        if (b.cursor() <= i) {
          throw new IllegalStateException("no progress at " + i); // a bug, never input's fault
        }
        i = b.cursor();
      }
    }

    private void step(int i) {
      int cp = s.codePointAt(i);
      int next = i + Character.charCount(cp);
      if (isSpace(cp)) {
        space(i);
      } else if (cp == 0x1B && at(ANSI, i)) {
        b.drop(m.end());
      } else if (cp == '<' && (at(TAG, i) || at(UNCLOSED_TAG, i))) {
        boolean pause = m.group().regionMatches(true, 0, "<break", 0, 6);
        b.say(m.end(), pause && endsWithWord() ? "," : " ");
      } else if (cp == '&' && at(ENTITY, i)) {
        entity(i);
      } else if (cp == '`' && at(FENCE, i)) {
        b.drop(m.end());
      } else if (lineStart(i) && at(MD_LINE_START, i)) {
        b.drop(m.end());
      } else if (cp == ']' && at(LINK_TARGET, i)) {
        b.drop(m.end());
      } else if (cp < 128 && Character.isLetterOrDigit(cp) && WebWords.address(this, i)) {
        return;
      } else if (cp >= '0' && cp <= '9') {
        NumberTokens.number(this, i);
      } else if (Character.isLetter(cp)) {
        word(i);
      } else if (isCurrency(cp) && at(CURRENCY, i)) {
        Money.currency(this, i);
      } else {
        symbol(i, cp, next);
      }
    }

    /** True when the last thing spoken, spaces aside, is a letter or digit. */
    boolean endsWithWord() {
      CharSequence sp = b.spokenSoFar();
      int j = sp.length() - 1;
      while (j >= 0 && sp.charAt(j) == ' ') {
        j--;
      }
      return j >= 0 && Character.isLetterOrDigit(sp.charAt(j));
    }

    private boolean lineStart(int i) {
      int j = i - 1;
      while (j >= 0 && (s.charAt(j) == ' ' || s.charAt(j) == '\t')) {
        j--;
      }
      return j < 0 || s.charAt(j) == '\n' || s.charAt(j) == '\r';
    }

    private void space(int i) {
      int j = i;
      boolean lineBreak = false;
      while (j < n && isSpace(s.codePointAt(j))) {
        int c = s.codePointAt(j);
        lineBreak |= c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029;
        j += Character.charCount(c);
      }
      if (j == i + 1 && s.charAt(i) == ' ') {
        b.keep(j);
      } else if (lineBreak && endsWithWord()) {
        b.say(j, ", ");
      } else {
        b.drop(j);
      }
    }

    private void entity(int i) {
      String name = m.group(3);
      int end = m.end();
      if (name == null) {
        int cp = m.group(1) != null ? parse(m.group(1), 10) : parse(m.group(2), 16);
        boolean dash = cp == 0x2013 || cp == 0x2014;
        b.say(end, dash && endsWithWord() ? "," : " ");
        return;
      }
      switch (name.toLowerCase(Locale.ROOT)) {
        case "amp" -> b.say(end, "and");
        case "lt" -> b.say(end, "less than");
        case "gt" -> b.say(end, "greater than");
        case "mdash", "ndash" -> b.say(end, endsWithWord() ? "," : " ");
        default -> b.drop(end);
      }
    }

    private static int parse(String digits, int radix) {
      try {
        return Integer.parseInt(digits, radix);
      } catch (NumberFormatException e) {
        return 0;
      }
    }

    private void word(int i) {
      int j = i;
      while (j < n) {
        int c = s.codePointAt(j);
        int k = j + Character.charCount(c);
        boolean apostrophe = (c == '\'' || c == '’') && j > i && k < n
            && Character.isLetter(s.codePointAt(k));
        if (!Character.isLetter(c) && Character.getType(c) != Character.NON_SPACING_MARK
            && Character.getType(c) != Character.COMBINING_SPACING_MARK && !apostrophe) {
          break;
        }
        j = k;
      }
      if (Abbreviations.word(this, i, j) || Maths.greekLetter(this, i, j)
          || j - i == 3 && Money.currencyCode(this, i)) {
        return;
      }
      String w = s.substring(i, j);
      int month = month(w);
      boolean abbreviated = w.length() == 3 && !w.equalsIgnoreCase("may");
      int dayAt = abbreviated && j < n && s.charAt(j) == '.' ? j + 1 : j; // "Jan. 5th"
      if (month >= 0 && at(MONTH_DAY, dayAt)) {
        int day = Integer.parseInt(m.group(1));
        if (day >= 1 && day <= 31) {
          b.say(m.end(), MONTHS[month] + " " + NumberWords.ordinal(m.group(1)));
          return;
        }
      }
      boolean possessive = w.endsWith("'s") || w.endsWith("’s");
      String roman = RomanNumerals.mayBe(w) ? RomanNumerals.say(wordBefore(i, true),
          possessive ? w.substring(0, w.length() - 2) : w) : null;
      if (roman != null) {
        b.say(j, possessive ? roman + "'s" : roman);
        return;
      }
      String spoken = Words.speak(w);
      if (spoken.equals(w)) {
        b.keep(j);
      } else {
        b.say(j, spoken);
      }
    }

    /**
     * The word just before {@code i}, across spaces: letters, and with {@code dots} full stops
     * too ("c.", "ca."); "" when there is none.
     */
    String wordBefore(int i, boolean dots) {
      int end = i;
      while (end > 0 && s.charAt(end - 1) == ' ') {
        end--;
      }
      int start = end;
      while (start > 0 && (Character.isLetter(s.charAt(start - 1))
          || dots && s.charAt(start - 1) == '.')) {
        start--;
      }
      return s.substring(start, end);
    }

    private static int month(String w) {
      String l = w.toLowerCase(Locale.ROOT);
      for (int k = 0; k < MONTHS.length; k++) {
        if (MONTHS[k].equals(l) || (l.length() == 3 && MONTHS[k].startsWith(l))) {
          return k;
        }
      }
      return -1;
    }

    private void symbol(int i, int cp, int next) {
      if (at(OPERATOR, i) && m.group().chars().anyMatch(c -> c != '!')) { // "Yes!!!" is a mark
        boolean afterLetter = i > 0 && Character.isLetter(s.charAt(i - 1));
        b.say(m.end(), Symbols.operator(m.group(), afterLetter, endsWithWord()));
        return;
      }
      boolean beforeDigit = next < n && Character.isDigit(s.charAt(next));
      boolean afterSpace = i == 0 || !Character.isLetterOrDigit(s.charAt(i - 1));
      boolean spaced = i > 0 && s.charAt(i - 1) == ' ' && next < n && s.charAt(next) == ' ';
      String said = Symbols.said(cp);
      if (said != null) {
        b.say(next, said);
        return;
      }
      switch (cp) {
        case '.' -> {
          if (beforeDigit && afterSpace) {
            b.say(next, "point"); // .5
          } else if (Symbols.dotInName(s, i, next)) {
            b.say(next, "dot"); // beta.1, 20.x
          } else {
            punctuation(i);
          }
        }
        case ',', '!', '?', '…' -> punctuation(i);
        case ':', ';' -> Symbols.colon(this, i);
        case '-', '–', '—' -> {
          boolean beforeAmount = beforeDigit || next < n && isCurrency(s.charAt(next));
          if (cp == '-' && beforeAmount && afterSpace && (i == 0 || s.charAt(i - 1) != '%')) {
            b.say(next, "minus"); // -3, -$5
          } else if (cp == '-' && oneLetterBefore(i) && Character.isUpperCase(s.charAt(i - 1))
              && (next >= n || !Character.isLetterOrDigit(s.charAt(next)))) {
            b.say(next, "minus"); // a B-
          } else if (rangeDash(i, cp, next)) {
            b.say(next, "to"); // Mon–Fri, 9am-5pm, London–Paris
          } else {
            b.say(next, Maths.spacedDash(s, i, cp, cp != '-' && endsWithWord() ? "," : " "));
          }
        }
        case '+' -> {
          if (!NumberTokens.phone(this, i)) {
            b.say(next, "plus");
          }
        }
        case '(' -> {
          if (!NumberTokens.phone(this, i) && !Maths.argument(this, i)) {
            b.say(next, i > 0 && s.charAt(i - 1) == ' ' && endsWithWord() ? ", " : " ");
          }
        }
        case '/' -> Measures.perUnit(this, i, next);
        case '*' -> b.say(next, spaced && endsWithWord() ? "times"
            : beforeDigit && (i == 0 || s.charAt(i - 1) == ' ') ? "star" : " "); // dial *67
        case '<' -> {
          if (!spaced && next < n && s.charAt(next) == '3'
              && (next + 1 >= n || !Character.isDigit(s.charAt(next + 1)))) {
            b.drop(next + 1); // <3: a heart, not a three
          } else {
            b.say(next, spaced && comparison(i, next) ? "is less than" : " ");
          }
        }
        case '>' -> b.say(next, spaced && comparison(i, next) ? "is greater than"
            : spaced && endsWithWord() ? "," : " "); // Settings > Privacy: a pause
        case '#' -> b.say(next, beforeDigit || spaced && endsWithWord() ? "number" // order # 5
            : oneLetterBefore(i) ? "sharp" : " ");
        case '~' -> b.say(next, beforeDigit || next < n && isCurrency(s.charAt(next)) ? "about"
            : " "); // ~15 min, ~$5
        case '\'', '’' -> b.drop(next);
        default -> {
          if (!NumberTokens.vulgarFraction(this, i, cp) && !Maths.symbol(this, i, cp)) {
            b.drop(next);
          }
        }
      }
    }

    /**
     * A dash that joins the two ends of a range with no space: an en dash between words or
     * numbers, a hyphen after a time of day or between weekdays.
     */
    private boolean rangeDash(int i, int cp, int next) {
      char prev = i == 0 ? ' ' : s.charAt(i - 1);
      if (i == 0 || next >= n || !Character.isLetterOrDigit(prev) && prev != '%'
          || !Character.isLetterOrDigit(s.charAt(next)) || cp == '—') {
        return false;
      }
      if (cp == '–' || prev == '%' && Character.isDigit(s.charAt(next))) {
        return true; // 5.25%-5.50%
      }
      CharSequence sp = b.spokenSoFar();
      String tail = sp.subSequence(Math.max(0, sp.length() - 4), sp.length()).toString();
      String before = s.substring(Math.max(0, i - 6), i);
      boolean afterTime = tail.endsWith(" a m") || tail.endsWith(" p m")
          || before.matches(".*\\b\\d{1,2}:\\d{2}") // 10:00-10:30
          || before.matches(".*\\d(?:st|nd|rd|th)"); // 10th-12th
      return afterTime && Character.isDigit(s.charAt(next))
          || Abbreviations.endsWithWeekday(sp) && Character.isUpperCase(s.charAt(next));
    }

    /**
     * Whether the sign at {@code i} compares (x &lt; 3, 5 &gt; n): a number or one letter on each
     * side, one space apart; not a path of menus (Settings &gt; Privacy).
     */
    private boolean comparison(int i, int next) {
      return next + 1 < n && i >= 2 && operand(s.charAt(i - 2), i - 3, -1)
          && operand(s.charAt(next + 1), next + 2, 1);
    }

    /** {@code c} is a digit, or a letter with no letter after it in direction {@code dir}. */
    private boolean operand(char c, int beyond, int dir) {
      return Character.isDigit(c) || Character.isLetter(c)
          && (beyond < 0 || beyond >= n || !Character.isLetter(s.charAt(beyond)));
    }

    /** A one-letter word just before {@code i} (C#, F#: "sharp"). */
    private boolean oneLetterBefore(int i) {
      return i > 0 && Character.isLetter(s.charAt(i - 1))
          && (i == 1 || !Character.isLetterOrDigit(s.charAt(i - 2)));
    }

    /** A run of sentence marks keeps its first (an ellipsis is a full stop). */
    void punctuation(int i) {
      int j = i;
      while (j < n && ".,;:!?…".indexOf(s.charAt(j)) >= 0) {
        j++;
      }
      CharSequence sp = b.spokenSoFar();
      boolean afterWord = !sp.isEmpty()
          && ".,;:!?".indexOf(sp.charAt(sp.length() - 1)) < 0
          && !(sp.charAt(sp.length() - 1) == ' ' && sp.length() == 1);
      char first = s.charAt(i) == '…' ? '.' : s.charAt(i);
      if (!afterWord) {
        b.drop(j);
      } else if (j == i + 1 && first == s.charAt(i)) {
        b.keep(j);
      } else {
        b.say(j, String.valueOf(first));
      }
    }
  }

  static boolean isCurrency(int cp) {
    return cp == '$' || cp == '€' || cp == '£' || cp == '¥' || cp == '₹';
  }

  /** Whitespace, controls, format characters (zero-width, bidi marks), variation selectors. */
  static boolean isSpace(int cp) {
    if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
      return true;
    }
    int t = Character.getType(cp);
    return (t == Character.CONTROL && cp != 0x1B) || t == Character.FORMAT
        || (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF);
  }
}
