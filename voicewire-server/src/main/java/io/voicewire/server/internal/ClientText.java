package io.voicewire.server.internal;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Makes a message fit for a client: a close reason within the close frame's bound
 * ({@link #closeReason}), and no Java class names (a provider's error text may be built
 * from an exception, {@code "synthesis failed: java.lang.IllegalStateException: ..."}), which tell
 * an attacker what runs inside and tell a user nothing. Stateless; thread safe.
 */
final class ClientText {
  /** A qualified class name, with the {@code ": "} that follows it in {@code toString()}. */
  private static final Pattern QUALIFIED = Pattern.compile(
      "\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*\\b(?::\\s*)?");
  /** A simple exception or error class name, with the {@code ": "} that may follow it. */
  private static final Pattern SIMPLE = Pattern.compile(
      "\\b[A-Z][A-Za-z0-9_$]*(?:Exception|Error)\\b(?::\\s*)?");

  /** Longest close reason RFC 6455 allows, in bytes. */
  static final int MAX_CLOSE_REASON_BYTES = 123;

  private ClientText() {}

  /**
   * {@code reason} cut to {@link #MAX_CLOSE_REASON_BYTES} bytes of UTF-8 (ending in
   * {@code "..."} when cut), as a close frame carries it; null stays null.
   */
  static String closeReason(String reason) {
    if (reason == null || reason.length() <= MAX_CLOSE_REASON_BYTES / 3) {
      return reason; // at most 3 bytes per UTF-16 char: fits without counting
    }
    byte[] b = reason.getBytes(StandardCharsets.UTF_8);
    if (b.length <= MAX_CLOSE_REASON_BYTES) {
      return reason;
    }
    int limit = MAX_CLOSE_REASON_BYTES - 3;
    int end = 0;
    int bytes = 0;
    while (end < reason.length()) {
      int cp = reason.codePointAt(end);
      int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + n > limit) {
        break;
      }
      bytes += n;
      end += Character.charCount(cp);
    }
    return reason.substring(0, end) + "...";
  }

  /** {@code message} without class names; "internal error" when nothing else is left. */
  static String safe(String message) {
    if (message == null) {
      return null;
    }
    String m = QUALIFIED.matcher(message).replaceAll("");
    m = SIMPLE.matcher(m).replaceAll("").strip();
    if (m.endsWith(":")) {
      m = m.substring(0, m.length() - 1).strip();
    }
    return m.isEmpty() ? "internal error" : m;
  }
}
