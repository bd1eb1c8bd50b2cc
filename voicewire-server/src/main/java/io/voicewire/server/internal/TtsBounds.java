package io.voicewire.server.internal;

import io.voicewire.speech.Alignment;

/**
 * The per-message and per-context limits of the TTS WebSockets that are not queue bounds, each
 * with its unit. Stateless; thread safe.
 */
final class TtsBounds {
  /**
   * Longest {@code context_id}, in UTF-8 bytes. The id is repeated in every message sent back for
   * the context, so its length multiplies the outbox; ElevenLabs' own ids are short strings.
   */
  static final int MAX_CONTEXT_ID_BYTES = 256;
  /**
   * Most text one context may hold that has been accepted but not yet voiced, in UTF-8 bytes:
   * text sent minus the characters that came back in alignment. It bounds text that has nothing
   * to say (punctuation, spaces), which an engine keeps until it can attach it to audio, and so
   * the size of the alignment that finally carries it. Above the engine buffer of
   * {@code TextReleaser.MAX_BUFFERED_CHARS} (100,000 characters, up to 400 KB) so that an ordinary
   * long text is never refused.
   */
  static final int MAX_UNVOICED_TEXT_BYTES = 512 * 1024;

  private TtsBounds() {}

  /** Why {@code contextId} is refused, or null when it is acceptable. */
  static String contextIdProblem(String contextId) {
    if (contextId == null) {
      return null;
    }
    long n = utf8Length(contextId);
    return n <= MAX_CONTEXT_ID_BYTES ? null : "context_id of " + n + " bytes exceeds the limit of "
        + MAX_CONTEXT_ID_BYTES + " bytes";
  }

  /** The message of a context whose unvoiced text would exceed the limit. */
  static String unvoicedTextProblem(long unvoicedBytes) {
    return "Text accepted but not yet voiced would reach " + unvoicedBytes + " bytes, over the "
        + "limit of " + MAX_UNVOICED_TEXT_BYTES + " bytes per context: wait for its audio "
        + "(or its alignment) before sending more";
  }

  /** UTF-8 length of {@code s} without encoding it. */
  static long utf8Length(CharSequence s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /** UTF-8 bytes of the characters an alignment accounts for (0 for null). */
  static long alignedBytes(Alignment a) {
    if (a == null) {
      return 0;
    }
    long n = 0;
    for (String c : a.chars()) {
      n += utf8Length(c);
    }
    return n;
  }

  /** The client's message for an inactivity timeout of {@code secs} seconds. */
  static String timeoutMessage(long secs) {
    return "Have not received a new text input within the timeout of " + secs + " seconds. "
        + "Streaming input terminated. Please make sure to either feed the input in a timely "
        + "manner, or to send the end of input text (empty string \"\") when done.";
  }
}
