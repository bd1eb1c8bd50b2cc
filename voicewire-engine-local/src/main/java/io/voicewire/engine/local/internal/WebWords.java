package io.voicewire.engine.local.internal;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How {@link TextNormalizer} reads URLs, domains, e-mail addresses and file names:
 * "https://www.example.com/docs/getting-started?lang=en" is "w w w dot example dot com slash docs
 * slash getting started" (scheme, query and fragment are not read); "jane.doe@example.org" is
 * "jane dot doe at example dot org"; "report_v2.pdf" is "report v two dot pdf". Stateless and
 * thread safe.
 */
final class WebWords {
  private static final String URL_CHARS = "[^\\s<>\"'`]";
  private static final Pattern URL = Pattern.compile("(?i)(?:(?:https?|ftp)://|www\\.)"
      + URL_CHARS + "+");
  private static final Pattern EMAIL = Pattern.compile(
      "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
  private static final Pattern DOMAIN = Pattern.compile("(?i)[a-z0-9][a-z0-9-]*(?:\\.[a-z0-9-]+)*"
      + "\\.(?:com|org|net|io|dev|ai|app|co|uk|de|edu|gov|info|me|us|fr|eu|ly|tv)(?![\\w-])"
      + "(?:/" + URL_CHARS + "*)?");
  /** A file name with a common extension: report_v2.pdf, README.md. */
  private static final Pattern FILE_NAME = Pattern.compile("([\\w-]+(?:\\.[\\w-]+)*)\\."
      + "(pdf|md|txt|csv|json|py|js|ts|java|html|css|docx?|xlsx?|pptx?|png|jpe?g|gif|svg|zip|gz"
      + "|mp3|mp4|wav|exe|sh|ya?ml|xml|log)(?![\\w.])", Pattern.CASE_INSENSITIVE);
  /** Numbers longer than this in an address are read digit by digit. */
  private static final int MAX_CARDINAL_DIGITS_IN_ADDRESS = 4;

  private WebWords() {}

  /**
   * Says the URL, e-mail address, bare domain or file name at {@code i}; false when there is
   * none.
   */
  static boolean address(TextNormalizer.Scan sc, int i) {
    if (sc.at(URL, i) || sc.at(DOMAIN, i)) {
      int end = sc.m.end();
      while (end > i && ".,;:!?)]}'\"".indexOf(sc.s.charAt(end - 1)) >= 0) {
        end--;
      }
      sc.b.say(end, WebWords.url(sc.s.substring(i, end)));
      return true;
    }
    if (sc.at(FILE_NAME, i)) {
      String name = sc.m.group(1);
      String ext = sc.m.group(2);
      int end = sc.m.end();
      // its dots as spaces: a name is read once, never matched as a file name again
      sc.b.say(end, TextNormalizer.normalize(name.replace('.', ' ')).spoken().strip() + " dot "
          + ext.toLowerCase(Locale.ROOT));
      return true;
    }
    if (sc.at(EMAIL, i)) {
      sc.b.say(sc.m.end(), WebWords.email(sc.m.group()));
      return true;
    }
    return false;
  }

  static String url(String u) {
    String rest = u.replaceFirst("(?i)^(?:https?|ftp)://", "");
    int cut = indexOfAny(rest, "?#");
    if (cut >= 0) {
      rest = rest.substring(0, cut);
    }
    int slash = rest.indexOf('/');
    String host = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash + 1);
    StringBuilder out = new StringBuilder();
    int colon = host.indexOf(':');
    String port = colon < 0 ? null : host.substring(colon + 1);
    host = colon < 0 ? host : host.substring(0, colon);
    for (String label : host.split("\\.")) {
      join(out, " dot ", label.equalsIgnoreCase("www") ? "w w w" : words(label));
    }
    if (port != null && !port.isEmpty()) {
      join(out, " port ", words(port));
    }
    for (String segment : path.split("/")) {
      join(out, " slash ", words(segment.replaceAll("[-_.~+=&%,;:]", " ")));
    }
    return out.toString();
  }

  static String email(String e) {
    int at = e.lastIndexOf('@');
    StringBuilder out = new StringBuilder();
    String local = e.substring(0, at);
    StringBuilder part = new StringBuilder();
    for (int i = 0; i <= local.length(); i++) {
      char c = i < local.length() ? local.charAt(i) : 0;
      String sep = switch (c) {
        case '.' -> "dot";
        case '_' -> "underscore";
        case '-' -> "dash";
        case '+' -> "plus";
        case '%' -> "percent";
        case 0 -> "";
        default -> null;
      };
      if (sep == null) {
        part.append(c);
        continue;
      }
      join(out, " ", words(part.toString()));
      join(out, " ", sep);
      part.setLength(0);
    }
    out.append(" at");
    for (String label : e.substring(at + 1).split("\\.")) {
      join(out, out.toString().endsWith(" at") ? " " : " dot ", words(label));
    }
    return out.toString().strip();
  }

  /** Letters as words, digits as numbers. */
  private static String words(String s) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      int j = i;
      boolean digit = Character.isDigit(s.charAt(i));
      while (j < s.length() && Character.isDigit(s.charAt(j)) == digit
          && (digit || s.charAt(j) != ' ')) {
        j++;
      }
      String run = s.substring(i, Math.max(j, i + 1));
      String w;
      if (run.isBlank()) {
        w = "";
      } else if (digit) {
        w = run.length() > MAX_CARDINAL_DIGITS_IN_ADDRESS ? NumberWords.digits(run)
            : NumberWords.cardinal(run);
      } else {
        w = Words.speak(Words.toAscii(run).toLowerCase(Locale.ROOT));
      }
      join(out, " ", w);
      i = Math.max(j, i + 1);
    }
    return out.toString();
  }

  private static void join(StringBuilder out, String sep, String w) {
    if (w.isBlank()) {
      return;
    }
    if (!out.isEmpty()) {
      out.append(sep);
    }
    out.append(w.strip());
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }
}
