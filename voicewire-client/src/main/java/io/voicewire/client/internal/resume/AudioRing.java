package io.voicewire.client.internal.resume;

import io.voicewire.protocol.SttAudioFrame;
import java.util.ArrayList;
import java.util.List;

/**
 * The STT replay ring, which is also the stream's outbox: every audio chunk (and commit) taken
 * since the last committed transcript, in stream order, with stream byte offsets and the time each
 * was taken. The stream sends from it in order, and after a drop sends it again from its start.
 *
 * <p>Bounded by {@code maxBytes} (the client's replay limit in seconds, converted). Overflow
 * policy: <b>drop-oldest</b>. When a chunk would exceed the bound, the oldest chunks (and commits
 * before them) are forgotten; they were already sent live, so nothing is lost unless the
 * connection drops before their transcript is committed, and {@link #overflowBytes()} counts
 * them. The newest audio is never refused.
 *
 * <p>The chunks' bytes are copied into segments recycled through a pool ({@link SegmentPool}),
 * not kept as the arrays they came in: a relay's rings hold seconds of every stream's frames,
 * and as fresh arrays each young GC would copy them. {@link #release} gives the segments back
 * when the stream ends.
 *
 * <p>This class is not thread safe; the stream uses it under its lock.
 */
public final class AudioRing {
  /** Kept entries, oldest first; their sequence numbers are consecutive, so lookups index. */
  private final EntryDeque entries = new EntryDeque();
  /** The chunks' bytes. */
  final RingBytes store;
  private final long maxBytes;
  private final int frameSize;
  private long start;
  private long end;
  private long bytes;
  private long overflowBytes;
  private long nextSeq = 1;

  public AudioRing(long maxBytes, int frameSize) {
    this(maxBytes, frameSize, SegmentPool.SHARED);
  }

