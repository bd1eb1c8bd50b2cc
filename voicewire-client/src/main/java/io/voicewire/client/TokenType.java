package io.voicewire.client;

/** The kinds of single-use token ({@code POST /v1/single-use-token/{token_type}}). */
public enum TokenType {
  /** For the realtime speech-to-text WebSocket ({@code token=} in its query). */
  REALTIME_SCRIBE("realtime_scribe", "token"),
  /** For batch speech-to-text ({@code POST /v1/speech-to-text?token=}). */
  BATCH_SCRIBE("batch_scribe", "token"),
  /** For the TTS WebSockets ({@code single_use_token=} in their query). */
  TTS_WEBSOCKET("tts_websocket", "single_use_token");

  private final String wireName;
  private final String queryParam;

  TokenType(String wireName, String queryParam) {
    this.wireName = wireName;
    this.queryParam = queryParam;
  }

  /** The query parameter that carries this kind of token, e.g. {@code single_use_token}. */
  public String queryParam() {
    return queryParam;
  }

  /** The name in the URL path, e.g. {@code realtime_scribe}. */
  public String wireName() {
    return wireName;
  }

  /** Parses a wire name; throws {@link IllegalArgumentException} listing the valid ones. */
  public static TokenType parse(String name) {
    for (TokenType t : values()) {
      if (t.wireName.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "token type must be realtime_scribe, batch_scribe or tts_websocket: " + name);
  }
}
