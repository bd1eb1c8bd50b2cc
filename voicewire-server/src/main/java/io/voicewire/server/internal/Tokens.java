package io.voicewire.server.internal;

import io.voicewire.protocol.TokenType;
import io.voicewire.server.SingleUseToken;
import io.voicewire.server.TokenStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

/**
 * Mints and redeems single-use tokens (PROTOCOL.md §6.2): 32 random bytes, URL-safe base64, valid
 * for {@link #TOKEN_TTL} and for one use. Only SHA-256 hashes reach the store. Thread safe.
 */
final class Tokens {
  /** How long a token stays valid: 15 minutes, as ElevenLabs' tokens. */
  static final Duration TOKEN_TTL = Duration.ofMinutes(15);
  /** Prefix of every token, so that logs and users can tell tokens from keys. */
  static final String PREFIX = "vwt_";

  private final TokenStore store;
  private final Clock clock;
  private final SecureRandom random;
  private final MintBudget budget;

  /** @param shared the mint budget in Redis, or null to keep it in this process */
  Tokens(TokenStore store, Clock clock, SecureRandom random, RedisAuthLimits shared) {
    this.store = store;
    this.clock = clock;
    this.random = random;
    this.budget = new MintBudget(clock, TOKEN_TTL.toMillis(), shared);
  }

  /**
   * Takes one mint from {@code keyId}'s budget ({@link MintBudget}; across replicas with Redis):
   * null when it may mint, else why not.
   */
  String admitMint(String keyId) {
    return budget.tryMint(keyId);
  }

  /** A new token, or null when the store is full. */
  String issue(TokenType type, String keyId) {
    byte[] b = new byte[32];
    random.nextBytes(b);
    String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    SingleUseToken grant = new SingleUseToken(type, keyId, clock.instant().plus(TOKEN_TTL));
    return store.save(Hashing.sha256Hex(token), grant) ? token : null;
  }

  TokenStore.Redemption redeem(String token, TokenType expected) {
    TokenStore.Redemption r = store.redeem(Hashing.sha256Hex(token), expected, clock.instant());
    if (r.status() == TokenStore.Redemption.Status.ACCEPTED
        || r.status() == TokenStore.Redemption.Status.EXPIRED) {
      budget.used(r.grant().keyId());
    }
    return r;
  }
}
