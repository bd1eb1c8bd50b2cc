package io.voicewire.audio.internal;

import de.sciss.jump3r.lowlevel.LameEncoder;
import java.io.ByteArrayOutputStream;

/**
 * MP3 (constant bitrate, mono) with LAME's pure-Java port: PCM in, whole MPEG frames out as soon
 * as LAME has them. LAME holds back less than two frames of input.
 *
 * <p>Not thread safe.
 */
final class Mp3Encoder implements Encoders.Codec {
  private LameEncoder lame;
  private final int maxIn;
  private final byte[] buf;
  private long fedBytes;
  private final int rate;
  private final int kbps;
  private boolean started;
  /** MPEG frames returned so far, over every segment ({@link #drain()} starts one). */
  private long framesOut;
  /** The start of a frame LAME has not finished yet: it goes out whole, with the next bytes. */
  private byte[] partial = new byte[0];
  /** Decoded samples before the current segment's first frame. */
  private long segmentStart;

  Mp3Encoder(int rate, int kbps) {
    this.rate = rate;
    this.kbps = kbps;
    lame = newLame();
    maxIn = lame.getPCMBufferSize() & ~1;
    buf = new byte[lame.getMP3BufferSize()];
  }

  /** Ends this MP3 stream and starts the next one (MPEG frames concatenate). */
  @Override
  public byte[] drain() {
    if (fedBytes == 0) {
      return new byte[0];
    }
    byte[] out = finish();
    segmentStart = framesOut * samplesPerFrame();
    lame = newLame();
    fedBytes = 0;
    started = false;
    return out;
  }

  /**
   * LAME for mono PCM at {@code rate}, CBR {@code kbps}, writing MPEG audio at {@code rate} too:
   * left to itself LAME halves the rate of low bitrates (mp3_44100_32 would be 22.05 kHz).
   */
  private LameEncoder newLame() {
    javax.sound.sampled.AudioFormat src =
        new javax.sound.sampled.AudioFormat(rate, 16, 1, true, false);
    java.util.Map<String, Object> props = java.util.Map.of(LameEncoder.P_BITRATE, kbps,
        LameEncoder.P_CHMODE, "MONO", LameEncoder.P_QUALITY, "LOW", LameEncoder.P_VBR, false);
    javax.sound.sampled.AudioFormat mp3 = new javax.sound.sampled.AudioFormat(
        rate >= 32_000 ? LameEncoder.MPEG1L3 : LameEncoder.MPEG2L3, rate, -1, 1, -1, -1, false,
        props);
    LameEncoder l = new LameEncoder(src, mp3);
    if (l.getEffectiveSampleRate() != rate || l.getEffectiveBitRate() != kbps) {
      throw new IllegalStateException("LAME would write " + l.getEffectiveBitRate() + " kbit/s at "
          + l.getEffectiveSampleRate() + " Hz, not " + kbps + " at " + rate);
    }
    return l;
  }

  @Override
  public byte[] encode(byte[] pcm, int off, int len) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(len / 4 + 64);
    fedBytes += len;
    for (int p = off, end = off + len; p < end; p += maxIn) {
      int n = lame.encodeBuffer(pcm, p, Math.min(maxIn, end - p), buf);
      out.write(buf, 0, n);
    }
    return withoutTagPlaceholder(counted(out.toByteArray()));
  }

  @Override
  public long decodedSamples() {
    return framesOut * samplesPerFrame();
  }

  @Override
  public long nextInputPosition() {
    return segmentStart + io.voicewire.audio.AudioEncoder.MP3_DECODER_DELAY_SAMPLES + fedBytes / 2;
  }

  private int samplesPerFrame() {
    return rate >= 32_000 ? 1152 : 576;
  }

  /**
   * Whole frames only: the bytes of {@code out} after any partial frame kept from the last call,
   * up to the end of the last whole frame; the rest is kept for the next call. Every chunk then
   * decodes on its own (after the chunks before it) to a whole number of frames.
   */
  private byte[] counted(byte[] out) {
    byte[] b = Bytes.concat(partial, out);
    int p = 0;
    while (p + 4 <= b.length) {
      int size = frameBytes(b, p);
      if (size <= 0) {
        throw new IllegalStateException("LAME wrote no frame header at byte " + p);
      }
      if (p + size > b.length) {
        break;
      }
      framesOut++;
      p += size;
    }
    partial = java.util.Arrays.copyOfRange(b, p, b.length);
    return p == b.length ? b : java.util.Arrays.copyOf(b, p);
  }

  /** The size of the frame whose header is at {@code p}, 0 if none is there. */
  private int frameBytes(byte[] b, int p) {
    if ((b[p] & 0xFF) != 0xFF || (b[p + 1] & 0xE0) != 0xE0) {
      return 0;
    }
    int index = (b[p + 2] >> 4) & 0x0F;
    boolean mpeg1 = (b[p + 1] & 0x18) == 0x18;
    int kbpsOf = (mpeg1 ? MPEG1_KBPS : MPEG2_KBPS)[index];
    return (mpeg1 ? 144 : 72) * kbpsOf * 1000 / rate + ((b[p + 2] >> 1) & 1);
  }

  private static final int[] MPEG1_KBPS =
      {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0};
  private static final int[] MPEG2_KBPS =
      {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0};

  /**
   * Drops the blank first frame LAME reserves for a Xing/Info tag that only a seekable file can
   * fill in: streamed, it would decode as one frame of extra silence.
   */
  private byte[] withoutTagPlaceholder(byte[] b) {
    if (started || b.length == 0) {
      return b;
    }
    started = true;
    if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xE0) != 0xE0) {
      return b;
    }
    int frame = (rate >= 32_000 ? 144 : 72) * kbps * 1000 / rate + ((b[2] >> 1) & 1);
    if (b.length < frame) {
      return b;
    }
    for (int i = 4; i < frame; i++) {
      if (b[i] != 0) {
        return b;
      }
    }
    framesOut--;
    return java.util.Arrays.copyOfRange(b, frame, b.length);
  }

  @Override
  public byte[] finish() {
    // an empty stream is an empty file (LAME cannot flush a stream it never saw)
    int n = fedBytes == 0 ? 0 : lame.encodeFinish(buf);
    lame.close();
    byte[] out = withoutTagPlaceholder(counted(java.util.Arrays.copyOf(buf, n)));
    if (partial.length > 0) { // LAME's flush ends on a frame boundary; never lose a byte
      out = Bytes.concat(out, partial);
      partial = new byte[0];
    }
    return out;
  }
}
