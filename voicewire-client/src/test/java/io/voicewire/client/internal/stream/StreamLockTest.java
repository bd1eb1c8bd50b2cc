package io.voicewire.client.internal.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link StreamLock#submit}: a submitter never parks, and submitted work keeps its order. */
class StreamLockTest {

  @Test
  void workSubmittedWhileAnotherThreadHoldsTheLockRunsOnThatThreadBeforeItsRelease()
      throws Exception {
    StreamLock lock = new StreamLock("test");
    List<String> log = new ArrayList<>(); // guarded by lock
    CountDownLatch submitted = new CountDownLatch(1);
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    Thread holder = holding(lock, submitted, () -> log.add("holder"));

    lock.submit(() -> {
      ranOn.set(Thread.currentThread());
      log.add("a");
    });
    lock.submit(() -> log.add("b"));
    submitted.countDown(); // the submitter got here without waiting for the lock
    holder.join(10_000);

    assertEquals(holder, ranOn.get(), "the holder ran the submitted work");
    assertEquals(List.of("holder", "a", "b"), lock.call(() -> List.copyOf(log)));
  }

  /**
   * Work that borrows its caller's buffer runs only now (the lock free), else its kept version
   * waits, in submission order; the borrowing version never runs later.
   */
  @Test
  void borrowingWorkRunsNowOrItsKeptVersionWaits() throws Exception {
    StreamLock lock = new StreamLock("test");
    List<String> log = new ArrayList<>(); // guarded by lock
    lock.submit(() -> log.add("now"), () -> () -> log.add("kept, free"));
    assertEquals(List.of("now"), lock.call(() -> List.copyOf(log)), "free: run at once");

    CountDownLatch submitted = new CountDownLatch(1);
    Thread holder = holding(lock, submitted, () -> log.add("holder"));
    lock.submit(() -> log.add("a"));
    lock.submit(() -> log.add("borrowed, late"), () -> () -> log.add("kept"));
    submitted.countDown();
    holder.join(10_000);
    assertEquals(List.of("now", "holder", "a", "kept"), lock.call(() -> List.copyOf(log)));

    lock.run(() -> lock.submit(() -> log.add("borrowed, own"), () -> () -> log.add("kept, own")));
    assertEquals("kept, own", lock.call(() -> log.get(log.size() - 1)),
        "the holder's own: its kept version, at the release");
  }

  @Test
  void aLaterCallOfTheSubmitterRunsAfterItsSubmittedWork() throws Exception {
    StreamLock lock = new StreamLock("test");
    List<String> log = new ArrayList<>();
    CountDownLatch release = new CountDownLatch(1);
    Thread holder = holding(lock, release, () -> { });
    lock.submit(() -> log.add("frame"));
    release.countDown();
    lock.run(() -> log.add("commit")); // may get the lock before the holder ran "frame"
    holder.join(10_000);
    assertEquals(List.of("frame", "commit"), lock.call(() -> List.copyOf(log)));
  }

  @Test
  void concurrentSubmittersLoseNothingAndKeepEachOnesOrder() throws Exception {
    StreamLock lock = new StreamLock("test");
    int threads = 4;
    int perThread = 20_000;
    List<List<Integer>> seen = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      seen.add(new ArrayList<>());
    }
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread th = new Thread(() -> {
        for (int i = 0; i < perThread; i++) {
          int n = i;
          lock.submit(() -> seen.get(id).add(n));
        }
      });
      all.add(th);
      th.start();
    }
    for (Thread th : all) {
      th.join(60_000);
    }
    lock.run(() -> { }); // runs whatever is still pending
    for (int t = 0; t < threads; t++) {
      int id = t;
      List<Integer> s = lock.call(() -> List.copyOf(seen.get(id)));
      assertEquals(perThread, s.size(), "thread " + t + " lost work");
      for (int i = 0; i < perThread; i++) {
        assertEquals(i, s.get(i), "thread " + t + " out of order at " + i);
      }
    }
  }

  @Test
  void workTheHolderSubmitsItselfRunsAfterWhatOthersSubmittedBeforeItAtItsOutermostRelease()
      throws Exception {
    StreamLock lock = new StreamLock("test");
    List<String> log = new ArrayList<>(); // guarded by lock
    lock.run(() -> {
      lock.run(() -> { // re-entered, as a send's completion can
        Thread other = new Thread(() -> lock.submit(() -> log.add("message")), "reader");
        other.start();
        try {
          other.join(10_000);
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
        lock.submit(() -> log.add("close"));
        log.add("holder");
      });
      log.add("outer");
    });
    assertEquals(List.of("holder", "outer", "message", "close"), lock.call(() -> List.copyOf(log)));
  }

  /** A started thread that holds the lock until {@code release}, then runs {@code last}. */
  private static Thread holding(StreamLock lock, CountDownLatch release, Runnable last)
      throws InterruptedException {
    CountDownLatch held = new CountDownLatch(1);
    Thread holder = new Thread(() -> lock.run(() -> {
      held.countDown();
      await(release);
      last.run();
    }), "holder");
    holder.start();
    assertTrue(held.await(10, TimeUnit.SECONDS));
    return holder;
  }

  private static void await(CountDownLatch l) {
    try {
      assertTrue(l.await(10, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
