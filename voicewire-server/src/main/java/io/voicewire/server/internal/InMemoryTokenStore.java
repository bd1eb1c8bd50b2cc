package io.voicewire.server.internal;

import io.voicewire.protocol.TokenType;
import io.voicewire.server.SingleUseToken;
import io.voicewire.server.TokenStore;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link TokenStore} in a {@link ConcurrentHashMap}, bounded to
 * {@link TokenStore#MAX_IN_MEMORY_TOKENS}; when full, expired tokens are purged first and a save
 * that still does not fit is refused. Thread safe; redemption is atomic through
 * {@link ConcurrentHashMap#remove(Object, Object)}.
 */
public final class InMemoryTokenStore implements TokenStore {
  private final ConcurrentHashMap<String, SingleUseToken> tokens = new ConcurrentHashMap<>();
  private final int capacity;

  public InMemoryTokenStore() {
    this(MAX_IN_MEMORY_TOKENS);
  }

  /** For testing: a store with a smaller capacity. */
  InMemoryTokenStore(int capacity) {
    this.capacity = capacity;
  }

  @Override
  public boolean save(String tokenHash, SingleUseToken grant) {
    Objects.requireNonNull(tokenHash, "tokenHash == null");
    Objects.requireNonNull(grant, "grant == null");
    if (tokens.size() >= capacity) {
      Instant now = Instant.now();
      tokens.values().removeIf(t -> !now.isBefore(t.expiresAt()));
      if (tokens.size() >= capacity) {
        return false;
      }
    }
    tokens.put(tokenHash, grant);
    return true;
  }

  @Override
  public Redemption redeem(String tokenHash, TokenType expected, Instant now) {
    SingleUseToken t = tokens.get(tokenHash);
    if (t == null) {
      return Redemption.of(Redemption.Status.UNKNOWN, null);
    }
    if (!now.isBefore(t.expiresAt())) {
      tokens.remove(tokenHash, t);
      return Redemption.of(Redemption.Status.EXPIRED, t);
    }
    if (t.type() != expected) {
      return Redemption.of(Redemption.Status.WRONG_TYPE, t);
    }
    return tokens.remove(tokenHash, t)
        ? Redemption.of(Redemption.Status.ACCEPTED, t)
        : Redemption.of(Redemption.Status.UNKNOWN, null);
  }

  /** Tokens held (used ones are gone, expired ones may linger until a purge). */
  public int size() {
    return tokens.size();
  }
}
