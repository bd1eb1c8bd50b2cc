package io.voicewire.engine.local.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AudioPipeTest {
  @Test
  void bytesComeOutInOrderAcrossTheRingEdge() {
    AudioPipe p = new AudioPipe(8);
    byte[] out = new byte[8];
    assertTrue(p.write(new byte[] {1, 2, 3, 4, 5, 6}));
    assertEquals(5, p.read(out, 0, 5));
    assertTrue(p.write(new byte[] {7, 8, 9, 10, 11}));
    assertEquals(6, p.read(out, 0, 8));
    assertArrayEquals(new byte[] {6, 7, 8, 9, 10, 11}, java.util.Arrays.copyOf(out, 6));
    assertEquals(11, p.written());
  }

  @Test
  void aWriteThatDoesNotFitIsRefusedWhole() {
    AudioPipe p = new AudioPipe(4);
    assertTrue(p.write(new byte[3]));
    assertFalse(p.write(new byte[2]));
    assertFalse(p.write(new byte[2]));
    assertEquals(3, p.buffered());
  }

  @Test
  void readBlocksUntilDataThenFinishEndsAfterTheRest() throws Exception {
    AudioPipe p = new AudioPipe(16);
    CompletableFuture<Integer> r = CompletableFuture.supplyAsync(() -> p.read(new byte[4], 0, 4));
    Thread.sleep(50);
    assertFalse(r.isDone());
    p.write(new byte[] {1, 2});
    assertEquals(2, r.get(5, TimeUnit.SECONDS));
    p.write(new byte[] {3});
    p.finish();
    assertFalse(p.write(new byte[] {4}));
    assertEquals(1, p.read(new byte[4], 0, 4));
    assertEquals(-1, p.read(new byte[4], 0, 4));
  }

  @Test
  void abortEndsAtOnce() throws Exception {
    AudioPipe p = new AudioPipe(16);
    p.write(new byte[] {1, 2, 3});
    p.abort();
    assertEquals(-1, p.read(new byte[4], 0, 4));
    AudioPipe q = new AudioPipe(16);
    CompletableFuture<Integer> r = CompletableFuture.supplyAsync(() -> q.read(new byte[4], 0, 4));
    Thread.sleep(50);
    q.abort();
    assertEquals(-1, r.get(5, TimeUnit.SECONDS));
  }

  @Test
  void theBufferGrowsWithTheAudioUpToTheCapacityAndAbortFreesIt() {
    AudioPipe p = new AudioPipe(640_000);
    assertTrue(p.write(new byte[3_200]));
    assertEquals(AudioPipe.INITIAL_BYTES, p.allocated(), "a short burst holds a small buffer");
    byte[] ramp = new byte[40_000];
    for (int i = 0; i < ramp.length; i++) {
      ramp[i] = (byte) i;
    }
    byte[] head = new byte[1_000];
    assertEquals(1_000, p.read(head, 0, head.length)); // the ring's head moves before it grows
    assertTrue(p.write(ramp));
    assertTrue(p.allocated() >= 42_200 && p.allocated() <= 64_000, "" + p.allocated());
    byte[] out = new byte[2_200 + ramp.length];
    int n = 0;
    while (n < out.length) {
      n += p.read(out, n, out.length - n);
    }
    assertArrayEquals(ramp, java.util.Arrays.copyOfRange(out, 2_200, out.length));
    assertFalse(p.write(new byte[640_001]), "beyond the capacity");
    p.abort();
    assertEquals(0, p.allocated());
    assertEquals(-1, p.read(out, 0, 1));
  }
}
