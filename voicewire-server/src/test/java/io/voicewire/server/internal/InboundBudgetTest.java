package io.voicewire.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Tier (a), issue #10: the per-key inbound budget ({@link InboundBudget}: a token bucket per key
 * for bytes and for handling CPU, one second of burst) and the per-socket demand gate
 * ({@link InboundFlow}: backpressure pauses and budget throttles, the demand owed given when
 * neither holds; nothing dropped). A fake clock and a timer that only records.
 */
class InboundBudgetTest {
  static final long MS = 1_000_000L;
  static final long S = 1_000 * MS;

  long now = 1_000 * S;

  /** Records what is scheduled instead of running it. */
  static final class RecordingTimer extends ScheduledThreadPoolExecutor {
    final List<Runnable> tasks = new ArrayList<>();
    final List<Long> delaysNanos = new ArrayList<>();

    RecordingTimer() {
      super(1);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable r, long delay, TimeUnit unit) {
      tasks.add(r);
      delaysNanos.add(unit.toNanos(delay));
      return null;
    }

    void runAll() {
      List<Runnable> due = List.copyOf(tasks);
      tasks.clear();
      due.forEach(Runnable::run);
    }
  }

  @Test
  void aKeyMaySpendOneSecondAtOnceThenWaitsForTheRest() {
    InboundBudget b = new InboundBudget(1000, 0, () -> now);
    InboundBudget.Key k = b.of("key-a");
    assertEquals(0, k.charge(600, 0));
    assertEquals(0, k.charge(400, 0)); // exactly the burst
    assertEquals(500 * MS, k.charge(500, 0)); // half a second more
    now += 500 * MS;
    assertEquals(500 * MS, k.charge(500, 0), "the next frame queues behind the debt");
    now += 10 * S; // idle: the burst is back, no more
    assertEquals(0, k.charge(1000, 0));
    assertEquals(1 * MS, k.charge(1, 0));
  }

  @Test
  void theCpuBudgetIsChargedTheSameWayAndTheLongerWaitDecides() {
    InboundBudget b = new InboundBudget(1_000_000, 100 * MS, () -> now);
    InboundBudget.Key k = b.of("key-a");
    assertEquals(0, k.charge(10, 100 * MS)); // the burst: 100 ms of handling
    assertEquals(500 * MS, k.charge(10, 50 * MS), "50 ms of CPU at 100 ms/s is 0.5 s");
    assertTrue(b.measuresCpu());
    assertFalse(new InboundBudget(1000, 0, () -> now).measuresCpu());
  }

  @Test
  void keysAreIndependentAndSharedByTheirSockets() {
    InboundBudget b = new InboundBudget(1000, 0, () -> now);
    assertSame(b.of("key-a"), b.of("key-a"), "one bucket per key, for all its sockets");
    assertEquals(0, b.of("key-a").charge(1000, 0));
    assertEquals(1000 * MS, b.of("key-a").charge(1000, 0));
    assertEquals(0, b.of("key-b").charge(1000, 0), "another key is not touched");
  }

  @Test
  void eachSessionHasItsOwnBudgetBesidesItsKeysAndTheLongerDebtDecides() {
    InboundBudget b = new InboundBudget(1_000_000, 0, 1000, 0, () -> now);
    InboundBudget.Key one = b.session();
    InboundBudget.Key two = b.session();
    assertEquals(0, one.charge(1000, 0));
    assertEquals(500 * MS, one.charge(500, 0), "one session past its own share waits");
    assertEquals(0, two.charge(1000, 0), "another session of the same key does not");
    assertNull(new InboundBudget(1000, 0, () -> now).session(), "per-session budgets off");

    RecordingTimer timer = new RecordingTimer();
    AtomicInteger demands = new AtomicInteger();
    InboundFlow f = new InboundFlow(demands::incrementAndGet, timer, new ServerMetrics(),
        new InboundBudget(1000, 0, 4000, 0, () -> now));
    f.chargeTo("key-a");
    f.frameDone(3000, 0); // within its own burst, two seconds past the key's
    assertEquals(List.of(2000 * MS), timer.delaysNanos, "the key's longer debt decides");
    InboundFlow g = new InboundFlow(demands::incrementAndGet, timer, new ServerMetrics(),
        new InboundBudget(0, 0, 1000, 0, () -> now));
    g.chargeTo("key-b");
    g.frameDone(1500, 0);
    assertEquals(500 * MS, timer.delaysNanos.get(1), "no key budget: the session's decides");
  }

