package io.voicewire.client;

import io.voicewire.protocol.TokenType;

/**
 * Supplies single-use tokens. A stream asks for a fresh token on <em>every</em> connection and
 * reconnection, because a token is consumed by its first use (PROTOCOL.md §6.2).
 *
 * <p>Called on a virtual thread, never on a socket thread, so it may block (for example on an
 * HTTP call to your own backend, which mints the token with its API key). Implementations must be
 * thread safe. An exception fails that connection attempt; a {@link VoiceClientException} with
 * status 401 or 403 is not retried.
 */
@FunctionalInterface
public interface TokenSupplier {
  /** A fresh token of the given type. */
  String token(TokenType type) throws Exception;

  /** A supplier that mints each token with {@code keyedClient}, a client holding an API key. */
  static TokenSupplier minting(VoiceClient keyedClient) {
    java.util.Objects.requireNonNull(keyedClient, "keyedClient == null");
    return keyedClient::mintToken;
  }
}
