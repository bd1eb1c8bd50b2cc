package io.voicewire.engine.local.internal;

/**
 * The last {@link #RING_MILLIS} of a session's 16 kHz audio, from which a pass that opens at a
 * VAD speech start takes its lead-in: Sphinx needs the audio before the first word to keep it.
 * The buffer is allocated with the first audio, so an idle session costs no ring.
 *
 * <p>Not thread safe: the owning session guards it with its lock.
 */
final class LeadInRing {
  /** Audio before a speech start handed to the decoder, so that it keeps the first word. */
  static final int LEAD_IN_MILLIS = 500;
  /** Audio kept from before a speech start, for the lead-in (covers the VAD's reporting delay). */
  static final int RING_MILLIS = 3_000;

  private static final int BYTES_PER_MS = DecoderPool.SAMPLE_RATE * 2 / 1000;

  /** A pass's first audio: quiet {@code pad}, then {@code real} audio, from {@code zeroMs}. */
  record LeadIn(long zeroMs, byte[] pad, byte[] real) {}

  private byte[] ring;
  private long ringEnd; // total bytes written

  /** Bytes of buffer held (0 before the first audio). */
  long allocated() {
    return ring == null ? 0 : ring.length;
  }

  /** Keeps {@code pcm} (16-bit 16 kHz), forgetting what is older than {@link #RING_MILLIS}. */
  void remember(byte[] pcm) {
    if (ring == null) {
      ring = new byte[RING_MILLIS * BYTES_PER_MS];
    }
    int n = pcm.length;
    int off = 0;
    if (n > ring.length) {
      off = n - ring.length;
      ringEnd += off;
      n = ring.length;
    }
    int pos = (int) (ringEnd % ring.length);
    int first = Math.min(n, ring.length - pos);
    System.arraycopy(pcm, off, ring, pos, first);
    System.arraycopy(pcm, off + first, ring, 0, n - first);
    ringEnd += n;
  }

  /** The audio from session time {@code fromMs} to now (clipped to what the ring holds). */
  byte[] recent(long fromMs) {
    if (ring == null) {
      return new byte[0];
    }
    long fromByte = Math.max(fromMs * BYTES_PER_MS, Math.max(0, ringEnd - ring.length));
    fromByte -= fromByte & 1;
    int n = (int) (ringEnd - fromByte);
    byte[] out = new byte[Math.max(0, n)];
    for (int i = 0; i < out.length; ) {
      int pos = (int) ((fromByte + i) % ring.length);
      int len = Math.min(out.length - i, ring.length - pos);
      System.arraycopy(ring, pos, out, i, len);
      i += len;
    }
    return out;
  }

  /**
   * The lead-in of a pass that opens at a VAD speech start: {@link #LEAD_IN_MILLIS} of the audio
   * before it, led by quiet noise where the ring holds less.
   *
   * @param nowMs session time of the ring's end
   * @param seed the noise's seed
   */
  LeadIn atSpeechStart(long speechStartMs, long nowMs, long seed) {
    byte[] real = recent(Math.max(0, speechStartMs - LEAD_IN_MILLIS));
    long realStartMs = nowMs - real.length / BYTES_PER_MS;
    int synthetic = (int) Math.max(0, LEAD_IN_MILLIS - (speechStartMs - realStartMs));
    return new LeadIn(realStartMs - synthetic,
        Noise.quiet(DecoderPool.SAMPLE_RATE, synthetic, seed), real);
  }

  /**
   * The start of a pass for speech that goes on (after a commit or an idle pause) with
   * {@code chunk}, which starts at {@code chunkStartMs}: {@link #LEAD_IN_MILLIS} of quiet noise.
   */
  static LeadIn continuing(long chunkStartMs, byte[] chunk, long seed) {
    return new LeadIn(chunkStartMs - LEAD_IN_MILLIS,
        Noise.quiet(DecoderPool.SAMPLE_RATE, LEAD_IN_MILLIS, seed), chunk);
  }
}
