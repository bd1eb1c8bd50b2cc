package io.voicewire.server.internal;

import java.util.regex.Pattern;

/**
 * Makes a message fit for a client: no Java class names (a provider's error text may be built
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

  private ClientText() {}

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
