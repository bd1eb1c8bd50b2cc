package io.voicewire.protocol;

import java.util.Locale;
import java.util.Optional;

/**
 * The kinds of single-use token ({@code POST /v1/single-use-token/{token_type}}, PROTOCOL.md
 * §6.2), each with the query parameter that carries it: a token works only where its type fits.
 * The one definition that the server (which mints and redeems) and the client (which asks for
 * and sends) both use.
 */
public enum TokenType {
  /** For the realtime speech-to-text WebSocket ({@code /v1/speech-to-text/realtime?token=}). */
  REALTIME_SCRIBE("token"),
  /** For batch speech-to-text ({@code POST /v1/speech-to-text?token=}). */
  BATCH_SCRIBE("token"),
  /** For the TTS WebSockets ({@code .../(multi-)stream-input?single_use_token=}). */
  TTS_WEBSOCKET("single_use_token");

  /** The constant's name in lower case: the wire's names are the constants' names. */
  private final String wireName = name().toLowerCase(Locale.ROOT);
  private final String queryParam;

  TokenType(String queryParam) {
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

  /** The type of a wire name; empty when the name is none of them. */
  public static Optional<TokenType> fromWire(String name) {
    for (TokenType t : values()) {
      if (t.wireName.equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /**
   * The type of a wire name; an unknown name throws {@link IllegalArgumentException} whose
   * message lists the valid ones.
   */
  public static TokenType parse(String name) {
    return fromWire(name).orElseThrow(() -> new IllegalArgumentException(
        "token type must be realtime_scribe, batch_scribe or tts_websocket: " + name));
  }
}
