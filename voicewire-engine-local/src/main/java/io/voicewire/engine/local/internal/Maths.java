package io.voicewire.engine.local.internal;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The mathematics of {@link TextNormalizer}'s text, as homework, recipes for formulas and
 * answers about them write it: a Greek letter used as a symbol ({@code πr²}: "pi r squared",
 * not the transliterated "pr"), an exponent after a letter ({@code x^2}: "x squared"), a
 * coefficient ({@code 3x + 5}: "three x plus five", not "three times"), a function's argument
 * ({@code f(x)}: "f of x") and a spaced hyphen inside an equation ({@code x^2 - 4 = 5}: minus,
 * as the sign {@code −} always is in {@link Symbols}); outside one, a spaced dash between two
 * numbers is "to" ({@code 2 - 3 people}). Stateless and thread safe.
 */
final class Maths {
  /** The Greek letters, small and capital, by their names. */
  private static final Map<Character, String> GREEK = Map.ofEntries(Map.entry('α', "alpha"),
      Map.entry('β', "beta"), Map.entry('γ', "gamma"), Map.entry('δ', "delta"),
      Map.entry('ε', "epsilon"), Map.entry('ζ', "zeta"), Map.entry('η', "eta"),
      Map.entry('θ', "theta"), Map.entry('ι', "iota"), Map.entry('κ', "kappa"),
      Map.entry('λ', "lambda"), Map.entry('μ', "mu"), Map.entry('ν', "nu"),
      Map.entry('ξ', "xi"), Map.entry('ο', "omicron"), Map.entry('π', "pi"),
      Map.entry('ρ', "rho"), Map.entry('σ', "sigma"), Map.entry('ς', "sigma"),
      Map.entry('τ', "tau"), Map.entry('υ', "upsilon"), Map.entry('φ', "phi"),
      Map.entry('χ', "chi"), Map.entry('ψ', "psi"), Map.entry('ω', "omega"),
      Map.entry('Γ', "gamma"), Map.entry('Δ', "delta"), Map.entry('Θ', "theta"),
      Map.entry('Λ', "lambda"), Map.entry('Ξ', "xi"), Map.entry('Π', "pi"),
      Map.entry('Σ', "sigma"), Map.entry('Φ', "phi"), Map.entry('Ψ', "psi"),
      Map.entry('Ω', "omega"));
  /** Two Greek letters in a row: the text has Greek words, which are transliterated. */
  private static final Pattern GREEK_WORD = Pattern.compile("\\p{IsGreek}{2}");
  /** A coefficient's {@code x}: before an operator ({@code 3x + 5}, {@code 2x=8}) or a power. */
  private static final Pattern COEFFICIENT = Pattern.compile(
      "x(?= [-+−=<>≤≥] |[+=−]|\\^|[²³])");
  /** An exponent after a letter or a closing bracket: {@code x^2}, {@code (a+b)^n}. */
  private static final Pattern EXPONENT = Pattern.compile("\\^(-?)(\\d{1,3}|[A-Za-z])(?![\\w^])");
  /** A function's argument: {@code f(x)}, {@code g(2)}, {@code f(x, y)}. */
  private static final Pattern ARGUMENT = Pattern.compile(
      "\\((?:[A-Za-z]|\\d{1,4})(?:, ?(?:[A-Za-z]|\\d{1,4}))*\\)");
  /** What stands right before a spaced minus: a single letter, a number, an exponent, a ')'. */
  private static final Pattern OPERAND_BEFORE = Pattern.compile(
      "(?s)(?:.*[^A-Za-z])?(?:[A-Za-z]|\\d+(?:\\.\\d+)?|[²³)]|\\^\\w+) $");

  /** What stands right before a spaced dash between two numbers: a number. */
  private static final Pattern NUMBER_BEFORE = Pattern.compile("(?s)(?:.*[^\\w.,])?\\d[\\d.,]* $");

  private Maths() {}

