package io.voicewire.client.internal.resume;

/**
 * Fixed-size byte segments that replay rings keep their audio in, recycled between the rings of
 * one JVM. A ring's bytes live as long as its replay window (seconds), far longer than a young
 * GC cycle: as fresh arrays they would be copied by every young collection until promoted. Kept
 * in recycled segments, they are written into memory that is already old, and a young
 * collection finds nothing of them to copy (docs/bench-relay.md, "Where G1's tail comes from").
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

  private final byte[][] free;
  private int size;

  SegmentPool(int maxFree) {
    this.free = new byte[maxFree][];
  }

  /** A segment: a free one, else a new one. Its content is whatever was written before. */
  byte[] take() {
    synchronized (free) {
      if (size > 0) {
        byte[] s = free[--size];
        free[size] = null;
        return s;
      }
    }
    return new byte[SEGMENT_BYTES];
  }

  /** Gives a segment back; it must no longer be read or written by its giver. */
  void give(byte[] segment) {
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
