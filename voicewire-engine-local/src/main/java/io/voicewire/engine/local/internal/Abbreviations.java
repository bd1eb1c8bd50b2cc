package io.voicewire.engine.local.internal;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The abbreviations of {@link TextNormalizer} that the voices misread: Latin ones ("e.g." was
 * read as the letters E G), titles and words the voices do not know ("Prof.", "approx.",
 * "vs."), the growth rates of business text ("YoY" was "Yo Y"; "QoQ", "MoM"), and weekdays
 * before a date or in a range ("Tue, Dec 8", "Mon–Fri"). Abbreviations the voices already say
 * ("Dr.", "Mr.", "St.") are left to them. Stateless and thread safe.
 */
final class Abbreviations {
  /** Each line: the abbreviation as written (its case matters), then what is said. */
  private static final Map<String, String> SAID = NumberTokens.table("""
      e.g. for example
      E.g. for example
      i.e. that is
      I.e. that is
      etc. et cetera
      vs. versus
      vs versus
      approx. approximately
      Approx. approximately
      Prof. Professor
      Dept. Department
      w/o without
      w/ with
      No. number
      no. number
      YoY year over year
      QoQ quarter over quarter
      MoM month over month
      ext. extension
      Ext. extension
      Apt. apartment
      Fig. figure
      fig. figure
      p. page
      pp. pages
      Bldg. building
      y/o year old
      y.o. year old
      y/y year over year
      w/w week over week
      m/m month over month
      Gov. Governor
      Sen. Senator
      Rep. Representative
      Gen. General
      Lt. Lieutenant
      Capt. Captain
      Sgt. Sergeant
      Col. Colonel
      Rev. Reverend
      q/q quarter over quarter
      avg. average
      Vol. volume
      c. circa
      ca. circa
      vol. volume
      Ch. chapter
      ch. chapter
      Pt. part
      p.a. per annum
      rm. room
      Rm. Room
      qty quantity
      Qty Quantity
      a.k.a. also known as
      """);
  private static final Pattern ABBREVIATION = Pattern.compile("(?:[eE]\\.g\\.|[iI]\\.e\\."
      + "|etc\\.|vs\\.?|[aA]pprox\\.|Prof\\.|Dept\\.|w/o|[Nn]o\\.(?=\\s?\\d)|YoY|QoQ|MoM"
      + "|[eE]xt\\.(?=\\s?\\d)|(?:Apt|Bldg)\\.(?=\\s?(?:\\d|[A-Z](?![a-z])))"
      + "|(?:[fF]ig|pp?)\\.(?=\\s?\\d)|y/[oy]|y\\.o\\.|q/q|w/w|m/m|avg\\."
      + "|(?:Gov|Sen|Rep|Gen|Lt|Capt|Sgt|Col|Rev)\\.(?=\\s[A-Z][a-z])"
      + "|ca?\\.(?=\\s?\\d{3,4}(?!\\d))|(?:[Vv]ol|[Cc]h|Pt)\\.(?=\\s?(?:\\d|[IVXLC]+(?![A-Za-z])))"
      + "|p\\.a\\.|a\\.k\\.a\\.|[Rr]m\\.(?= )|[Qq]ty)(?![A-Za-z])|w/");
  /** The letters an abbreviation of {@link #ABBREVIATION} starts with (most words: none). */
  private static final String FIRST_LETTERS = "eEiIvVaAPDwNnYQMBfFpyqCcGSRLmr";
  /** Abbreviations whose full stop also ends the sentence when one may end there. */
  private static final java.util.Set<String> KEEPS_STOP = java.util.Set.of("etc.", "y.o.", "p.a.",
      "a.k.a.");
  /** A word after an abbreviation that may be what it describes: "a 5 y/o boy". */
  private static final Pattern NOUN_AFTER = Pattern.compile(" (?!(?:and|or|but|in|at|on|with"
      + "|when|who|from|so|as|to|now|today|by|is|was|has|had)(?![a-z]))[a-z]");
  /** What may end a sentence as well as the abbreviation: "apples, etc. Then". */
  static final Pattern SENTENCE_AFTER = Pattern.compile("\\s*(?:$|\\n|\\s[A-Z])");
  private static final Map<String, String> WEEKDAYS = NumberTokens.table("""
      Mon Monday
      Tue Tuesday
      Tues Tuesday
      Wed Wednesday
      Thu Thursday
      Thur Thursday
      Thurs Thursday
      Fri Friday
      Sat Saturday
      Sun Sunday
      """);
  /** A month written short with its full stop, and the day after it if one follows. */
  private static final Pattern MONTH_DOT = Pattern.compile("(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?"
      + "|Oct|Nov|Dec)\\.(?:\\s?(\\d{1,2})(?:st|nd|rd|th)?(?![\\d:]))?");
  private static final String WEEKDAY = "(?:Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)";
  /** After a weekday: a date ("Tue, Dec 8", "Fri 12/4") or the end of a range ("Mon–Fri"). */
  private static final Pattern WEEKDAY_CONTEXT = Pattern.compile("\\.?(?:,?\\s?(?:\\d|(?:Jan|"
      + "Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\\.?\\s\\d)|\\s?[-–]\\s?" + WEEKDAY
      + "(?![a-z]))");
  /** Before a weekday: the start of a range. */
  private static final Pattern AFTER_RANGE = Pattern.compile("(?<![A-Za-z])" + WEEKDAY
      + "\\.?\\s?[-–]\\s?$");

