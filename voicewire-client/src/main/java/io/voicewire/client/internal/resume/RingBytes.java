package io.voicewire.client.internal.resume;

import io.voicewire.client.internal.resume.SegmentPool.Segment;

/**
 * One ring's bytes: a first-in first-out store of byte runs in pooled segments
 * ({@link SegmentPool}), addressed by positions that only grow. A run written by
 * {@link #append} may span segments; one written by {@link #appendWhole} (a client's frame) lies
 * in one segment when it fits in one, so it can be read and sent where it is, without a copy.
 * Whole segments before the oldest run still needed are let go ({@link #releaseBefore}); a
 * segment whose bytes are being sent is {@link #pin pinned} and goes back to the pool only when
 * the send is done as well.
 *
 * <p>Not thread safe: its ring's lock covers it (a pin is released from any thread).
 */
final class RingBytes {
  private static final int SEG = SegmentPool.SEGMENT_BYTES;

  private final SegmentPool pool;
  /** Segments held, circular: {@code count} of them from {@code first}; the first covers base. */
  private Segment[] segs = new Segment[4];
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
      System.arraycopy(b, off, seg(idx).bytes, at, n);
      off += n;
      len -= n;
      tail += n;
    }
    return pos;
  }

  /**
   * {@link #append}, in one segment when the run fits in one: a run that would cross into the
   * next segment starts at the next segment instead (the rest of this one stays unused). A run
   * longer than a segment is split as by {@link #append}.
   */
  long appendWhole(byte[] b, int off, int len) {
    int at = (int) (tail % SEG);
    if (at != 0 && len <= SEG && at + len > SEG) {
      tail += SEG - at; // the end of the last segment held, if any
      if (count == 0) {
        base = tail;
      }
    }
    return append(b, off, len);
  }

  /** True when the run {@code [pos, pos + len)} lies in one segment ({@link #arrayAt}). */
  static boolean inOneSegment(long pos, int len) {
    return len > 0 && pos / SEG == (pos + len - 1) / SEG;
  }

  /**
   * The segment's array that holds position {@code pos}; the byte is at {@link #indexAt}. Valid
   * while the run is held (and, for a send, while its segment is {@link #pin pinned}).
   */
  byte[] arrayAt(long pos) {
    return segAt(pos).bytes;
  }

  /** Index of position {@code pos} in {@link #arrayAt}. */
  static int indexAt(long pos) {
    return (int) (pos % SEG);
  }

  /**
   * Keeps the segment that holds {@code pos} from going back to the pool until the returned
   * action runs (once: when a send from it is done), even if the ring lets go of it meanwhile.
   */
  Runnable pin(long pos) {
    Segment s = segAt(pos);
    s.retain();
    return s::release;
  }

  /** The run {@code [pos, pos + len)}, as a new array. */
  byte[] read(long pos, int len) {
    check(pos, len);
    byte[] out = new byte[len];
    int done = 0;
    while (done < len) {
      long p = pos + done;
      int at = (int) (p % SEG);
      int n = Math.min(len - done, SEG - at);
      System.arraycopy(seg((int) ((p - base) / SEG)).bytes, at, out, done, n);
      done += n;
    }
    return out;
  }

  /** True while the run at {@code pos} may be read. */
  boolean holds(long pos) {
    return pos >= released;
  }

  /**
   * Nothing before {@code pos} will be read again: whole segments before it are let go (back to
   * the pool unless pinned), and every segment when nothing is left ({@code pos} at or past the
   * last byte written).
   */
  void releaseBefore(long pos) {
    pos = Math.min(pos, tail);
    released = Math.max(released, pos);
    while (count > 0 && (base + SEG <= released || released == tail)) {
      segs[first].release();
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

  private void check(long pos, int len) {
    if (pos < released || pos + len > tail) {
      throw new IllegalStateException("bytes " + pos + "+" + len + " are not held (held from "
          + released + " to " + tail + ")");
    }
  }

  private Segment segAt(long pos) {
    check(pos, 1);
    return seg((int) ((pos - base) / SEG));
  }

  private Segment seg(int idx) {
    return segs[(first + idx) & (segs.length - 1)];
  }

  private void addSegment() {
    if (count == segs.length) {
      Segment[] b = new Segment[segs.length * 2];
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
