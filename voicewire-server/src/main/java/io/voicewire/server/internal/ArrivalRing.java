package io.voicewire.server.internal;

/**
 * When the last {@link #CHUNKS} audio chunks of an STT socket arrived, by the audio time they end
 * at: what the partial and commit latency metrics measure from. Not thread safe: the socket
 * guards it with its monitor.
 */
final class ArrivalRing {
  /** Audio chunks whose arrival times are kept for the latency metrics. */
  static final int CHUNKS = 32;

  private final long[] endMs = new long[CHUNKS];
  private final long[] nanos = new long[CHUNKS];
  private int next;
  private int size;

  /** A chunk ending at audio time {@code audioEndMs} arrived at {@code arrivalNanos}. */
  void add(long audioEndMs, long arrivalNanos) {
    endMs[next] = audioEndMs;
    nanos[next] = arrivalNanos;
    next = (next + 1) % CHUNKS;
    size = Math.min(size + 1, CHUNKS);
  }

  /** Arrival time of the chunk holding audio time {@code audioMs}, or -1 if not remembered. */
  long arrivalOf(long audioMs) {
    long best = -1;
    for (int i = 0; i < size; i++) {
      int idx = (next - 1 - i + CHUNKS) % CHUNKS;
      if (endMs[idx] >= audioMs) {
        best = nanos[idx];
      } else {
        break;
      }
    }
    return best;
  }
}
