package io.voicewire.engine.local.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Codes for {@link TextNormalizer}, read out character by character as an agent reads them to a
 * caller: a confirmation code, a reference, a ticket, a tracking or serial number, a ZIP code, a
 * PIN, an account or order number, the last digits of a card. A code is a run of capitals,
 * digits and hyphens with at least one digit, right after a word that names one ("confirmation
 * code is X7K-92QP" "X seven K, nine two Q P"; "ZIP 94107" "nine four one zero seven"; "card
 * ending in 4242" "four two four two"). Words that also name other things ("order", "account",
 * "case") count only with "number", "no.", "#" or "ID" ("order # 1234", but "order 2 pizzas");
 * three digits or fewer right after the word are a count ("zip 100 files"), and a status or
 * error code of three digits stays a number ("status code: 404"). Stateless.
 */
final class Codes {
  /** A code: capitals and digits, in groups joined by hyphens. */
  private static final Pattern CODE = Pattern.compile(
      "[A-Z0-9]+(?:-[A-Z0-9]+)*(?![A-Za-z0-9]|-[A-Za-z0-9]|[.,]\\d)");
  /** What may stand between the word that names a code and the code: "code is", "#:", "no.". */
  private static final String LINK = "(?:\\s+(?:code|number|num|no\\.|#|ID))?(?:\\s+(?:is|was))?"
      + "\\s*[:#]?\\s*$";
  /** A word that names a code. */
  private static final String NAME = "(?i)(?:^|[^a-z])(?:confirmation|reference|ref|booking"
      + "|tracking|serial|sn|pnr|zip|postal code|postcode|pin|ticket|invoice|verification code"
      + "|code|otp)";
  /** Before a code: a word that names one, then {@link #LINK}. */
  private static final Pattern NAMED_BEFORE = Pattern.compile(NAME + LINK);
  /**
   * Before a code: a word that names one and nothing else; it may be a verb then ("zip 100
   * files", "invoice 300 clients"), so fewer than four digits are a count.
   */
  private static final Pattern BARE_NAME_BEFORE = Pattern.compile(NAME + "\\s*$");
  /** Before a code: a word that names one only with "number", "no.", "#" or "ID". */
  private static final Pattern NUMBERED_BEFORE = Pattern.compile("(?i)(?:^|[^a-z])(?:order"
      + "|account|acct|member|policy|claim|case|customer|transaction|confirmation|model"
      + "|membership)\\s*(?:number|num|no\\.|#|ID)(?:\\s+(?:is|was))?\\s*:?\\s*$");
  /** Before the last digits of a card or an account: "ending in", "last four digits are". */
  private static final Pattern ENDING_BEFORE = Pattern.compile(
      "(?i)(?:ending|ends) (?:in|with)\\s*$|last (?:four|4)(?: digits)?(?: are| is)?:?\\s*$");
  /** Before three digits after "code", words that make it a status: "status code 404". */
  private static final Pattern STATUS_BEFORE = Pattern.compile(
      "(?i)(?:status|error|response|http|exit|return)\\s+code\\s*:?\\s*$");

  private Codes() {}

  /** Says the code at {@code i} (a capital or a digit); false when there is none. */
  static boolean code(TextNormalizer.Scan sc, int i) {
    Matcher m = sc.m;
    if (i > 0 && Character.isLetterOrDigit(sc.s.charAt(i - 1)) || !sc.at(CODE, i)) {
      return false;
    }
    String code = m.group();
    int end = m.end();
    if (code.chars().noneMatch(Character::isDigit) || !named(sc.s, i, code)) {
      return false;
    }
    StringBuilder said = new StringBuilder();
    for (String group : code.split("-")) {
      said.append(said.isEmpty() ? "" : ", ").append(Measures.hexDigits(group));
    }
    sc.b.say(end, said.toString()); // X7K-92QP: "X seven K, nine two Q P"
    return true;
  }

  private static boolean named(String s, int i, String code) {
    String before = s.substring(Math.max(0, i - 40), i);
    if (ENDING_BEFORE.matcher(before).find()) {
      return code.chars().allMatch(Character::isDigit);
    }
    if (code.length() < 3) {
      return false;
    }
    if (NUMBERED_BEFORE.matcher(before).find()) {
      return true;
    }
    boolean count = code.matches("\\d{1,3}");
    return NAMED_BEFORE.matcher(before).find()
        && !(count && BARE_NAME_BEFORE.matcher(before).find())
        && !(count && STATUS_BEFORE.matcher(before).find());
  }
}
