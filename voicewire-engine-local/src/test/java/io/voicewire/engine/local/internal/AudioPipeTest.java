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
}
