package io.voicewire.server.internal;

import io.voicewire.protocol.Query;
import io.voicewire.protocol.TokenType;
import io.voicewire.server.TokenStore;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;

/**
 * Who is calling. Credentials are read from every place the protocol allows (PROTOCOL.md §9.1):
 * a single-use token in the query ({@code token} or {@code single_use_token}, whichever fits the
 * endpoint) wins; otherwise an API key from the {@code xi-api-key} header,
 * {@code Authorization: Bearer}, or the {@code authorization} query parameter. TTS WebSockets
 * may also carry the key in their first message ({@link #checkKey}).
 *
 * <p>With no keys configured the server is in local-development mode: requests without
 * credentials are allowed (as key id {@value #LOCAL_KEY_ID}); a presented single-use token is
 * still redeemed, so token handling is exercised exactly as in production.
 *
 * <p>Keys are held and compared only as SHA-256 hashes, and identified in logs and limits by a
 * key id (the first 8 hex digits of the hash). Failed attempts are throttled per client address
 * ({@link LoginThrottle}): a throttled address is refused before its credentials are looked at.
 * Thread safe.
 */
final class Auth {
  /** The key id of every caller in local-development mode. */
  static final String LOCAL_KEY_ID = "local";

  /**
   * The fairness key the engine shares its work by ({@code TtsRequest/SttRequest.tenant}): the
   * key's id (never the key), or null (the one shared tenant) without keys.
   */
  static String tenant(String keyId) {
    return keyId == null || LOCAL_KEY_ID.equals(keyId) ? null : keyId;
  }

  /** The outcome of an authentication attempt. */
  sealed interface Result {}

  /** Authenticated as {@code keyId}. */
  record Ok(String keyId) implements Result {}

  /** No credentials at all (a TTS socket may still present a key in its first message). */
  record Missing() implements Result {}

  /**
   * Refused, with a message that never contains the secret; {@code throttled} when refused for
   * too many failed attempts (HTTP 429) rather than for these credentials (401).
   */
  record Denied(String message, boolean throttled) implements Result {
    Denied(String message) {
      this(message, false);
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, String> keyIdByHash = new HashMap<>();
  /**
   * The hash of the server's own key while it holds one ({@link #internalKey}), else null: the
   * warm-up's HTTP requests, which take an API key and no single-use token, use it.
   */
  private volatile String internalKeyHash;
  private volatile String internalKeyId;
  private final Tokens tokens;
  private final LoginThrottle throttle;

  Auth(List<String> apiKeys, Tokens tokens, LoginThrottle throttle) {
    for (String k : apiKeys) {
      String h = Hashing.sha256Hex(k);
      keyIdByHash.put(h, "key-" + h.substring(0, 8));
      Redact.addSecret(k);
    }
    this.tokens = tokens;
    this.throttle = throttle;
  }

  boolean devMode() {
    return keyIdByHash.isEmpty();
  }

  /**
   * A fresh random key (256 bits, {@code sk_}-prefixed, so log lines hide it) that authenticates
   * as {@code keyId} until {@link #revokeInternalKey}: for the server's own requests to itself,
   * never sent off this machine. Null in local-development mode, where no key is needed. One at
   * a time: a new one replaces the last.
   */
  String internalKey(String keyId) {
    if (devMode()) {
      return null;
    }
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    String key = "sk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    internalKeyId = keyId;
    internalKeyHash = Hashing.sha256Hex(key);
    return key;
  }

  /** The key {@link #internalKey} gave no longer authenticates. */
  void revokeInternalKey() {
    internalKeyHash = null;
  }

  /**
   * Authenticates a request.
   *
   * @param tokenParam the query parameter that carries a token here ({@code token},
   *     {@code single_use_token}), or null when the endpoint takes none
   * @param tokenType the type that token must have
   * @param remote the client's address, for throttling failed attempts (null: not throttled)
   */
  Result authenticate(HttpFields headers, Query query, String tokenParam, TokenType tokenType,
      String remote) {
    if (tokenParam != null) {
      String token = query.get(tokenParam);
      if (token != null && !token.isEmpty()) {
        String refused = throttle.refusal(remote);
        if (refused != null) {
          return new Denied(refused, true);
        }
        return counted(redeem(token, tokenType), remote);
      }
    }
    String key = headers.get("xi-api-key");
    if (key == null || key.isEmpty()) {
      key = bearer(headers.get("Authorization"));
    }
    if (key == null || key.isEmpty()) {
      key = bearer(query.get("authorization"));
    }
    if (key == null || key.isEmpty()) {
      return devMode() ? new Ok(LOCAL_KEY_ID) : new Missing();
    }
    return checkKey(key, remote);
  }

  /** Checks an API key (from a header, the query or a first message) from {@code remote}. */
  Result checkKey(String key, String remote) {
    if (devMode()) {
      return new Ok(LOCAL_KEY_ID);
    }
    String refused = throttle.refusal(remote);
    if (refused != null) {
      return new Denied(refused, true);
    }
    String hash = Hashing.sha256Hex(key.trim());
    String id = keyIdByHash.get(hash);
    if (id == null && hash.equals(internalKeyHash)) {
      id = internalKeyId;
    }
    return counted(id != null ? new Ok(id) : new Denied("Invalid API key"), remote);
  }

  private Result counted(Result r, String remote) {
    if (r instanceof Denied) {
      throttle.failed(remote);
    }
    return r;
  }

  /** What a request without any credentials gets when keys are required. */
  static Denied missing() {
    return new Denied("Missing credentials: send the xi-api-key header, "
        + "Authorization: Bearer <key>, or a single-use token in the query");
  }

  private Result redeem(String token, TokenType type) {
    TokenStore.Redemption r = tokens.redeem(token, type);
    return switch (r.status()) {
      case ACCEPTED -> new Ok(r.grant().keyId());
      case UNKNOWN -> new Denied("Invalid single-use token (unknown or already used)");
      case EXPIRED -> new Denied("Single-use token expired");
      case UNAVAILABLE -> new Denied("Single-use tokens cannot be checked now: the shared "
          + "token store is unreachable (refused for safety); try again with a new token");
      case WRONG_TYPE -> new Denied("Single-use token of type '" + r.grant().type().wireName()
          + "' cannot be used here (needs '" + type.wireName() + "')");
    };
  }

  private static String bearer(String value) {
    if (value == null) {
      return null;
    }
    String v = value.trim();
    if (v.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
      return v.substring(7).trim();
    }
    return v;
  }
}
