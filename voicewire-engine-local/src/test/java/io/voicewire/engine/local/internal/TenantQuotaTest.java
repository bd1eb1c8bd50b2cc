package io.voicewire.engine.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The per-key share of an engine limit (issue #10), without an engine. */
class TenantQuotaTest {
  @Test
  void aLoneKeyMayTakeTheWholeLimit() {
    TenantQuota q = new TenantQuota(1);
    for (int i = 0; i < 5; i++) {
      assertEquals(-1, q.tryTake("key-a", 5), "session " + i);
    }
    assertEquals(5, q.tryTake("key-a", 5), "the limit itself");
  }

  @Test
  void onceASecondKeyWasSeenEachKeyLeavesRoomForOthers() {
    TenantQuota q = new TenantQuota(1);
    assertEquals(-1, q.tryTake("key-b", 5));
    q.release("key-b");
    for (int i = 0; i < 4; i++) {
      assertEquals(-1, q.tryTake("key-a", 5));
    }
    assertEquals(4, q.tryTake("key-a", 5), "one stream is kept for another key");
    assertEquals(-1, q.tryTake("key-b", 5));
  }

  @Test
  void callersWithoutKeysAreNotCounted() {
    TenantQuota q = new TenantQuota(1);
    q.tryTake("key-a", 2);
    q.tryTake("key-b", 2);
    for (int i = 0; i < 10; i++) {
      assertEquals(-1, q.tryTake(null, 2));
    }
    assertEquals(0, q.open(null));
  }
}
