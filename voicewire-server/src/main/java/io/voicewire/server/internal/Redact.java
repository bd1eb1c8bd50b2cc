package io.voicewire.server.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of log lines. Error messages may quote client input (a JSON parser names the
 * unexpected token, which could be a key sent unquoted), so:
 * <ul>
 *   <li>every configured API key (of {@link #MIN_SECRET_CHARS} or more characters) is replaced
 *       wherever it appears, quoted or not, however short;
 *   <li>every quoted run of {@value #MIN_QUOTED_CHARS} or more characters is replaced;
 *   <li>every unquoted run of {@value #MIN_UNQUOTED_CHARS} or more letters and digits mixed (a
 *       key-like word) and every {@code vwt_}/{@code sk_} token is replaced;
 *   <li>messages are cut to {@value #MAX_CHARS} characters.
 * </ul>
 * Thread safe: the set of configured keys only grows (keys of every server in this process).
 */
final class Redact {
  /** Quoted text this long or longer is hidden. */
  static final int MIN_QUOTED_CHARS = 8;
  /** Unquoted key-like words (letters and digits mixed) this long or longer are hidden. */
  static final int MIN_UNQUOTED_CHARS = 16;
  /** Configured keys shorter than this are not searched for (they would hide ordinary words). */
  static final int MIN_SECRET_CHARS = 4;
  /** Longest message logged. */
  static final int MAX_CHARS = 200;

  private static final Pattern QUOTED = Pattern.compile(
      "'[^']{" + MIN_QUOTED_CHARS + ",}'|\"[^\"]{" + MIN_QUOTED_CHARS + ",}\"");
  private static final Pattern SECRET = Pattern.compile("(vwt_|sk_)[A-Za-z0-9_\\-]+");
  private static final Pattern KEY_LIKE = Pattern.compile("(?<![A-Za-z0-9_\\-])"
      + "(?=[A-Za-z_\\-]*[0-9])(?=[0-9_\\-]*[A-Za-z])[A-Za-z0-9_\\-]{" + MIN_UNQUOTED_CHARS
      + ",}(?![A-Za-z0-9_\\-])");
  private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

  private Redact() {}

  /** Registers a configured API key, to be hidden wherever it appears in a log line. */
  static void addSecret(String key) {
    if (key != null && key.strip().length() >= MIN_SECRET_CHARS) {
      SECRETS.add(key.strip());
    }
  }

  /**
   * A throwable for a WARN line: its simple class name and its redacted message, no stack (the
   * stack goes to DEBUG, since a message or a frame may carry user text).
   */
  static String exception(Throwable t) {
    return t.getClass().getSimpleName() + ": " + forLog(String.valueOf(t.getMessage()));
  }

  static String forLog(String message) {
    if (message == null) {
      return null;
    }
    String m = message;
    for (String secret : SECRETS) {
      if (m.contains(secret)) {
        m = m.replace(secret, "<redacted>");
      }
    }
    m = QUOTED.matcher(m).replaceAll("'<redacted>'");
    m = SECRET.matcher(m).replaceAll("<redacted>");
    m = KEY_LIKE.matcher(m).replaceAll("<redacted>");
    return m.length() > MAX_CHARS ? m.substring(0, MAX_CHARS) + "..." : m;
  }
}