  private Abbreviations() {}

  /** Says the abbreviation or weekday at {@code i} (a letter); false when there is none. */
  static boolean word(TextNormalizer.Scan sc, int i, int wordEnd) {
    if (Character.isUpperCase(sc.s.charAt(i)) && Codes.code(sc, i)
        || Streets.word(sc, i, wordEnd)) {
      return true;
    }
    Matcher m = sc.m;
    char first = sc.s.charAt(i);
    if (FIRST_LETTERS.indexOf(first) >= 0 && sc.at(ABBREVIATION, i)) {
      int end = m.end();
      String written = m.group();
      String said = SAID.get(written);
      boolean last = sc.at(SENTENCE_AFTER, end); // the matcher's groups are this match's now
      if (said.equals("year old") && (last || !sc.at(NOUN_AFTER, end))
          && !sc.s.substring(Math.max(0, i - 3), i).matches("(?:.*\\D)?1 ?")) {
        said = "years old"; // "he is 5 y/o." (but "a 5 y/o boy", "1 y/o")
      }
      if (KEEPS_STOP.contains(written) && last) {
        said += ".";
      }
      sc.b.say(end, said);
      return true;
    }
    if (Initials.word(sc, i, wordEnd)) {
      return true;
    }
    if (wordEnd - i < 3 || wordEnd - i > 5 || !Character.isUpperCase(first)) {
      return false;
    }
    if (sc.at(MONTH_DOT, i)) { // "in Nov.", "Sept. 29": "in november", "september twenty ninth"
      String day = m.group(2);
      boolean dated = day != null && Integer.parseInt(day) >= 1 && Integer.parseInt(day) <= 31;
      String month = NumberTokens.monthNamed(m.group(1));
      int end = dated ? m.end() : i + m.group(1).length() + 1;
      boolean last = day == null && sc.at(SENTENCE_AFTER, end);
      sc.b.say(end, dated ? month + " " + NumberWords.ordinal(day) : month + (last ? "." : ""));
      return true;
    }
    String day = WEEKDAYS.get(sc.s.substring(i, wordEnd));
    if (day == null) {
      return false;
    }
    if (!afterRange(sc.s, i) && !sc.at(WEEKDAY_CONTEXT, wordEnd)) {
      if (wordEnd >= sc.n || sc.s.charAt(wordEnd) != '.') {
        return false;
      }
      sc.b.say(wordEnd, day); // "RSVP by Fri.": written with its full stop, which stays one
      return true;
    }
    int end = wordEnd < sc.n && sc.s.charAt(wordEnd) == '.' ? wordEnd + 1 : wordEnd;
    sc.b.say(end, day);
    return true;
  }

  private static boolean afterRange(String s, int i) {
    Matcher m = AFTER_RANGE.matcher(s);
    m.useTransparentBounds(true);
    m.region(Math.max(0, i - 8), i);
    return m.find();
  }

  /** True when {@code spoken} ends with a weekday's name ("… Monday"). */
  static boolean endsWithWeekday(CharSequence spoken) {
    String tail = spoken.subSequence(Math.max(0, spoken.length() - 10), spoken.length())
        .toString().strip().toLowerCase(Locale.ROOT);
    return tail.endsWith("day") && WEEKDAYS.values().stream()
        .anyMatch(d -> tail.endsWith(d.toLowerCase(Locale.ROOT)));
  }
}
