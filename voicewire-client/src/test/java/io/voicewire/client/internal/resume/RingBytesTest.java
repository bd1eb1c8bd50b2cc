package io.voicewire.client.internal.resume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    SegmentPool.Segment[] taken = new SegmentPool.Segment[5];
    for (int i = 0; i < taken.length; i++) {
      taken[i] = pool.take();
    }
    for (SegmentPool.Segment t : taken) {
      t.release();
    }
    assertEquals(2, pool.freeSegments());
    assertSame(taken[1], pool.take(), "the last one kept comes first");
    pool.take();
    SegmentPool.Segment fresh = pool.take();
    assertEquals(SEG, fresh.bytes.length, "empty: a new segment");
    assertEquals(1, fresh.holders());
    assertEquals(0, pool.freeSegments());
    fresh.release();
    assertThrows(IllegalStateException.class, fresh::retain, "a free segment is not retained");
    assertThrows(IllegalStateException.class, fresh::release, "nor released again");
  }

  @Test
  void aWholeRunLiesInOneSegmentAndThePaddingIsNeverRead() {
    SegmentPool pool = new SegmentPool(16);
    RingBytes s = new RingBytes(pool);
    byte[] a = run(SEG - 100, 4);
    byte[] b = run(300, 5); // does not fit in what is left of the first segment
    assertEquals(0, s.appendWhole(a, 0, a.length));
    long at = s.appendWhole(b, 0, b.length);
    assertEquals(SEG, at, "starts at the next segment");
    assertTrue(RingBytes.inOneSegment(at, b.length));
    assertArrayEquals(b, Arrays.copyOfRange(s.arrayAt(at), RingBytes.indexAt(at),
        RingBytes.indexAt(at) + b.length), "read where it is");
    byte[] c = run(50, 6);
    assertEquals(SEG + 300, s.appendWhole(c, 0, c.length), "fits: no padding");
    byte[] big = run(SEG + 1, 7);
    long bigAt = s.appendWhole(big, 0, big.length);
    assertEquals(SEG + 350, bigAt, "longer than a segment: split as append does");
    assertFalse(RingBytes.inOneSegment(bigAt, big.length));
    assertArrayEquals(big, s.read(bigAt, big.length));

    s.releaseBefore(Long.MAX_VALUE); // nothing held: the next whole run starts a new segment
    byte[] d = run(SEG - 10, 8);
    long dAt = s.appendWhole(d, 0, d.length);
    assertEquals(0, dAt % SEG, "padded past the released tail");
    assertArrayEquals(d, s.read(dAt, d.length));
    assertEquals(SEG, s.heldBytes());
  }

  @Test
  void aPinnedSegmentGoesBackToThePoolOnlyWhenItsSendIsDone() {
    SegmentPool pool = new SegmentPool(16);
    RingBytes s = new RingBytes(pool);
    byte[] a = run(1000, 9);
    long at = s.appendWhole(a, 0, a.length);
    Runnable sent = s.pin(at); // a write in flight reads the segment
    byte[] inFlight = s.arrayAt(at);
    s.releaseBefore(Long.MAX_VALUE); // the ring forgets it (drop-oldest, the stream's end)
    assertEquals(0, s.heldBytes());
    assertEquals(0, pool.freeSegments(), "not recycled while the write may still read it");

    RingBytes other = new RingBytes(pool); // another stream needs a segment meanwhile
    byte[] o = run(SEG, 10);
    other.appendWhole(o, 0, o.length);
    assertArrayEquals(a, Arrays.copyOfRange(inFlight, 0, a.length),
        "the pinned bytes are not overwritten by another ring");

    sent.run();
    assertEquals(1, pool.freeSegments(), "the write done: back to the pool");
  }
}
