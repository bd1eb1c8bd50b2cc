package io.voicewire.client.internal.resume;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fixed-size byte segments that replay rings keep their audio in, recycled between the rings of
 * one JVM. A ring's bytes live as long as its replay window (seconds), far longer than a young
 * GC cycle: as fresh arrays they would be copied by every young collection until promoted. Kept
 * in recycled segments, they are written into memory that is already old, and a young
 * collection finds nothing of them to copy (docs/bench-relay.md, "Where G1's tail comes from").
 *
 * <p>A segment is counted: its ring holds it, and so does each write in flight that sends bytes
 * straight from it ({@link Segment#retain}); it goes back to the pool when the last of them lets
 * go ({@link Segment#release}), so a frame still queued in the transport is never overwritten by
 * another ring's. A holder that never lets go leaves the segment to the GC, never to the pool.
 *
 * <p>The pool only caches free segments, at most {@link #MAX_FREE_SEGMENTS}; the rings' own
 * bytes are bounded by their replay limit. Thread safe: one short critical section per segment
 * taken or given, never across anything else.
 */
final class SegmentPool {
  /** Bytes per segment: about 0.35 s of a 16 kHz stream's frames as received (base64 JSON). */
  static final int SEGMENT_BYTES = 16 * 1024;
  /** Free segments kept for reuse (32 MiB); a segment given beyond it is left to the GC. */
  static final int MAX_FREE_SEGMENTS = 2048;
  /** The pool every ring of this JVM uses. */
  static final SegmentPool SHARED = new SegmentPool(MAX_FREE_SEGMENTS);

  /** One segment and the count of its holders. Thread safe. */
  static final class Segment {
    final byte[] bytes = new byte[SEGMENT_BYTES];
    private final AtomicInteger holders = new AtomicInteger();
    private final SegmentPool pool;

    private Segment(SegmentPool pool) {
      this.pool = pool;
    }

    /** One more holder; only a holder may call it (the segment cannot be free meanwhile). */
    void retain() {
      int h;
      do {
        h = holders.get();
        if (h <= 0) {
          throw new IllegalStateException("segment retained while free");
        }
      } while (!holders.compareAndSet(h, h + 1));
    }

    /** A holder lets go; the last one gives the segment back to its pool. */
    void release() {
      int left = holders.decrementAndGet();
      if (left == 0) {
        pool.give(this);
      } else if (left < 0) {
        throw new IllegalStateException("segment released more often than held");
      }
    }

    /** Holders now (for tests). */
    int holders() {
      return holders.get();
    }
  }

  private final Segment[] free;
  private int size;

  SegmentPool(int maxFree) {
    this.free = new Segment[maxFree];
  }

  /**
   * A segment held once (by the caller): a free one, else a new one. Its content is whatever was
   * written before.
   */
  Segment take() {
    Segment s = null;
    synchronized (free) {
      if (size > 0) {
        s = free[--size];
        free[size] = null;
      }
    }
    if (s == null) {
      s = new Segment(this);
    }
    s.holders.set(1);
    return s;
  }

  private void give(Segment segment) {
    synchronized (free) {
      if (size < free.length) {
        free[size++] = segment;
      }
    }
  }

  /** Free segments held. */
  int freeSegments() {
    synchronized (free) {
      return size;
    }
  }
}
