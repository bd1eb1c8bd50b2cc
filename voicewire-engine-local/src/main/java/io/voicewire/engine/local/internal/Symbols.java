package io.voicewire.engine.local.internal;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * What {@link TextNormalizer} says for a symbol that is a word on its own ({@code =} "equals",
 * {@code √} "square root of", {@code ²} "squared") and for runs of operator characters
 * ({@code +/-} "plus or minus", {@code <=} "less than or equal to"). Signs that depend on what
 * is around them (a minus, a dash, a slash, {@code #}) stay in the normaliser. Stateless.
 */
final class Symbols {
  /** One character: the words said for it. */
  private static final Map<Integer, String> SAID = Map.ofEntries(
      Map.entry((int) '=', "equals"), Map.entry((int) '&', "and"), Map.entry((int) '@', "at"),
      Map.entry((int) '%', "percent"), Map.entry((int) '°', "degrees"),
      Map.entry((int) '×', "times"), Map.entry((int) '÷', "divided by"),
      Map.entry((int) '≈', "approximately"), Map.entry((int) '±', "plus or minus"),
      Map.entry((int) '§', "section"), Map.entry((int) '¶', "paragraph"),
      Map.entry((int) '√', "square root of"), Map.entry((int) '∞', "infinity"),
      Map.entry((int) '²', "squared"), Map.entry((int) '³', "cubed"),
      Map.entry((int) '≠', "is not equal to"), Map.entry((int) '≤', "is less than or equal to"),
      Map.entry((int) '≥', "is greater than or equal to"), Map.entry((int) '−', "minus"),
      Map.entry((int) '¢', "cents"), Map.entry((int) '⌘', "command"),
      Map.entry((int) '⌥', "option"), Map.entry((int) '⇧', "shift"),
      Map.entry((int) '⌃', "control"));
  /** Runs of operator characters that mean something. */
  private static final Map<String, String> OPERATORS = Map.of("&&", "and", "||", "or",
      "+/-", "plus or minus", "<=", "is less than or equal to",
      ">=", "is greater than or equal to", "!=", "is not equal to", "==", "equals");

  /**
   * An emoticon after a space or at the start: {@code :)}, {@code ;-)}, {@code :D}, {@code :P},
   * {@code :/}, {@code :'(} (not {@code http://}, {@code C:/}, {@code 10:30} or {@code re:D}).
   */
  private static final Pattern EMOTICON = Pattern.compile(
      "[:;]['^-]?(?:[)(\\]\\[]+|[DPpOo/\\\\|*3](?![\\w/]))(?=$|[\\s.,;:!?])");

  private Symbols() {}

  /**
   * The colon or semicolon at {@code i}: silent when it starts an emoticon (as emoji are; "Call
   * me maybe :)" made a pause and ":D" the letter D), else punctuation.
   */
  static void colon(TextNormalizer.Scan sc, int i) {
    if ((i == 0 || Character.isWhitespace(sc.s.charAt(i - 1))) && sc.at(EMOTICON, i)) {
      sc.b.drop(sc.m.end());
    } else {
      sc.punctuation(i);
    }
  }

  /**
   * Whether the full stop at {@code i} joins a letter and a digit inside a name (beta.1, 20.x),
   * where it is said "dot" rather than ending a sentence.
   */
  static boolean dotInName(String s, int i, int next) {
    if (i == 0 || next >= s.length()) {
      return false;
    }
    char before = s.charAt(i - 1);
    char after = s.charAt(next);
    return Character.isLetter(before) && Character.isDigit(after)
        || Character.isDigit(before) && Character.isLetter(after);
  }

  /** The words for the character {@code cp}, or null when it has none of its own. */
  static String said(int cp) {
    return SAID.get(cp);
  }

  /**
   * The words for a run of operator characters: {@code C++} (after a letter) "plus plus", a run
   * of dashes a pause after a word, others their meaning or nothing.
   */
  static String operator(String op, boolean afterLetter, boolean afterWord) {
    if (op.equals("++") && afterLetter) {
      return "plus plus"; // C++, i++
    }
    if (op.chars().allMatch(c -> c == '-')) {
      return afterWord ? "," : " ";
    }
    return OPERATORS.getOrDefault(op, " ");
  }
}
