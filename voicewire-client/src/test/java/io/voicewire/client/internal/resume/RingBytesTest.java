package io.voicewire.client.internal.resume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Tier (a): a ring's bytes in pooled segments. */
class RingBytesTest {
  private static final int SEG = SegmentPool.SEGMENT_BYTES;

  private static byte[] run(int n, int seed) {
    byte[] b = new byte[n];
    new java.util.Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void runsSpanSegmentsAndWholeSegmentsGoBackToThePool() {
    SegmentPool pool = new SegmentPool(16);
    RingBytes s = new RingBytes(pool);
    byte[] a = run(SEG - 10, 1);
    byte[] b = run(SEG + 100, 2); // from the first segment's end across the second into a third
    assertEquals(0, s.append(a, 0, a.length));
    assertEquals(SEG - 10, s.append(b, 0, b.length));
    assertEquals(3L * SEG, s.heldBytes());
    assertArrayEquals(b, s.read(SEG - 10, b.length));
    assertArrayEquals(Arrays.copyOfRange(b, 5, 30), s.read(SEG - 5, 25));

    s.releaseBefore(SEG - 10); // the first segment still holds b's head
    assertEquals(3L * SEG, s.heldBytes());
    assertThrows(IllegalStateException.class, () -> s.read(0, 1));
    s.releaseBefore(SEG + 50);
    assertEquals(2L * SEG, s.heldBytes());
    assertEquals(1, pool.freeSegments());
    assertArrayEquals(Arrays.copyOfRange(b, 60, b.length), s.read(SEG + 50, b.length - 60));

    s.releaseBefore(Long.MAX_VALUE); // nothing left: even the partly written one goes back
    assertEquals(0, s.heldBytes());
    assertEquals(3, pool.freeSegments());
    byte[] c = run(40, 3);
    long at = s.append(c, 0, c.length);
    assertEquals(SEG - 10 + SEG + 100, at, "positions only grow");
    assertArrayEquals(c, s.read(at, c.length));
    assertEquals(2, pool.freeSegments(), "a recycled segment was taken");
  }

  @Test
  void thePoolKeepsAtMostItsLimit() {
    SegmentPool pool = new SegmentPool(2);
    for (int i = 0; i < 5; i++) {
      pool.give(new byte[SEG]);
    }
    assertEquals(2, pool.freeSegments());
    pool.take();
    pool.take();
    assertEquals(SEG, pool.take().length, "empty: a new segment");
    assertEquals(0, pool.freeSegments());
  }
}
