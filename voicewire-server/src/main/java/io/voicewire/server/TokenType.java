package io.voicewire.server;

import java.util.Locale;

/** The kinds of single-use token (PROTOCOL.md §6.2); a token works only where its type fits. */
public enum TokenType {
  /** For {@code /v1/speech-to-text/realtime?token=…}. */
  REALTIME_SCRIBE,
  /** For {@code /v1/text-to-speech/{voice_id}/(multi-)stream-input?single_use_token=…}. */
  TTS_WEBSOCKET,
  /** For {@code POST /v1/speech-to-text?token=…}. */
  BATCH_SCRIBE;

  /** The wire name, e.g. {@code realtime_scribe}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a wire name; null when unknown. */
  public static TokenType fromWire(String name) {
    for (TokenType t : values()) {
      if (t.wireName().equals(name)) {
        return t;
      }
    }
    return null;
  }
}
