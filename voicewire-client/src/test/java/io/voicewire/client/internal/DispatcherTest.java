package io.voicewire.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tier (a): inline dispatch runs callbacks in order, one at a time, never under the lock. */
@Timeout(30)
class DispatcherTest {

  @Test
  void inlineEventsQueuedUnderTheLockRunAfterFlushInOrder() {
    ReentrantLock lock = new ReentrantLock();
    List<String> seen = new ArrayList<>();
    Dispatcher d = new Dispatcher(Dispatcher.INLINE, "t", () -> { }, () -> { },
        lock::isHeldByCurrentThread);
    lock.lock();
    try {
      d.offer(() -> seen.add("a held=" + lock.isHeldByCurrentThread()));
      d.offer(() -> seen.add("b held=" + lock.isHeldByCurrentThread()));
      assertTrue(seen.isEmpty(), "nothing runs while the lock is held");
    } finally {
      lock.unlock();
    }
    d.flush();
    d.offer(() -> seen.add("c held=" + lock.isHeldByCurrentThread())); // not held: runs now
    assertEquals(List.of("a held=false", "b held=false", "c held=false"), seen);
    assertEquals(0, d.pending());
  }

  @Test
  void inlineCallbacksFromManyThreadsNeverOverlapAndKeepEachThreadsOrder() throws Exception {
    ReentrantLock lock = new ReentrantLock();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    int threads = 4;
    int perThread = 5000;
    int[] last = new int[threads];
    java.util.Arrays.fill(last, -1);
    AtomicInteger outOfOrder = new AtomicInteger();
    Dispatcher d = new Dispatcher(Dispatcher.INLINE, "t", () -> { }, () -> { },
        lock::isHeldByCurrentThread);
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      ts.add(Thread.ofPlatform().start(() -> {
        try {
          go.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < perThread; i++) {
          int n = i;
          boolean underLock = (i % 3 == 0);
          if (underLock) {
            lock.lock();
          }
          try {
            d.offer(() -> {
              if (inside.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
              }
              if (lock.isHeldByCurrentThread()) {
                overlaps.incrementAndGet();
              }
              if (n <= last[id]) {
                outOfOrder.incrementAndGet();
              }
              last[id] = n;
              inside.decrementAndGet();
            });
          } finally {
            if (underLock) {
              lock.unlock();
            }
          }
          d.flush();
        }
      }));
    }
    go.countDown();
    for (Thread t : ts) {
      t.join(20_000);
      assertFalse(t.isAlive());
    }
    d.flush();
    assertEquals(0, overlaps.get(), "callbacks overlapped or ran under the lock");
    assertEquals(0, outOfOrder.get());
    for (int t = 0; t < threads; t++) {
      assertEquals(perThread - 1, last[t], "thread " + t + " delivered everything");
    }
  }
}