  AudioRing(long maxBytes, int frameSize, SegmentPool pool) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes <= 0: " + maxBytes);
    }
    this.maxBytes = maxBytes;
    this.frameSize = frameSize;
    this.store = new RingBytes(pool);
  }

  /** Appends a chunk (its bytes are copied into the ring) and returns its stream offset. */
  public long addAudio(byte[] audio, long sendNanos) {
    long pos = store.append(audio, 0, audio.length);
    return add(new RingEntry(this, nextSeq++, end, sendNanos, pos, audio.length, 0, audio.length,
        -1, -1, 0, -1));
  }

  /**
   * Appends a client's audio frame as received (its bytes are copied into the ring, in one
   * segment when they fit, so that it is sent from there: {@link RingEntry#frame}; kept
   * undecoded, its audio is decoded only when a replay must split or join it) and returns its
   * stream offset. {@code frame} is read during the call only.
   */
  public long addFrame(SttAudioFrame frame, long sendNanos) {
    int n = frame.length();
    long pos = store.appendWhole(frame.frame(), frame.offset(), n);
    Integer rate = frame.sampleRate();
    return add(new RingEntry(this, nextSeq++, end, sendNanos, pos, n, 0, frame.audioBytes(),
        frame.audioFrom() - frame.offset(), frame.audioTo() - frame.offset(), frame.audioBytes(),
        rate == null ? -1 : rate));
  }

  private long add(RingEntry entry) {
    long off = entry.offset();
    entries.add(entry);
    end += entry.length();
    bytes += entry.length();
    if (bytes > maxBytes) {
      while (bytes > maxBytes && entries.size() > 1) {
        RingEntry e = entries.pollFirst();
        if (!e.isCommit()) {
          bytes -= e.length();
          overflowBytes += e.length();
        }
        start = entries.isEmpty() ? end : entries.peekFirst().offset();
      }
      releaseUnused(); // only when something was forgotten: the usual add keeps everything
    }
    return off;
  }

  /** Records a commit at the current end. */
  public void addCommit(long sendNanos) {
    entries.add(RingEntry.commit(nextSeq++, end, sendNanos));
  }

  /**
   * Inserts a commit at stream offset {@code offset} (rounded down to a frame, within the kept
   * audio), splitting the chunk that holds it. The entries after it get new sequence numbers
   * (each one more, or two when a chunk was split): call it only while no sequence number is
   * held elsewhere. Returns the offset used, or -1 when a commit is already there.
   */
  public long insertCommit(long offset, long sendNanos) {
    return rebuildAt(offset, true, sendNanos);
  }

  /**
   * Splits the chunk that holds stream offset {@code offset} (rounded down to a frame, within
   * the kept audio) in two, so that an entry starts there; like {@link #insertCommit}, the
   * entries after it get new sequence numbers. Returns the offset used.
   */
  public long splitAt(long offset) {
    return rebuildAt(offset, false, 0);
  }

  private long rebuildAt(long offset, boolean commit, long sendNanos) {
    offset = Math.max(start, Math.min(end, offset));
    offset -= (offset - start) % frameSize;
    RingEntry[] all = new RingEntry[entries.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = entries.get(i);
    }
    int at = 0;
    while (at < all.length && all[at].offset() < offset && all[at].end() <= offset) {
      at++; // whole chunks (and commits) before the offset
    }
    if (commit && at < all.length && all[at].isCommit() && all[at].offset() == offset) {
      return -1;
    }
    boolean split = at < all.length && all[at].offset() < offset;
    if (!commit && !split) {
      return offset; // an entry starts there already
    }
    while (entries.pollFirst() != null) {
      // rebuilt below
    }
    long seq = all.length == 0 ? nextSeq : all[0].seq();
    for (int i = 0; i < at; i++) {
      entries.add(all[i]);
      seq = all[i].seq() + 1;
    }
    if (split) {
      RingEntry e = all[at];
      int cut = (int) (offset - e.offset());
      entries.add(e.part(seq++, 0, cut));
      if (commit) {
        entries.add(RingEntry.commit(seq++, offset, sendNanos));
      }
      entries.add(e.part(seq++, cut, e.length() - cut));
      at++;
    } else {
      entries.add(RingEntry.commit(seq++, offset, sendNanos));
    }
    for (int i = at; i < all.length; i++) {
      entries.add(all[i].withSeq(seq++));
    }
    nextSeq = seq;
    return offset;
  }

  /**
   * Removes the commits at the given stream offsets; the entries after the first one removed get
   * new sequence numbers: call it only while no sequence number is held elsewhere. Returns how
   * many were removed.
   */
  public int removeCommits(java.util.Set<Long> offsets) {
    if (offsets.isEmpty()) {
      return 0;
    }
    RingEntry[] all = new RingEntry[entries.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = entries.get(i);
    }
    while (entries.pollFirst() != null) {
      // rebuilt below
    }
    long seq = all.length == 0 ? nextSeq : all[0].seq();
    int removed = 0;
    for (RingEntry e : all) {
      if (e.isCommit() && offsets.contains(e.offset())) {
        removed++;
        continue;
      }
      entries.add(e.withSeq(seq++));
    }
    nextSeq = seq;
    return removed;
  }

  /**
   * Forgets everything before stream offset {@code offset} (rounded down to a frame): whole
   * chunks and commits before it, and the head of a chunk that straddles it.
   */
  public void trimTo(long offset) {
    if (offset <= start) {
      return;
    }
    offset = Math.min(offset, end);
    while (!entries.isEmpty()) {
      RingEntry e = entries.peekFirst();
      if (e.isCommit()) {
        if (e.offset() <= offset) {
          entries.pollFirst();
          continue;
        }
        break;
      }
      if (e.end() <= offset) {
        entries.pollFirst();
        bytes -= e.length();
        continue;
      }
      if (e.offset() < offset) {
        int cut = (int) (offset - e.offset());
        cut -= cut % frameSize;
        if (cut > 0) {
          entries.pollFirst();
          entries.addFirst(e.part(e.seq(), cut, e.length() - cut));
          bytes -= cut;
        }
      }
      break;
    }
    start = entries.isEmpty() ? offset : Math.min(offset, firstOffset());
    releaseUnused();
  }

  /** Gives back the segments of chunks no longer kept (all of them when none is). */
  private void releaseUnused() {
    for (int i = 0; i < entries.size(); i++) {
      RingEntry e = entries.get(i);
      if (!e.isCommit()) {
        store.releaseBefore(e.storePos);
        return;
      }
    }
    store.releaseBefore(Long.MAX_VALUE);
  }

  /**
   * Forgets every entry and lets the segments go (back to the pool once no send from them is in
   * flight): the stream has ended. The ring stays usable (empty), with its offsets and sequence
   * numbers where they were.
   */
  public void release() {
    while (entries.pollFirst() != null) {
      // dropped
    }
    bytes = 0;
    start = end;
    releaseUnused();
  }

  /** Bytes of segments the ring holds (its chunks' bytes as kept, in whole segments). */
  public long heldBytes() {
    return store.heldBytes();
  }

  private long firstOffset() {
    return entries.isEmpty() ? end : entries.peekFirst().offset();
  }

  /** The sequence number the next entry will get; entries below it exist or existed. */
  public long nextSeq() {
    return nextSeq;
  }

  /** The first entry with a sequence number above {@code seq}, or null. O(1). */
  public RingEntry after(long seq) {
    RingEntry first = entries.peekFirst();
    if (first == null) {
      return null;
    }
    long i = seq + 1 - first.seq();
    if (i <= 0) {
      return first;
    }
    return i < entries.size() ? entries.get((int) i) : null;
  }

  /** The entries, oldest first (a copy of the list; the chunks are shared). */
  public List<RingEntry> entries() {
    List<RingEntry> copy = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      copy.add(entries.get(i));
    }
    return copy;
  }

  /** Stream offset of the first byte kept. */
  public long start() {
    return start;
  }

  /** Stream offset after the last byte. */
  public long end() {
    return end;
  }

  /** Audio bytes kept. */
  public long bytes() {
    return bytes;
  }

  /** True when no audio and no commit is kept. */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** Bytes forgotten by the drop-oldest policy. */
  public long overflowBytes() {
    return overflowBytes;
  }

  /** The send time of the chunk holding stream offset {@code offset}, or -1 when not kept. */
  public long sendNanosAt(long offset) {
    // offsets never decrease along the ring: binary search for the last entry starting at or
    // before the offset, then step back over commits (zero-length) to the chunk holding it
    int lo = 0;
    int hi = entries.size() - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (entries.get(mid).offset() <= offset) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    for (int i = found; i >= 0; i--) {
      RingEntry e = entries.get(i);
      if (!e.isCommit()) {
        return offset < e.end() ? e.sendNanos() : -1;
      }
    }
    return -1;
  }

  /**
   * For 16-bit PCM: the offset in {@code [from, to)} at the middle of the quietest window of
   * {@code windowBytes} (lowest energy), frame aligned; {@code to} when the range holds no whole
   * window. Lets a forced commit fall between words rather than inside one.
   */
  public long quietestPcm16(long from, long to, int windowBytes) {
    from = Math.max(from, start);
    to = Math.min(to, end);
    long best = Long.MAX_VALUE;
    long bestAt = to;
    long winStart = from;
    long energy = 0;
    int inWin = 0;
    for (int i = 0; i < entries.size(); i++) {
      RingEntry e = entries.get(i);
      if (e.isCommit() || e.end() <= from || e.offset() >= to) {
        continue;
      }
      byte[] a = e.audio();
      for (long o = Math.max(from, e.offset()); o + 1 < Math.min(to, e.end()); o += 2) {
        int k = (int) (o - e.offset());
        int v = (short) ((a[k] & 0xff) | (a[k + 1] << 8));
        energy += (long) v * v;
        inWin += 2;
        if (inWin >= windowBytes) {
          if (energy < best) {
            best = energy;
            bestAt = winStart + windowBytes / 2;
          }
          winStart = o + 2;
          energy = 0;
          inWin = 0;
        }
      }
    }
    return bestAt - (bestAt - start) % frameSize;
  }
}
