package io.voicewire.engine.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A tenant's next STT session starts with the bucket its ended ones left (issue #10). */
class PaceLedgerTest {
  private static final int BYTES_PER_MS = 32;
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final PaceLedger ledger = new PaceLedger(now::get);

  private void wallMillis(long ms) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
  }

  private DecodePace open(String tenant) {
    return new DecodePace(now::get, ledger.owed(tenant), () -> true);
  }

  @Test
  void aFloodThatReconnectsDoesNotGetAFreshBurst() {
    DecodePace first = open("hostile");
    first.received(new byte[60_000 * BYTES_PER_MS]); // a minute of audio sent at once
    ledger.ended("hostile", first.usedMillis());
    DecodePace second = open("hostile");
    assertEquals(DecodePace.Urgency.AHEAD, second.urgency());
    assertEquals(DecodePace.Urgency.REAL_TIME, open("canary").urgency(),
        "other tenants owe nothing");
  }

  @Test
  void aStreamAtRealTimeLeavesNothingOwed() {
    DecodePace s = open("k");
    for (int i = 0; i < 100; i++) {
      wallMillis(100);
      s.received(new byte[100 * BYTES_PER_MS]);
    }
    ledger.ended("k", s.usedMillis());
    assertTrue(ledger.owed("k") <= 100, "at most its last chunk: " + ledger.owed("k"));
    assertEquals(DecodePace.Urgency.REAL_TIME, open("k").urgency(),
        "a reconnect keeps to real time");
  }

  @Test
  void theDebtIsPaidAtTheBucketsRateAndThenForgotten() {
    ledger.ended("k", DecodePace.BURST_MILLIS);
    wallMillis(2_000);
    assertEquals(DecodePace.BURST_MILLIS - 2_000 * DecodePace.RATE, ledger.owed("k"), 1e-6);
    wallMillis(2_000);
    assertEquals(0, ledger.owed("k"), 1e-6);
    ledger.ended("other", 1_000); // any update forgets what is paid
    assertEquals(1, ledger.size());
  }

  @Test
  void aTenantOwesTheLargestDebtOfItsEndedSessions() {
    ledger.ended("k", 4_000);
    ledger.ended("k", 1_000);
    assertEquals(4_000, ledger.owed("k"), 1e-6);
  }

  @Test
  void sessionsWithoutATenantShareNothing() {
    ledger.ended(null, DecodePace.BURST_MILLIS);
    assertEquals(0, ledger.owed(null), 1e-6);
    assertEquals(0, ledger.size());
  }

  @Test
  void atMostMaxTenantsOwingAreRemembered() {
    for (int i = 0; i < PaceLedger.MAX_TENANTS_OWING + 10; i++) {
      ledger.ended("t" + i, 1_000);
    }
    assertEquals(PaceLedger.MAX_TENANTS_OWING, ledger.size());
    assertEquals(0, ledger.owed("t" + (PaceLedger.MAX_TENANTS_OWING + 5)), 1e-6,
        "beyond the limit a tenant's next session starts full, as without the ledger");
    ledger.ended("t0", 3_000); // a remembered tenant is still updated
    assertEquals(3_000, ledger.owed("t0"), 1e-6);
  }
}
