package io.voicewire.server.internal;

import io.voicewire.protocol.TokenType;
import io.voicewire.server.SingleUseToken;
import io.voicewire.server.TokenStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import redis.clients.jedis.params.SetParams;

/**
 * {@link TokenStore} in Redis, shared by replicas: a token is the key
 * {@code voicewire:token:<sha256>} whose value is {@code type|keyId|expiresAtMillis}, set with
 * Redis expiry at the token's own expiry, and redeemed by one Lua script (get, check the type,
 * delete) so that of any number of concurrent redeemers on any replicas exactly one succeeds.
 *
 * <p>Fails closed: when Redis cannot be reached, {@link #redeem} answers
 * {@link Redemption.Status#UNAVAILABLE} (the request is refused) and {@link #save} throws
 * {@link TokenStore.UnavailableException}. Thread safe.
 */
public final class RedisTokenStore implements TokenStore {
  static final String PREFIX = "voicewire:token:";

  /** GET, type check, DEL: returns nil, "W<value>" (wrong type, kept) or "A<value>" (taken). */
  private static final String REDEEM = """
      local v = redis.call('GET', KEYS[1])
      if not v then return false end
      local sep = string.find(v, '|', 1, true)
      if string.sub(v, 1, sep - 1) ~= ARGV[1] then return 'W' .. v end
      redis.call('DEL', KEYS[1])
      return 'A' .. v
      """;

  private final RedisConnection redis;
  private final java.time.Clock clock;

  public RedisTokenStore(RedisConnection redis, java.time.Clock clock) {
    this.redis = redis;
    this.clock = clock;
  }

  @Override
  public boolean save(String tokenHash, SingleUseToken grant) {
    Objects.requireNonNull(tokenHash, "tokenHash == null");
    Objects.requireNonNull(grant, "grant == null");
    long ttl = Duration.between(clock.instant(), grant.expiresAt()).toMillis();
    if (ttl <= 0) {
      return true; // already expired: nothing to keep
    }
    String value = grant.type().wireName() + "|" + grant.keyId() + "|"
        + grant.expiresAt().toEpochMilli();
    try {
      redis.call(j -> j.set(PREFIX + tokenHash, value, SetParams.setParams().px(ttl)));
    } catch (RuntimeException e) {
      throw new UnavailableException("Single-use tokens cannot be minted now: the shared token "
          + "store (Redis) is unreachable", e);
    }
    return true;
  }

  @Override
  public Redemption redeem(String tokenHash, TokenType expected, Instant now) {
    Object r;
    try {
      r = redis.call(j -> j.eval(REDEEM, List.of(PREFIX + tokenHash),
          List.of(expected.wireName())));
    } catch (RuntimeException e) {
      return Redemption.of(Redemption.Status.UNAVAILABLE, null);
    }
    if (r == null) {
      return Redemption.of(Redemption.Status.UNKNOWN, null);
    }
    String s = r.toString();
    SingleUseToken grant = parse(s.substring(1));
    if (grant == null) {
      return Redemption.of(Redemption.Status.UNKNOWN, null);
    }
    if (!now.isBefore(grant.expiresAt())) {
      return Redemption.of(Redemption.Status.EXPIRED, grant);
    }
    return s.charAt(0) == 'A' ? Redemption.of(Redemption.Status.ACCEPTED, grant)
        : Redemption.of(Redemption.Status.WRONG_TYPE, grant);
  }

  private static SingleUseToken parse(String v) {
    int first = v.indexOf('|');
    int last = v.lastIndexOf('|');
    if (first < 0 || last <= first) {
      return null;
    }
    TokenType t = TokenType.fromWire(v.substring(0, first)).orElse(null);
    try {
      return t == null ? null : new SingleUseToken(t, v.substring(first + 1, last),
          Instant.ofEpochMilli(Long.parseLong(v.substring(last + 1))));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
