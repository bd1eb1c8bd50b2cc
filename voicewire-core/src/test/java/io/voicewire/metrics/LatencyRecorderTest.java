package io.voicewire.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LatencyRecorderTest {
  long now = 1000;

  @Test
  void percentilesOfOneToThousand() {
    LatencyRecorder r = new LatencyRecorder("ttfaMicros", () -> now);
    for (int v = 1; v <= 1000; v++) {
      r.record(v);
    }
    now = 2000;
    LatencySnapshot s = r.intervalSnapshot();
    assertEquals("ttfaMicros", s.name());
    assertEquals(1000, s.count());
    assertEquals(500, s.p50(), 1);
    assertEquals(900, s.p90(), 1);
    assertEquals(990, s.p99(), 1);
    assertEquals(999, s.p999(), 1);
    assertEquals(1000, s.max(), 1);
    assertEquals(500.5, s.mean(), 0.5);
    assertEquals(1000, s.startMillis());
    assertEquals(2000, s.endMillis());
  }

  @Test
  void intervalsResetButTheTotalKeepsEverything() {
    LatencyRecorder r = new LatencyRecorder("chunkGapMillis", () -> now);
    r.record(10);
    r.record(20);
    assertEquals(2, r.intervalSnapshot().count());
    r.record(30);
    now += 500;
    LatencySnapshot second = r.intervalSnapshot();
    assertEquals(1, second.count());
    assertEquals(30, second.max(), 0.1);
    assertEquals(0, r.intervalSnapshot().count());
    LatencySnapshot total = r.totalSnapshot();
    assertEquals(3, total.count());
    assertEquals(20, total.p50(), 0.1);
    // reading the total did not steal from the next interval
    r.record(40);
    r.totalSnapshot();
    assertEquals(1, r.intervalSnapshot().count());
  }

  @Test
  void expectedIntervalCorrectsForCoordinatedOmission() {
    LatencyRecorder r = new LatencyRecorder("frameDelayMillis", () -> now);
    // a 20 ms paced sender stalled for 100 ms: the 4 frames it did not send would have seen
    // 80, 60, 40 and 20 ms
    r.recordWithExpectedInterval(100, 20);
    LatencySnapshot s = r.intervalSnapshot();
    assertEquals(5, s.count());
    assertEquals(60, s.p50(), 0.1);
    assertEquals(100, s.max(), 0.1);
  }

  @Test
  void outOfRangeValuesAreClampedNotThrown() {
    LatencyRecorder r = new LatencyRecorder("rttMillis", 1000, () -> now);
    r.record(5_000);
    r.record(-3);
    assertEquals(1, r.clampedCount());
    LatencySnapshot s = r.intervalSnapshot();
    assertEquals(2, s.count());
    assertTrue(s.max() >= 1000 && s.max() < 1001, "max " + s.max());
  }

  @Test
  void emptySnapshotIsZeros() {
    LatencySnapshot s = new LatencyRecorder("ttfaMicros", () -> now).intervalSnapshot();
    assertEquals(0, s.count());
    assertEquals(0, s.p99());
  }

  @Test
  void namesMustCarryAUnit() {
    assertEquals("metric name must be camelCase and end with a unit (Nanos, Micros, Millis, "
        + "Seconds, Bytes): ttfa", assertThrows(IllegalArgumentException.class,
            () -> new LatencyRecorder("ttfa", () -> 0)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new LatencyRecorder("TtfaMicros", () -> 0));
    assertThrows(IllegalArgumentException.class, () -> new LatencyRecorder("ttfa_micros", () -> 0));
  }

  @Test
  @Timeout(30)
  void concurrentWritersLoseNothingWhileAReaderTakesIntervals() throws Exception {
    LatencyRecorder r = new LatencyRecorder("ttfaMicros", () -> now);
    int threads = 4;
    int perThread = 200_000;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread w = new Thread(() -> {
        try {
          go.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        for (int i = 0; i < perThread; i++) {
          r.record(1 + (i + id) % 5000);
        }
      }, "recorder-writer-" + t);
      writers.add(w);
      w.start();
    }
    go.countDown();
    long seen = 0;
    while (writers.stream().anyMatch(Thread::isAlive)) {
      seen += r.intervalSnapshot().count();
    }
    for (Thread w : writers) {
      w.join(10_000);
    }
    seen += r.intervalSnapshot().count();
    assertEquals((long) threads * perThread, seen);
    assertEquals((long) threads * perThread, r.totalSnapshot().count());
  }
}
