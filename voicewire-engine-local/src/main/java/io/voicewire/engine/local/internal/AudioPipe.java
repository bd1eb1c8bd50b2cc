package io.voicewire.engine.local.internal;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded byte pipe from a session (writer, never blocks) to a decoder thread (reader, blocks
 * until bytes arrive or the pipe ends). {@link #finish()} ends the stream after what is buffered;
 * {@link #abort()} ends it at once and frees the buffer.
 *
 * <p>The buffer starts at {@link #INITIAL_BYTES} and doubles as audio arrives, up to the capacity,
 * so a short burst of speech holds memory for its own length, not for the most a pass may buffer.
 *
 * <p>Overflow policy: {@link #write} refuses a write that does not fit and returns false; nothing
 * is taken. Thread safe for one writer and one reader.
 */
final class AudioPipe extends BulkInputStream {
  /** The first buffer: 0.5 s of 16 kHz 16-bit audio. */
  static final int INITIAL_BYTES = 16_000;

  private final int capacity;
  private byte[] ring;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition readable = lock.newCondition();
  private int head;
  private int size;
  private long written;
  private long consumed;
  private boolean finished;
  private boolean aborted;

  AudioPipe(int capacityBytes) {
    this.capacity = capacityBytes;
    this.ring = new byte[Math.min(capacityBytes, INITIAL_BYTES)];
  }

  /** Appends all of {@code b}, or nothing when it does not fit or the pipe has ended. */
  boolean write(byte[] b) {
    return write(b, 0, b.length);
  }

  boolean write(byte[] b, int off, int len) {
    lock.lock();
    try {
      if (finished || aborted || size + len > capacity) {
        return false;
      }
      if (size + len > ring.length) {
        grow(size + len);
      }
      int tail = (head + size) % ring.length;
      int first = Math.min(len, ring.length - tail);
      System.arraycopy(b, off, ring, tail, first);
      System.arraycopy(b, off + first, ring, 0, len - first);
      size += len;
      written += len;
      readable.signalAll();
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void grow(int needed) {
    assert lock.isHeldByCurrentThread();
    int n = ring.length;
    while (n < needed) {
      n = (int) Math.min(capacity, n * 2L);
    }
    byte[] bigger = new byte[n];
    int first = Math.min(size, ring.length - head);
    System.arraycopy(ring, head, bigger, 0, first);
    System.arraycopy(ring, 0, bigger, first, size - first);
    ring = bigger;
    head = 0;
  }

  /** Bytes of buffer allocated now, for tests. */
  int allocated() {
    lock.lock();
    try {
      return ring.length;
    } finally {
      lock.unlock();
    }
  }

  /** True when a read would not wait: bytes are buffered or the pipe has ended. */
  boolean readable() {
    lock.lock();
    try {
      return size > 0 || finished || aborted;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until {@link #readable()}. */
  void awaitReadable() {
    lock.lock();
    try {
      while (size == 0 && !finished && !aborted) {
        readable.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Bytes written so far. */
  long written() {
    lock.lock();
    try {
      return written;
    } finally {
      lock.unlock();
    }
  }

  /** Bytes read so far (what the decoder has taken). */
  long consumed() {
    lock.lock();
    try {
      return consumed;
    } finally {
      lock.unlock();
    }
  }

  /** Bytes waiting to be read. */
  int buffered() {
    lock.lock();
    try {
      return size;
    } finally {
      lock.unlock();
    }
  }

  /** End of stream after the buffered bytes. */
  void finish() {
    lock.lock();
    try {
      finished = true;
      readable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether {@link #finish()} was called: no more audio comes, and whoever ended the pass (a
   * commit, the end of speech) waits for what is buffered to be decoded.
   */
  boolean finishing() {
    lock.lock();
    try {
      return finished;
    } finally {
      lock.unlock();
    }
  }

  /** Whether {@link #abort()} was called: nobody wants the rest of this audio decoded. */
  boolean aborted() {
    lock.lock();
    try {
      return aborted;
    } finally {
      lock.unlock();
    }
  }

  /** End of stream now; buffered bytes are dropped. */
  void abort() {
    lock.lock();
    try {
      aborted = true;
      size = 0;
      head = 0;
      ring = new byte[0];
      readable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (len == 0) {
      return 0;
    }
    lock.lock();
    try {
      while (size == 0 && !finished && !aborted) {
        readable.awaitUninterruptibly();
      }
      if (aborted || size == 0) {
        return -1;
      }
      int n = Math.min(len, size);
      int first = Math.min(n, ring.length - head);
      System.arraycopy(ring, head, b, off, first);
      System.arraycopy(ring, 0, b, off + first, n - first);
      head = (head + n) % ring.length;
      size -= n;
      consumed += n;
      return n;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int available() {
    return buffered();
  }

  @Override
  public void close() {
    // the decoder closes its stream at the end; the session decides when the pipe ends
  }
}
