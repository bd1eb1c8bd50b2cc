package io.voicewire.engine.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SerialLaneTest {
  @Test
  void tasksRunInOrderOneAtATime() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      SerialLane lane = new SerialLane(pool);
      List<Integer> seen = new ArrayList<>();
      AtomicInteger running = new AtomicInteger();
      CountDownLatch done = new CountDownLatch(1000);
      for (int i = 0; i < 1000; i++) {
        int n = i;
        assertTrue(lane.execute(() -> {
          assertEquals(1, running.incrementAndGet());
          seen.add(n);
          running.decrementAndGet();
          done.countDown();
        }));
      }
      assertTrue(done.await(5, TimeUnit.SECONDS));
      for (int i = 0; i < 1000; i++) {
        assertEquals(i, seen.get(i));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aStuckListenerFillsTheBoundThenOnlyTheTerminalEventIsTaken() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    CountDownLatch release = new CountDownLatch(1);
    try {
      SerialLane lane = new SerialLane(pool);
      lane.execute(() -> {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      Thread.sleep(50); // the first task is running and blocked
      int accepted = 0;
      while (lane.execute(() -> {})) {
        accepted++;
      }
      assertEquals(SerialLane.MAX_QUEUED_EVENTS, accepted);
      assertFalse(lane.execute(() -> {}));
      CountDownLatch terminal = new CountDownLatch(1);
      lane.executeAlways(terminal::countDown);
      release.countDown();
      assertTrue(terminal.await(5, TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aThrowingTaskDoesNotStopTheLane() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      SerialLane lane = new SerialLane(pool);
      CountDownLatch after = new CountDownLatch(1);
      lane.execute(() -> {
        throw new IllegalStateException("listener bug");
      });
      lane.execute(after::countDown);
      assertTrue(after.await(5, TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
  }
}
