package io.voicewire.engine.local.internal;

import java.util.Locale;

/**
 * How {@link TextNormalizer} reads URLs, domains and e-mail addresses: "https://www.example.com/
 * docs/getting-started?lang=en" is "w w w dot example dot com slash docs slash getting started"
 * (scheme, query and fragment are not read); "jane.doe@example.org" is "jane dot doe at example
 * dot org". Stateless and thread safe.
 */
final class WebWords {
  /** Numbers longer than this in an address are read digit by digit. */
  private static final int MAX_CARDINAL_DIGITS_IN_ADDRESS = 4;

  private WebWords() {}

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
