package io.voicewire.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.server.TokenStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the warm-up authenticates with and what it is charged: the server's own key
 * ({@link Auth#internalKey}) exists only between its issue and its revocation, is never one of
 * the configured keys, and log lines hide it; the warm-up's sessions take no per-key lease
 * shared with other replicas, while every client key still does.
 */
class WarmUpCredentialsTest {
  private static Auth auth(List<String> keys) {
    return new Auth(keys, new Tokens(TokenStore.inMemory(), Clock.systemUTC(),
        new SecureRandom(), null), new LoginThrottle(Clock.systemUTC(), null));
  }

  @Test
  void theInternalKeyAuthenticatesAsTheWarmUpUntilItIsRevoked() {
    Auth a = auth(List.of("configured-key"));
    String key = a.internalKey(WarmUp.KEY_ID);
    assertNotNull(key);
    assertTrue(key.length() >= 40, "256 random bits: " + key.length() + " characters");
    assertEquals(new Auth.Ok(WarmUp.KEY_ID), a.checkKey(key, "127.0.0.1"));
    assertEquals(new Auth.Ok("key-" + Hashing.sha256Hex("configured-key").substring(0, 8)),
        a.checkKey("configured-key", "127.0.0.1"), "the configured keys are unchanged");
    assertFalse(Redact.forLog("key " + key + " sent").contains(key), "hidden in log lines");

    a.revokeInternalKey();
    assertInstanceOf(Auth.Denied.class, a.checkKey(key, "127.0.0.2"));

    String next = a.internalKey(WarmUp.KEY_ID);
    assertNotEquals(key, next, "each one is fresh");
    assertInstanceOf(Auth.Denied.class, a.checkKey(key, "127.0.0.3"), "the old one stays dead");
    a.revokeInternalKey();
  }

  @Test
  void withoutConfiguredKeysThereIsNoInternalKeyAndDevelopmentModeStays() {
    Auth a = auth(List.of());
    assertNull(a.internalKey(WarmUp.KEY_ID));
    assertTrue(a.devMode());
  }

  @Test
  void theWarmUpTakesNoSharedLeaseWhileClientKeysDo() {
    int[] asked = {0};
    KeyLeases oneStartEach = keyId -> asked[0]++ == 0
        ? KeyLeases.Grant.of(KeyLeases.NO_LEASE)
        : KeyLeases.Grant.refused(KeyLeases.Refusal.STARTS_PER_MINUTE, 1);
    SessionLimiter limiter = new SessionLimiter(10, 10, oneStartEach);
    SessionLimiter.Refusal[] why = new SessionLimiter.Refusal[1];
    for (int i = 0; i < 5; i++) { // more starts than the shared limit allows any key
      SessionLimiter.Permit p = limiter.acquire(WarmUp.KEY_ID, why);
      assertNotNull(p, "warm-up session " + i + ": " + why[0]);
      p.release();
    }
    assertEquals(0, asked[0], "the warm-up never asked the shared leases");
    SessionLimiter.Permit first = limiter.acquire("key-a", why);
    assertNotNull(first);
    first.release();
    assertNull(limiter.acquire("key-a", why), "a client key is still held to its limit");
    assertEquals(io.voicewire.speech.ErrorCode.RATE_LIMITED, why[0].code());
    assertEquals(0, limiter.total(), "nothing held");
  }
}
