package io.voicewire.engine.local.internal;

import static io.voicewire.engine.local.internal.DecodePace.Urgency.AHEAD;
import static io.voicewire.engine.local.internal.DecodePace.Urgency.CATCHING_UP;
import static io.voicewire.engine.local.internal.DecodePace.Urgency.FINISHING;
import static io.voicewire.engine.local.internal.DecodePace.Urgency.REAL_TIME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The order in which decoding lanes of several tenants get the models (issue #10), by the order
 * in which real threads get their turn; every wait is bounded, no timing is measured.
 */
@Timeout(30)
class ModelTurnsTest {
  private final ModelTurns turns = new ModelTurns();
  private final List<String> order = Collections.synchronizedList(new ArrayList<>());

  private Thread lane(String name, String tenant) {
    return lane(name, tenant, REAL_TIME);
  }

  private Thread lane(String name, String tenant, DecodePace.Urgency urgency) {
    return Thread.ofPlatform().daemon().name(name).start(() -> {
      turns.acquire(tenant, urgency);
      order.add(name);
      turns.release();
    });
  }

  /** Waits until {@code n} lanes wait for a turn (the models are held meanwhile). */
  private void awaitWaiting(Thread... started) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    for (Thread t : started) {
      while (t.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(Thread.State.WAITING, t.getState(), t.getName() + " does not wait");
    }
  }

  @Test
  void aCanaryLaneGoesBeforeTheOtherLanesOfATenantThatHeldTheModels() throws Exception {
    turns.acquire("hostile"); // a hostile lane decodes
    Thread h1 = lane("hostile-1", "hostile");
    awaitWaiting(h1);
    Thread h2 = lane("hostile-2", "hostile");
    awaitWaiting(h2);
    Thread h3 = lane("hostile-3", "hostile");
    awaitWaiting(h3);
    Thread canary = lane("canary", "canary"); // arrives last
    awaitWaiting(canary);
    assertTrue(turns.hasWaiting());
    turns.release();
    for (Thread t : List.of(h1, h2, h3, canary)) {
      t.join(TimeUnit.SECONDS.toMillis(20));
      assertFalse(t.isAlive(), t.getName() + " never got a turn");
    }
    assertEquals(List.of("canary", "hostile-1", "hostile-2", "hostile-3"), order);
  }

  @Test
  void aLaneThatKeepsToRealTimeGoesBeforeLanesAheadOfIt() throws Exception {
    turns.acquire("hostile", AHEAD); // a flooding lane decodes
    assertFalse(turns.hasUrgentWaiting());
    Thread h1 = lane("hostile-1", "hostile", AHEAD);
    awaitWaiting(h1);
    Thread other = lane("other-tenant", "other", AHEAD); // fair share, but ahead of real time
    awaitWaiting(other);
    assertFalse(turns.hasUrgentWaiting(), "no urgent lane waits yet");
    Thread canary = lane("canary", "hostile", REAL_TIME); // same tenant as the flood, arrives last
    awaitWaiting(canary);
    assertTrue(turns.hasUrgentWaiting(), "the holder must be told an urgent lane waits");
    turns.release();
    for (Thread t : List.of(h1, other, canary)) {
      t.join(TimeUnit.SECONDS.toMillis(20));
      assertFalse(t.isAlive(), t.getName() + " never got a turn");
    }
    assertEquals("canary", order.get(0));
    assertEquals(List.of("canary", "other-tenant", "hostile-1"), order,
        "after the urgent lane, the tenants' fair order");
    assertFalse(turns.hasUrgentWaiting());
  }

  @Test
  void onlyTurnsOfLanesWithinRealTimeCountAsTheSetsRealTimeLoad() throws Exception {
    turns.acquire("flood", AHEAD); // a lane ahead of real time decodes
    Thread.sleep(50);
    turns.release();
    assertTrue(turns.busyShare() > 0, "the set was busy");
    assertEquals(0.0, turns.realTimeShare(), "decoding ahead of real time is not real-time load");

    turns.acquire("flood", REAL_TIME); // its credit came back: urgent, then used up mid-turn
    turns.holderUrgency(AHEAD);
    double before = turns.realTimeShare();
    Thread.sleep(50);
    assertEquals(before, turns.realTimeShare(), 1e-3, "the turn stopped counting once demoted");
    turns.holderUrgency(REAL_TIME);
    Thread.sleep(50);
    turns.release();
    assertTrue(turns.realTimeShare() > before, "an urgent turn counts");
  }

  @Test
  void aFloodCatchingUpNeverHoldsARealTimeLaneForASlice() throws Exception {
    turns.acquire("flood", CATCHING_UP); // a flood that earned a little credit back decodes
    assertFalse(turns.mustYield(CATCHING_UP, true), "nobody waits");
    Thread ahead = lane("flood-ahead", "flood", AHEAD);
    awaitWaiting(ahead);
    assertFalse(turns.mustYield(CATCHING_UP, false), "a less urgent lane waits for the slice");
    Thread other = lane("other-catching-up", "other", CATCHING_UP);
    awaitWaiting(other);
    assertFalse(turns.mustYield(CATCHING_UP, false), "as urgent: the holder's slice goes on");
    assertTrue(turns.mustYield(CATCHING_UP, true), "as urgent: after the slice");
    Thread canary = lane("canary", "canary", REAL_TIME);
    awaitWaiting(canary);
    assertTrue(turns.mustYield(CATCHING_UP, false), "a real-time lane waits: let go at once");
    assertFalse(turns.mustYield(REAL_TIME, false), "a real-time holder keeps its slice");
    turns.release();
    for (Thread t : List.of(ahead, other, canary)) {
      t.join(TimeUnit.SECONDS.toMillis(20));
      assertFalse(t.isAlive(), t.getName() + " never got a turn");
    }
    assertEquals(List.of("canary", "other-catching-up", "flood-ahead"), order);
  }

  /** Issue #10: a commit waits for its pass's last audio; that lane does not wait for a slice. */
  @Test
  void anEndedPassGoesBeforeARealTimeLanesSlice() throws Exception {
    turns.acquire("other", REAL_TIME);
    Thread live = lane("live", "other", REAL_TIME);
    awaitWaiting(live);
    assertFalse(turns.mustYield(REAL_TIME, false), "as urgent: the holder's slice goes on");
    Thread commit = lane("commit", "canary", FINISHING);
    awaitWaiting(commit);
    assertTrue(turns.mustYield(REAL_TIME, false), "a pass whose commit waits: let go at once");
    turns.release();
    for (Thread t : List.of(live, commit)) {
      t.join(TimeUnit.SECONDS.toMillis(20));
      assertFalse(t.isAlive(), t.getName() + " never got a turn");
    }
    assertEquals(List.of("commit", "live"), order);
  }

  @Test
  void oneTenantsLanesTakeTurnsInArrivalOrder() throws Exception {
    turns.acquire(null);
    Thread a = lane("a", null);
    awaitWaiting(a);
    Thread b = lane("b", null);
    awaitWaiting(b);
    turns.release();
    a.join(TimeUnit.SECONDS.toMillis(20));
    b.join(TimeUnit.SECONDS.toMillis(20));
    assertEquals(List.of("a", "b"), order);
    assertFalse(turns.hasWaiting());
  }

  @Test
  void onlyTheHolderMayRelease() {
    assertThrows(IllegalMonitorStateException.class, turns::release);
    turns.acquire("x");
    assertTrue(turns.heldByCurrentThread());
    turns.release();
    assertFalse(turns.heldByCurrentThread());
  }

  /** The measured load: nothing before any turn; a held turn and a waiting lane show. */
  @Test
  void theLoadShowsHeldTurnsAndWaitingLanes() throws InterruptedException {
    assertEquals(0.0, turns.busyShare());
    assertEquals(0.0, turns.meanWaiting());
    turns.acquire("a");
    Thread.sleep(50);
    assertTrue(turns.busyShare() > 0, "a turn under way counts");
    Thread waiter = lane("waiter", "b");
    awaitWaiting(waiter);
    Thread.sleep(50);
    turns.release();
    waiter.join(TimeUnit.SECONDS.toMillis(20));
    assertTrue(turns.busyShare() > 0, "an ended turn counts");
    assertTrue(turns.busyShare() <= 1);
    assertTrue(turns.meanWaiting() > 0, "the waiter's wait counts");
  }
}