  /**
   * The Greek letter at {@code i} (a word of letters up to {@code wordEnd}) said by its name
   * when it is a symbol: alone, or before Latin letters ({@code Δt}, {@code πr²}), in a text
   * that has no Greek word. False otherwise (Greek words are transliterated as other scripts).
   */
  static boolean greekLetter(TextNormalizer.Scan sc, int i, int wordEnd) {
    String name = GREEK.get(sc.s.charAt(i));
    if (name == null || i + 1 < wordEnd && !isLatin(sc.s.charAt(i + 1))
        || GREEK_WORD.matcher(sc.s).find()) {
      return false;
    }
    sc.b.say(i + 1, name + (i + 1 < wordEnd ? " " : ""));
    return true;
  }

  private static boolean isLatin(char c) {
    return c < 128 && Character.isLetter(c);
  }

  /**
   * The {@code x} right after a number at {@code end}, when it is a coefficient's variable
   * ({@code 3x + 5 = 20}, {@code 2x²}): " x", with {@code sc.m} ending after it; null when it
   * says "times" ({@code 3x faster}).
   */
  static String coefficient(TextNormalizer.Scan sc, int end) {
    return sc.at(COEFFICIENT, end) ? " x" : null;
  }

  /**
   * A symbol of mathematics at {@code i} that only its neighbours make one: an exponent after
   * a letter or bracket ({@code x^2} "squared", {@code x^3} "cubed", {@code e^-x} "to the power
   * of minus x"). False for anything else.
   */
  static boolean symbol(TextNormalizer.Scan sc, int i, int cp) {
    if (cp != '^' || i == 0 || !(Character.isLetter(sc.s.charAt(i - 1))
        || sc.s.charAt(i - 1) == ')') || !sc.at(EXPONENT, i)) {
      return false;
    }
    String sign = sc.m.group(1).isEmpty() ? "" : "minus ";
    String power = sc.m.group(2);
    String said = sign.isEmpty() && power.equals("2") ? "squared"
        : sign.isEmpty() && power.equals("3") ? "cubed"
        : "to the power of " + sign + (Character.isDigit(power.charAt(0))
            ? NumberWords.cardinal(power) : power);
    sc.b.say(sc.m.end(), said);
    return true;
  }

  /**
   * The bracket at {@code i} opening a function's argument: {@code f(x)} "f of x". True when
   * it was said; only f, g and h name functions ({@code a(n)}, {@code 12(b)} are left alone).
   */
  static boolean argument(TextNormalizer.Scan sc, int i) {
    String s = sc.s;
    if (i == 0 || "fgh".indexOf(s.charAt(i - 1)) < 0
        || i > 1 && Character.isLetterOrDigit(s.charAt(i - 2)) || !sc.at(ARGUMENT, i)) {
      return false;
    }
    sc.b.say(i + 1, "of");
    return true;
  }

  /**
   * What a spaced hyphen or en dash at {@code i} says: "minus" between two operands in a text
   * with an equals sign ({@code x^2 - 4 = 5}, {@code a = b - c}), "to" between two numbers
   * elsewhere ({@code 2 - 3 people}, {@code pages 10 – 20}, a score {@code 3 - 2}), else {@code
   * otherwise} (a pause or nothing).
   */
  static String spacedDash(String s, int i, int cp, String otherwise) {
    int next = i + 1;
    if (cp == '—' || next + 1 >= s.length() || s.charAt(next) != ' ' || i == 0
        || s.charAt(i - 1) != ' ') {
      return otherwise;
    }
    char after = s.charAt(next + 1);
    String before = s.substring(Math.max(0, i - 12), i);
    if (s.indexOf('=') >= 0 && (Character.isLetterOrDigit(after) || after == '(')
        && OPERAND_BEFORE.matcher(before).matches()) {
      return "minus";
    }
    return Character.isDigit(after) && NUMBER_BEFORE.matcher(before).matches() ? "to" : otherwise;
  }
}
