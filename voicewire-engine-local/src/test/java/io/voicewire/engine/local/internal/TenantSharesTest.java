package io.voicewire.engine.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The order in which work of several tenants (issue #10: keys) is served, by the sequence of
 * picks alone: no timing is measured.
 */
@Timeout(30)
class TenantSharesTest {
  private static final Comparator<String> BY_NAME = Comparator.naturalOrder();

  /** Takes the next pick and ends it at once, charged {@code usedNanos}; returns its tenant. */
  private static String serve(TenantShares<String> q, long usedNanos) {
    String e = q.poll();
    String tenant = e.substring(0, e.indexOf(':'));
    q.done(tenant, usedNanos);
    return tenant;
  }

  @Test
  void oneTenantIsServedInItsOwnOrder() {
    TenantShares<String> q = new TenantShares<>(BY_NAME);
    q.add(null, "c");
    q.add(null, "a");
    q.add(null, "b");
    assertEquals("a", q.poll());
    assertEquals("b", q.poll());
    assertEquals("c", q.poll());
    assertNull(q.poll());
    assertTrue(q.isEmpty());
  }

  @Test
  void aCanaryBesideAHostileTenantWithManySessionsGetsEveryOtherTurn() {
    TenantShares<String> q = new TenantShares<>(BY_NAME);
    for (int i = 0; i < 50; i++) {
      q.add("hostile", String.format("hostile:%02d", i));
    }
    for (int i = 0; i < 5; i++) { // the hostile tenant has been busy for a while
      assertEquals("hostile", serve(q, TimeUnit.MILLISECONDS.toNanos(100)));
    }
    List<String> order = new ArrayList<>();
    q.add("canary", "canary:00"); // one session: it queues again after each of its turns
    for (int turn = 0; turn < 20; turn++) {
      String served = serve(q, TimeUnit.MILLISECONDS.toNanos(100));
      order.add(served);
      if (served.equals("canary")) {
        q.add("canary", String.format("canary:%02d", turn + 1));
      }
    }
    // the canary, new, goes first, then the tenants alternate for as long as both have work
    for (int turn = 0; turn < order.size(); turn++) {
      assertEquals(turn % 2 == 0 ? "canary" : "hostile", order.get(turn), "turn " + turn
          + " of " + order);
    }
  }

  @Test
  void aTenantIsChargedForTheTimeItsTurnsHeldTheEngine() {
    TenantShares<String> q = new TenantShares<>(BY_NAME);
    for (int i = 0; i < 10; i++) {
      q.add("long", "long:" + i);
      q.add("short", "short:" + i);
    }
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String e = q.peek();
      String tenant = e.substring(0, e.indexOf(':'));
      order.add(serve(q, TimeUnit.MILLISECONDS.toNanos(tenant.equals("long") ? 300 : 100)));
    }
    // equal engine time: three short turns for each long one
    assertEquals(6, Collections.frequency(order, "short"), order.toString());
    assertEquals(2, Collections.frequency(order, "long"), order.toString());
  }

  @Test
  void aTenantHoldingFewerRunningPicksGoesFirst() {
    TenantShares<String> q = new TenantShares<>(BY_NAME);
    q.add("hostile", "hostile:1");
    q.add("hostile", "hostile:2");
    q.add("hostile", "hostile:3");
    assertEquals("hostile:1", q.poll()); // running, not ended
    assertEquals("hostile:2", q.poll()); // the only tenant with work
    q.add("canary", "canary:1");
    assertEquals("canary:1", q.poll(), "the tenant with no running pick goes first");
    assertEquals(1, q.running("canary"));
    assertEquals(2, q.running("hostile"));
  }

  @Test
  void anIdleTenantBanksNoCredit() {
    TenantShares<String> q = new TenantShares<>(BY_NAME);
    q.add("canary", "canary:0");
    serve(q, 1); // the canary used almost nothing, then went idle
    for (int i = 0; i < 20; i++) {
      q.add("hostile", "hostile:" + (char) ('a' + i));
    }
    for (int i = 0; i < 10; i++) {
      serve(q, TimeUnit.MILLISECONDS.toNanos(100));
    }
    q.add("canary", "canary:1");
    q.add("canary", "canary:2");
    q.add("canary", "canary:3");
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      order.add(serve(q, TimeUnit.MILLISECONDS.toNanos(100)));
    }
    // it comes back at the hostile tenant's virtual time: they alternate, it does not run three
    // turns in a row for the time it was away
    assertEquals(List.of("canary", "hostile", "canary", "hostile", "canary", "hostile"), order);
  }

  @Test
  void removeAndClearTakeQueuedWorkOut() {
    TenantShares<String> q = new TenantShares<>(BY_NAME);
    q.add("a", "a:1");
    q.add("b", "b:1");
    q.add("b", "b:2");
    assertTrue(q.remove(e -> e.equals("b:1")));
    assertEquals(2, q.size());
    assertEquals(List.of("a:1", "b:2"), q.clear().stream().sorted().toList());
    assertTrue(q.isEmpty());
    assertNull(q.peek());
  }
}
