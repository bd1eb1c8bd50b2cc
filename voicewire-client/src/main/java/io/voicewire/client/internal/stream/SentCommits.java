package io.voicewire.client.internal.stream;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Commit requests sent and not yet answered, oldest first: each with its stream offset (where
 * the commit sits in the audio) and the time it was sent (for the commit latency). Guarded by
 * the stream's lock, like the rest of {@link SttState}.
 */
final class SentCommits implements Iterable<Long> {
  private final ArrayDeque<Long> offsets = new ArrayDeque<>();
  private final ArrayDeque<Long> sentNanos = new ArrayDeque<>();

  void add(long offset, long nanos) {
    offsets.addLast(offset);
    sentNanos.addLast(nanos);
  }

  boolean isEmpty() {
    return offsets.isEmpty();
  }

  int size() {
    return offsets.size();
  }

  boolean contains(long offset) {
    return offsets.contains(offset);
  }

  /** The oldest commit's offset, or null. */
  Long firstOffset() {
    return offsets.peekFirst();
  }

  /** The oldest commit's send time; only when not empty. */
  long firstNanos() {
    return sentNanos.getFirst();
  }

  /** Forgets the oldest commit. */
  void removeFirst() {
    offsets.removeFirst();
    sentNanos.removeFirst();
  }

  void clear() {
    offsets.clear();
    sentNanos.clear();
  }

  /** Replaces this list with a copy of {@code other}. */
  void copyOf(SentCommits other) {
    clear();
    offsets.addAll(other.offsets);
    sentNanos.addAll(other.sentNanos);
  }

  /** The offsets, oldest first (read only). */
  @Override
  public Iterator<Long> iterator() {
    return java.util.Collections.unmodifiableCollection(offsets).iterator();
  }
}
