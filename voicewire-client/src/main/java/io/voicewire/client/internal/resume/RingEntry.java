package io.voicewire.client.internal.resume;

import io.voicewire.protocol.SttAudioFrame;
import java.util.Arrays;

/**
 * A chunk of audio (PCM, or a client's frame as received) or a commit (neither) at a stream
 * offset, with a sequence number that orders entries (and survives trimming). A chunk's bytes
 * are kept in the ring's segments, not in the entry: read them ({@link #audio},
 * {@link #frame}) while the entry is in the ring. A trim or split makes entries that hold a
 * part of a chunk's audio ({@code skip} bytes in, {@code length} long).
 */
public final class RingEntry {
  private static final Runnable NOTHING = () -> { };

  private final AudioRing ring; // null for a commit
  private final long seq;
  private final long offset;
  private final long sendNanos;
  final long storePos;
  private final int storeLen;
  private final int skip;
  private final int length;
  /** A frame's base64 range within its stored bytes (from their first byte); -1 for PCM. */
  private final int audioFrom;
  private final int audioTo;
  private final int frameAudioBytes;
  private final int sampleRate; // -1: absent

  RingEntry(AudioRing ring, long seq, long offset, long sendNanos, long storePos,
      int storeLen, int skip, int length, int audioFrom, int audioTo, int frameAudioBytes,
      int sampleRate) {
    this.ring = ring;
    this.seq = seq;
    this.offset = offset;
    this.sendNanos = sendNanos;
    this.storePos = storePos;
    this.storeLen = storeLen;
    this.skip = skip;
    this.length = length;
    this.audioFrom = audioFrom;
    this.audioTo = audioTo;
    this.frameAudioBytes = frameAudioBytes;
    this.sampleRate = sampleRate;
  }

  static RingEntry commit(long seq, long offset, long sendNanos) {
    return new RingEntry(null, seq, offset, sendNanos, -1, 0, 0, 0, -1, -1, 0, -1);
  }

  /** This entry's part {@code [from, from + len)} of its audio, as entry {@code s}. */
  RingEntry part(long s, int from, int len) {
    return new RingEntry(ring, s, offset + from, sendNanos, storePos, storeLen, skip + from, len,
        audioFrom, audioTo, frameAudioBytes, sampleRate);
  }

  RingEntry withSeq(long s) {
    return ring == null ? commit(s, offset, sendNanos) : part(s, 0, length);
  }

  public long seq() {
    return seq;
  }

  /** Stream offset of its first byte of audio (of the commit's point). */
  public long offset() {
    return offset;
  }

  /** When it was taken ({@code System.nanoTime} scale). */
  public long sendNanos() {
    return sendNanos;
  }

  public boolean isCommit() {
    return ring == null;
  }

  /** Bytes of audio (0 for a commit). */
  public int length() {
    return length;
  }

  public long end() {
    return offset + length;
  }

  /** The audio, as a new array; null for a commit. */
  public byte[] audio() {
    if (ring == null) {
      return null;
    }
    if (audioFrom < 0) {
      return ring.store.read(storePos + skip, length);
    }
    SttAudioFrame f = stored();
    byte[] all = f.decodeAudio();
    return skip == 0 && length == all.length ? all
        : Arrays.copyOfRange(all, skip, skip + length);
  }

  /**
   * The client's frame as received, or null: a commit, PCM, or a part of a frame. A view of the
   * ring's segment when the frame lies in one (no copy), else a copy. Read it under the ring's
   * lock while the entry is kept; to send it, {@link #pinFrame} first.
   */
  public SttAudioFrame frame() {
    return audioFrom < 0 || skip != 0 || length != frameAudioBytes ? null : stored();
  }

  /**
   * Keeps the bytes {@link #frame} shows from going back to the pool until the returned action
   * runs (once, when the send of them is done), even if the ring forgets the entry meanwhile.
   * For a frame that {@link #frame} copies, nothing needs keeping. Ring's lock held.
   */
  public Runnable pinFrame() {
    return RingBytes.inOneSegment(storePos, storeLen) ? ring.store.pin(storePos) : NOTHING;
  }

  private SttAudioFrame stored() {
    Integer rate = sampleRate < 0 ? null : sampleRate;
    if (RingBytes.inOneSegment(storePos, storeLen)) {
      int at = RingBytes.indexAt(storePos);
      return new SttAudioFrame(ring.store.arrayAt(storePos), at, storeLen, at + audioFrom,
          at + audioTo, frameAudioBytes, rate);
    }
    return new SttAudioFrame(ring.store.read(storePos, storeLen), audioFrom, audioTo,
        frameAudioBytes, rate);
  }
}
