package io.voicewire.protocol;

/**
 * Targeted scans of JSON text: what a relay reads from a message it forwards unchanged, without
 * building a tree. Each scan walks the top-level object once, allocates at most the result, and
 * answers null for anything it does not recognise (the caller then parses the message fully), so
 * a scan never accepts what the full parser would reject.
 *
 * <p>Stateless and thread safe.
 */
public final class JsonScan {
  private JsonScan() {}

  /**
   * The value of the top-level string member {@code key} of the object {@code json}, or null
   * when {@code json} is no object, has no such member, the member is no string or its value
   * holds escapes. Nested objects, arrays and strings are skipped, escapes included, so a key
   * inside a value is never mistaken for a member. The text after the member is not validated.
   */
  public static String topLevelString(String json, String key) {
    int i = valueAt(json, key);
    if (i < 0 || json.charAt(i) != '"') {
      return null;
    }
    int end = stringEnd(json, i);
    if (end < 0 || json.indexOf('\\', i + 1) >= 0 && json.indexOf('\\', i + 1) < end) {
      return null;
    }
    return json.substring(i + 1, end);
  }

  /**
   * Whether the top-level member {@code key} of the object {@code json} is the literal
   * {@code true}; false when {@code json} is no object, has no such member, or its value is
   * anything else. Skips values as {@link #topLevelString} does.
   */
  public static boolean topLevelTrue(String json, String key) {
    int i = valueAt(json, key);
    return i >= 0 && json.startsWith("true", i) && valueEnd(json, i) == i + 4;
  }

  /**
   * Whether the object {@code json} has a top-level member {@code key}, of any value; false also
   * when {@code json} is no object or the scan does not recognise it. Skips values as
   * {@link #topLevelString} does.
   */
  public static boolean hasTopLevel(String json, String key) {
    return valueAt(json, key) >= 0;
  }

  /**
   * The object {@code json} with the string member {@code key}: {@code value} added after its
   * last member (escaped as JSON requires), or null when {@code json} does not end with a closing
   * brace (white space aside). The caller knows {@code json} is an object without that member
   * ({@link #hasTopLevel}); nothing before the closing brace is read or changed.
   */
  public static String withStringMember(String json, String key, String value) {
    int end = json.length();
    while (end > 0 && isWs(json.charAt(end - 1))) {
      end--;
    }
    if (end == 0 || json.charAt(end - 1) != '}') {
      return null;
    }
    int last = end - 1;
    while (last > 0 && isWs(json.charAt(last - 1))) {
      last--;
    }
    boolean empty = last > 0 && json.charAt(last - 1) == '{';
    StringBuilder sb = new StringBuilder(end + key.length() + value.length() + 16);
    sb.append(json, 0, end - 1).append(empty ? "" : ",");
    quote(sb, key).append(':');
    return quote(sb, value).append('}').toString();
  }

  private static StringBuilder quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append("\\u00").append(Character.forDigit(c >> 4, 16))
            .append(Character.forDigit(c & 15, 16));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"');
  }

  private static boolean isWs(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }

  /** Index of the value of the top-level member {@code key}, or -1 (see the scans above). */
  private static int valueAt(String json, String key) {
    int i = skipWs(json, 0);
    if (i >= json.length() || json.charAt(i) != '{') {
      return -1;
    }
    i = skipWs(json, i + 1);
    while (i < json.length() && json.charAt(i) == '"') {
      int keyEnd = stringEnd(json, i);
      if (keyEnd < 0) {
        return -1;
      }
      boolean match = keyEnd - i - 1 == key.length() && json.startsWith(key, i + 1);
      i = skipWs(json, keyEnd + 1);
      if (i >= json.length() || json.charAt(i) != ':') {
        return -1;
      }
      i = skipWs(json, i + 1);
      if (match) {
        return i < json.length() ? i : -1;
      }
      i = valueEnd(json, i);
      if (i < 0) {
        return -1;
      }
      i = skipWs(json, i);
      if (i >= json.length() || json.charAt(i) != ',') {
        return -1;
      }
      i = skipWs(json, i + 1);
    }
    return -1;
  }

  /** Index after the white space at or after {@code i}. */
  static int skipWs(String s, int i) {
    while (i < s.length() && isWs(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /**
   * Index of the closing quote of the string opening at {@code i}, or -1: the first quote after
   * it that an even number of backslashes precedes (escapes pair up, and no other escape makes a
   * quote character). Found with {@link String#indexOf(int, int)}, which the JIT compiles to a
   * vector search, so a long value (an audio message's base64) costs no per-character loop.
   */
  static int stringEnd(String s, int i) {
    int from = i + 1;
    while (true) {
      int q = s.indexOf('"', from);
      if (q < 0) {
        return -1;
      }
      int b = q - 1;
      while (b > i && s.charAt(b) == '\\') {
        b--;
      }
      if (((q - 1 - b) & 1) == 0) {
        return q;
      }
      from = q + 1;
    }
  }

  /** Index after the value starting at {@code i} (any kind, nested ones skipped whole), or -1. */
  static int valueEnd(String s, int i) {
    if (i >= s.length()) {
      return -1;
    }
    char c = s.charAt(i);
    if (c == '"') {
      int e = stringEnd(s, i);
      return e < 0 ? -1 : e + 1;
    }
    if (c == '{' || c == '[') {
      int depth = 0;
      for (int j = i; j < s.length(); j++) {
        char d = s.charAt(j);
        if (d == '"') {
          j = stringEnd(s, j);
          if (j < 0) {
            return -1;
          }
        } else if (d == '{' || d == '[') {
          depth++;
        } else if ((d == '}' || d == ']') && --depth == 0) {
          return j + 1;
        }
      }
      return -1;
    }
    int j = i;
    while (j < s.length() && ",}] \n\r\t".indexOf(s.charAt(j)) < 0) {
      j++;
    }
    return j == i ? -1 : j;
  }
}
