package io.voicewire.client.internal.resume;

/** A growable circular array of entries with indexed access (ArrayDeque has none). */
final class EntryDeque {
  private RingEntry[] a = new RingEntry[16];
  private int head;
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  RingEntry get(int i) {
    return a[(head + i) & (a.length - 1)];
  }

  RingEntry peekFirst() {
    return size == 0 ? null : a[head];
  }

  RingEntry pollFirst() {
    if (size == 0) {
      return null;
    }
    RingEntry e = a[head];
    a[head] = null;
    head = (head + 1) & (a.length - 1);
    size--;
    return e;
  }

  void addFirst(RingEntry e) {
    grow();
    head = (head - 1) & (a.length - 1);
    a[head] = e;
    size++;
  }

  void add(RingEntry e) {
    grow();
    a[(head + size) & (a.length - 1)] = e;
    size++;
  }

  private void grow() {
    if (size < a.length) {
      return;
    }
    RingEntry[] b = new RingEntry[a.length * 2];
    for (int i = 0; i < size; i++) {
      b[i] = get(i);
    }
    a = b;
    head = 0;
  }
}
