package io.voicewire.server;

import io.voicewire.protocol.TokenType;
import io.voicewire.server.internal.InMemoryTokenStore;
import java.time.Instant;

/**
 * Where single-use tokens live between minting and use. The server passes only a hash of each
 * token (SHA-256, hex), never the token itself.
 *
 * <p>The default {@link #inMemory()} store serves one server process. Replicas behind a load
 * balancer need a shared store so that a token minted on one replica is honoured, once, on any
 * other: {@link ServerConfig#redis(String)} keeps tokens in Redis ({@code SET hash grant PX ttl}
 * to save, a {@code GET}+type check+{@code DEL} Lua script to redeem).
 *
 * <p>Implementations are thread safe, and {@link #redeem} is atomic: of concurrent redeemers of
 * one token at most one is {@link Redemption.Status#ACCEPTED}.
 */
public interface TokenStore {

  /**
   * Saves a token. Returns false when the store is full (the mint request then fails with 429).
   *
   * @throws UnavailableException when a shared store cannot be reached (the mint request then
   *     fails with 503)
   */
  boolean save(String tokenHash, SingleUseToken grant);

  /**
   * Redeems a token for a use of type {@code expected} at {@code now}. An accepted token is
   * removed, so a second redemption is {@link Redemption.Status#UNKNOWN}. A token of another type
   * is refused and left in place (it can still be used where it belongs); an expired one is
   * refused and removed.
   */
  Redemption redeem(String tokenHash, TokenType expected, Instant now);

  /** The outcome of {@link #redeem}. */
  record Redemption(Status status, SingleUseToken grant) {
    /** Why a token was accepted or refused. */
    public enum Status {
      /** Valid; now used up. */
      ACCEPTED,
      /** Never minted, or already used. */
      UNKNOWN,
      /** Older than its expiry. */
      EXPIRED,
      /** Minted for another endpoint. */
      WRONG_TYPE,
      /**
       * A shared store could not be reached, so the token could not be checked: refused (fail
       * closed); the token may still be valid.
       */
      UNAVAILABLE
    }

    public static Redemption of(Status status, SingleUseToken grant) {
      return new Redemption(status, grant);
    }
  }

  /** A shared store cannot be reached; nothing was saved. */
  final class UnavailableException extends RuntimeException {
    public UnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Most tokens the {@link #inMemory()} store holds (unused and unexpired) at once. */
  int MAX_IN_MEMORY_TOKENS = 100_000;

  /** A store in this process's memory, bounded to {@link #MAX_IN_MEMORY_TOKENS}. */
  static TokenStore inMemory() {
    return new InMemoryTokenStore();
  }
}