  @Test
  void noKeyOrNoBudgetIsNotCharged() {
    assertNull(new InboundBudget(1000, 100, () -> now).of(null));
    assertNull(new InboundBudget(0, 0, () -> now).of("key-a"));
  }

  @Test
  void aThrottledSocketReadsItsNextFrameWhenTheDebtIsPaidAndNothingIsDropped() {
    RecordingTimer timer = new RecordingTimer();
    AtomicInteger demands = new AtomicInteger();
    ServerMetrics metrics = new ServerMetrics();
    InboundFlow f = new InboundFlow(demands::incrementAndGet, timer, metrics,
        new InboundBudget(1000, 0, () -> now));
    f.chargeTo("key-a");
    f.frameDone(1000, 0);
    assertEquals(1, demands.get(), "within the burst: the next frame at once");
    f.frameDone(250, 0);
    assertEquals(1, demands.get(), "over the budget: no demand yet");
    assertTrue(f.withheld());
    assertEquals(List.of(250 * MS), timer.delaysNanos);
    f.readNext(); // a second ask while throttled is owed, not lost, nor doubled
    assertEquals(Long.MIN_VALUE, new InboundFlow(() -> { }, timer, metrics,
        new InboundBudget(1000, 0, () -> now)).readingSince(now), "never withheld");
    assertEquals(now + 7, f.readingSince(now + 7), "withheld: not reading now");
    now += 250 * MS;
    timer.runAll();
    assertEquals(2, demands.get(), "the debt is paid: exactly one demand");
    assertFalse(f.withheld());
    assertEquals(now, f.readingSince(now + 9), "reading again since the demand was given back");
    String m = metrics.toPrometheus();
    assertTrue(m.contains("voicewire_inbound_throttled_total 1.0"), m);
    assertTrue(m.contains("voicewire_inbound_throttle_seconds_total 0.25"), m);
  }

  @Test
  void aPauseAndAThrottleBothHoldTheDemandUntilBothEnd() {
    RecordingTimer timer = new RecordingTimer();
    AtomicInteger demands = new AtomicInteger();
    InboundFlow f = new InboundFlow(demands::incrementAndGet, timer, new ServerMetrics(),
        new InboundBudget(1000, 0, () -> now));
    f.chargeTo("key-a");
    f.frameDone(2000, 0); // throttled for a second
    f.pause(); // and paused by backpressure
    timer.runAll();
    assertEquals(0, demands.get(), "still paused");
    assertTrue(f.withheld());
    f.resume();
    assertEquals(1, demands.get());

    f.pause();
    f.readNext();
    f.frameDone(5000, 0); // throttled while paused: the resume must not read early
    f.resume();
    assertEquals(1, demands.get(), "still throttled");
    timer.runAll();
    assertEquals(2, demands.get());
  }

  @Test
  void aSocketWithoutAKeyIsNotChargedAndAClosedOneAsksForNothing() {
    RecordingTimer timer = new RecordingTimer();
    AtomicInteger demands = new AtomicInteger();
    InboundFlow f = new InboundFlow(demands::incrementAndGet, timer, new ServerMetrics(),
        new InboundBudget(1, 0, () -> now));
    f.frameDone(1_000_000, f.frameStarted()); // before admission
    assertEquals(1, demands.get());
    assertTrue(timer.tasks.isEmpty());
    f.chargeTo("local"); // the local-development caller has no tenant
    f.frameDone(1_000_000, 0);
    assertEquals(2, demands.get());
    f.chargeTo("key-a");
    f.frameDone(1_000_000, 0);
    f.close();
    timer.runAll();
    f.readNext();
    assertEquals(2, demands.get(), "a closed socket gets no demand");
  }
}
