package io.voicewire.server.internal;

import java.util.regex.Pattern;

/**
 * Keeps secrets out of log lines. Error messages may quote client input (a JSON parser names the
 * unexpected token, which could be a key sent unquoted), so every quoted run of
 * {@value #MIN_QUOTED_CHARS} or more characters is replaced, and messages are cut to
 * {@value #MAX_CHARS} characters. Stateless; thread safe.
 */
final class Redact {
  /** Quoted text this long or longer is hidden. */
  static final int MIN_QUOTED_CHARS = 24;
  /** Longest message logged. */
  static final int MAX_CHARS = 200;

  private static final Pattern QUOTED = Pattern.compile(
      "'[^']{" + MIN_QUOTED_CHARS + ",}'|\"[^\"]{" + MIN_QUOTED_CHARS + ",}\"");
  private static final Pattern SECRET = Pattern.compile("(vwt_|sk_)[A-Za-z0-9_\\-]+");

  private Redact() {}

  static String forLog(String message) {
    if (message == null) {
      return null;
    }
    String m = QUOTED.matcher(message).replaceAll("'<redacted>'");
    m = SECRET.matcher(m).replaceAll("<redacted>");
    return m.length() > MAX_CHARS ? m.substring(0, MAX_CHARS) + "..." : m;
  }
}
