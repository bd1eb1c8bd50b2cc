package io.voicewire.server;

import io.voicewire.protocol.TokenType;
import java.time.Instant;
import java.util.Objects;

/**
 * What a single-use token grants: its type, the API key it was minted with (as a key id, never
 * the key itself), and when it expires.
 *
 * @param type where the token may be used
 * @param keyId the id of the API key that minted it (for per-key limits and logs)
 * @param expiresAt the instant after which it is refused
 */
public record SingleUseToken(TokenType type, String keyId, Instant expiresAt) {
  public SingleUseToken {
    Objects.requireNonNull(type, "type == null");
    Objects.requireNonNull(keyId, "keyId == null");
    Objects.requireNonNull(expiresAt, "expiresAt == null");
  }
}
