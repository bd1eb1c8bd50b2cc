package io.voicewire.audio.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.audio.AudioFormat;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SpscJitterBufferTest extends JitterBufferContractTest {

  @Override
  protected JitterBuffer newBuffer(JitterBufferConfig config, LongSupplier clockMillis) {
    return new SpscJitterBuffer(config, clockMillis);
  }

  @Test
  void offerAndReadDoNotAllocate() {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    SpscJitterBuffer b = new SpscJitterBuffer(JitterBufferConfig.of(AudioFormat.PCM_16000,
        OverflowPolicy.DROP_OLDEST).withMaxBufferedMillis(500), clock);
    byte[] frame = audio(20, 9);
    byte[] out = new byte[640];
    for (int i = 0; i < 20_000; i++) { // warm up (JIT), including the drop path
      now += 20;
      b.offer(frame);
      b.offer(frame);
      b.read(out, 0, 640);
    }
    long tid = Thread.currentThread().threadId();
    long before = mx.getThreadAllocatedBytes(tid);
    for (int i = 0; i < 10_000; i++) {
      now += 20;
      b.offer(frame);
      b.read(out, 0, 640);
    }
    long allocated = mx.getThreadAllocatedBytes(tid) - before;
    assertTrue(allocated < 2_000, "10k offer+read allocated " + allocated + " bytes");
  }

  @Test
  void concurrentBackpressureDeliversEverySampleInOrder() throws Exception {
    runConcurrently(OverflowPolicy.BACKPRESSURE);
  }

  @Test
  void concurrentDropOldestNeverPlaysTornAudio() throws Exception {
    runConcurrently(OverflowPolicy.DROP_OLDEST);
  }

  /**
   * A producer thread offers 30 s of audio as fast as it can, a consumer thread reads as fast as
   * it can. Each pair of samples carries a 32-bit sequence number (high half, low half). Within
   * one read the sequence must count up by one; from one read to the next it must count up by
   * one under BACKPRESSURE (nothing lost) and must only move forward under DROP_OLDEST (the
   * producer may lap the consumer; a torn copy would show as a step backwards or a gap inside
   * a read).
   */
  private void runConcurrently(OverflowPolicy policy) throws Exception {
    // a 10 ms ring read 10 ms at a time: under DROP_OLDEST the producer often overwrites the
    // very samples a read is copying, which the read must detect and skip
    SpscJitterBuffer b = new SpscJitterBuffer(JitterBufferConfig.of(AudioFormat.PCM_16000, policy)
        .withDelays(0, 10, 0).withMaxBufferedMillis(10), System::currentTimeMillis);
    int totalPairs = 16_000 * 30 / 2;
    ExecutorService pool = Executors.newFixedThreadPool(2, r -> new Thread(r, "jitter-test"));
    try {
      CompletableFuture<Long> producer = CompletableFuture.supplyAsync(() -> {
        byte[] chunk = new byte[160]; // 5 ms = 40 pairs
        int seq = 0;
        long refused = 0;
        while (seq < totalPairs && !Thread.currentThread().isInterrupted()) {
          for (int i = 0; i < 40; i++) {
            int v = seq + i;
            chunk[4 * i] = (byte) (v >> 16);
            chunk[4 * i + 1] = (byte) (v >> 24);
            chunk[4 * i + 2] = (byte) v;
            chunk[4 * i + 3] = (byte) (v >> 8);
          }
          if (b.offer(chunk)) {
            seq += 40;
          } else {
            refused++;
            Thread.yield();
          }
        }
        b.end();
        return refused;
      }, pool);
      CompletableFuture<long[]> consumer = CompletableFuture.supplyAsync(() -> {
        byte[] out = new byte[320];
        long played = 0;
        long prev = -1;
        long gaps = 0;
        while (b.state() != JitterBuffer.State.ENDED && !Thread.currentThread().isInterrupted()) {
          int n = b.read(out, 0, out.length);
          for (int i = 0; i < n; i += 4) {
            long v = ((out[i] & 0xFF) | (out[i + 1] & 0xFF) << 8) << 16
                | (out[i + 2] & 0xFF) | (out[i + 3] & 0xFF) << 8;
            boolean firstOfRead = i == 0;
            if (v <= prev || (!firstOfRead && v != prev + 1)) {
              throw new AssertionError("pair " + v + " after " + prev + " (offset " + i + ")");
            }
            if (v != prev + 1) {
              gaps++;
            }
            prev = v;
            played++;
          }
          if (n == 0) {
            // yield, not spin: on a loaded 2-core machine a spinning reader holds the core the
            // producer needs for the whole time slice (thousands of hand-offs, each a slice)
            Thread.yield();
          }
        }
        return new long[] {played, gaps};
      }, pool);
      producer.get(30, TimeUnit.SECONDS);
      long[] result = consumer.get(30, TimeUnit.SECONDS);
      if (policy == OverflowPolicy.BACKPRESSURE) {
        assertEquals(totalPairs, result[0]);
        assertEquals(0, result[1], "no gap");
        assertEquals(0, b.stats().droppedMillis());
      } else {
        long droppedPairs = b.stats().droppedMillis() * 8;
        assertTrue(Math.abs(result[0] + droppedPairs - totalPairs) <= 8, // ms rounding: 16 samples
            "played " + result[0] + " + dropped ≈" + droppedPairs + " pairs of " + totalPairs);
      }
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }
}
