package io.voicewire.protocol;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

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
   * anything else ({@link #topLevelMembers} for one key).
   */
  public static boolean topLevelTrue(String json, String key) {
    int m = topLevelMembers(json, key);
    return m >= 0 && (m & literallyTrue(0)) != 0;
  }

  /**
   * Whether the object {@code json} has a top-level member {@code key}, of any value; false also
   * when {@code json} is no object or the scan does not recognise it ({@link #topLevelMembers}
   * for one key).
   */
  public static boolean hasTopLevel(String json, String key) {
    int m = topLevelMembers(json, key);
    return m >= 0 && (m & present(0)) != 0;
  }

  /**
   * One walk over all the top-level members of the object {@code json} (at most 15 keys): bit
   * {@link #present present(k)} of the result is set when a member is named {@code keys[k]}, bit
   * {@link #literallyTrue literallyTrue(k)} when such a member's value is the literal {@code
   * true} (a name given twice counts each time); -1 when {@code json} is no object the scan
   * recognises. Values are skipped as {@link #topLevelString} skips them.
   */
  public static int topLevelMembers(String json, String... keys) {
    int[] bits = {0};
    boolean recognised = walk(json, (keyFrom, keyTo, valueFrom, valueTo) -> {
      for (int k = 0; k < keys.length; k++) {
        if (keyTo - keyFrom == keys[k].length() && json.startsWith(keys[k], keyFrom)) {
          bits[0] |= present(k);
          if (valueTo == valueFrom + 4 && json.startsWith("true", valueFrom)) {
            bits[0] |= literallyTrue(k);
          }
        }
      }
      return true;
    }) >= 0;
    return recognised ? bits[0] : -1;
  }

  /** The bit of {@link #topLevelMembers}' result for: a member named {@code keys[k]} is there. */
  public static int present(int k) {
    return 1 << k;
  }

  /** The bit of {@link #topLevelMembers}' result for: such a member's value is {@code true}. */
  public static int literallyTrue(int k) {
    return 1 << (k + 15);
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

  /** {@code s} as a JSON string, escaped as Jackson's generator escapes it. */
  private static StringBuilder quote(StringBuilder sb, String s) {
    return sb.append('"').append(JsonStringEncoder.getInstance().quoteAsString(s)).append('"');
  }

  private static boolean isWs(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }

  /** Index of the value of the top-level member {@code key}, or -1 (see the scans above). */
  private static int valueAt(String json, String key) {
    int[] at = {-1};
    walk(json, (keyFrom, keyTo, valueFrom, valueTo) -> {
      if (keyTo - keyFrom == key.length() && json.startsWith(key, keyFrom)) {
        at[0] = valueFrom;
        return false;
      }
      return true;
    });
    return at[0];
  }

  /** A top-level member: its name's and its value's bounds; false stops the walk. */
  private interface Member {
    boolean visit(int keyFrom, int keyTo, int valueFrom, int valueTo);
  }

  /**
   * Walks the top-level members of the object {@code json}, in order: 1 when {@code member}
   * stopped it, 0 at the closing brace, -1 when {@code json} is not an object the scan
   * recognises.
   */
  private static int walk(String json, Member member) {
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
      int keyFrom = i + 1;
      i = skipWs(json, keyEnd + 1);
      if (i >= json.length() || json.charAt(i) != ':') {
        return -1;
      }
      int valueFrom = skipWs(json, i + 1);
      int valueTo = valueEnd(json, valueFrom);
      if (valueTo < 0) {
        return -1;
      }
      if (!member.visit(keyFrom, keyEnd, valueFrom, valueTo)) {
        return 1;
      }
      i = skipWs(json, valueTo);
      if (i >= json.length() || json.charAt(i) != ',') {
        return i < json.length() && json.charAt(i) == '}' ? 0 : -1;
      }
      i = skipWs(json, i + 1);
    }
    return i < json.length() && json.charAt(i) == '}' ? 0 : -1;
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
