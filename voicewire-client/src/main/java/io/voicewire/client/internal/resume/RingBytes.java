package io.voicewire.client.internal.resume;

/**
 * One ring's bytes: a first-in first-out store of byte runs in pooled segments
 * ({@link SegmentPool}), addressed by positions that only grow. A run may span segments. Whole
 * segments before the oldest run still needed go back to the pool ({@link #releaseBefore}).
 *
 * <p>Not thread safe: its ring's lock covers it.
 */
final class RingBytes {
  private static final int SEG = SegmentPool.SEGMENT_BYTES;

  private final SegmentPool pool;
  /** Segments held, circular: {@code count} of them from {@code first}; the first covers base. */
  private byte[][] segs = new byte[4][];
  private int first;
  private int count;
  /** Position of the first held segment's byte 0 (a multiple of the segment size). */
  private long base;
  /** Position the next run is written at. */
  private long tail;
  /** Positions below this were released: runs there may no longer be read. */
  private long released;

  RingBytes(SegmentPool pool) {
    this.pool = pool;
  }

  /** Appends {@code b[off, off + len)} and returns the position of its first byte. */
  long append(byte[] b, int off, int len) {
    long pos = tail;
    while (len > 0) {
      int idx = (int) ((tail - base) / SEG);
      if (idx == count) {
        addSegment();
      }
      int at = (int) (tail % SEG);
      int n = Math.min(len, SEG - at);
      System.arraycopy(b, off, seg(idx), at, n);
      off += n;
      len -= n;
      tail += n;
    }
    return pos;
  }

  /** The run {@code [pos, pos + len)}, as a new array. */
  byte[] read(long pos, int len) {
    if (pos < released || pos + len > tail) {
      throw new IllegalStateException("bytes " + pos + "+" + len + " are not held (held from "
          + released + " to " + tail + ")");
    }
    byte[] out = new byte[len];
    int done = 0;
    while (done < len) {
      long p = pos + done;
      int at = (int) (p % SEG);
      int n = Math.min(len - done, SEG - at);
      System.arraycopy(seg((int) ((p - base) / SEG)), at, out, done, n);
      done += n;
    }
    return out;
  }

  /** True while the run at {@code pos} may be read. */
  boolean holds(long pos) {
    return pos >= released;
  }

  /**
   * Nothing before {@code pos} will be read again: whole segments before it go back to the pool,
   * and every segment when nothing is left ({@code pos} at or past the last byte written).
   */
  void releaseBefore(long pos) {
    pos = Math.min(pos, tail);
    released = Math.max(released, pos);
    while (count > 0 && (base + SEG <= released || released == tail)) {
      pool.give(segs[first]);
      segs[first] = null;
      first = (first + 1) & (segs.length - 1);
      count--;
      base += SEG;
    }
    if (count == 0) {
      base = tail - tail % SEG;
    }
  }

  /** Bytes of segments held. */
  long heldBytes() {
    return (long) count * SEG;
  }

  private byte[] seg(int idx) {
    return segs[(first + idx) & (segs.length - 1)];
  }

  private void addSegment() {
    if (count == segs.length) {
      byte[][] b = new byte[segs.length * 2][];
      for (int i = 0; i < count; i++) {
        b[i] = seg(i);
      }
      segs = b;
      first = 0;
    }
    segs[(first + count) & (segs.length - 1)] = pool.take();
    count++;
  }
}
