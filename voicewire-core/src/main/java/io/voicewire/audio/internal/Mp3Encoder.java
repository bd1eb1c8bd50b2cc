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
  /** Bytes of the last returned frame still to come in the next output. */
  private int frameRest;
  /** Decoded samples before the current segment's first frame. */
  private long segmentStart;

  Mp3Encoder(int rate, int kbps) {
    javax.sound.sampled.AudioFormat src =
        new javax.sound.sampled.AudioFormat(rate, 16, 1, true, false);
    lame = new LameEncoder(src, kbps, LameEncoder.CHANNEL_MODE_MONO, LameEncoder.QUALITY_LOW,
        false);
    this.rate = rate;
    this.kbps = kbps;
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
    lame = new LameEncoder(lame.getSourceFormat(), kbps, LameEncoder.CHANNEL_MODE_MONO,
        LameEncoder.QUALITY_LOW, false);
    fedBytes = 0;
    started = false;
    return out;
  }

  @Override
  public byte[] encode(byte[] pcm, int off, int len) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(len / 4 + 64);
    fedBytes += len;
    for (int p = off, end = off + len; p < end; p += maxIn) {
      int n = lame.encodeBuffer(pcm, p, Math.min(maxIn, end - p), buf);
      out.write(buf, 0, n);
    }
    return counted(withoutTagPlaceholder(out.toByteArray()));
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

  /** Counts the frames in {@code b} (whole frames, a frame's rest possibly in the next call). */
  private byte[] counted(byte[] b) {
    int p = frameRest;
    while (p + 4 <= b.length) {
      int size = frameBytes(b, p);
      if (size <= 0) {
        break;
      }
      framesOut++;
      p += size;
    }
    frameRest = Math.max(0, p - b.length);
    return b;
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
    return java.util.Arrays.copyOfRange(b, frame, b.length);
  }

  @Override
  public byte[] finish() {
    // an empty stream is an empty file (LAME cannot flush a stream it never saw)
    int n = fedBytes == 0 ? 0 : lame.encodeFinish(buf);
    lame.close();
    return counted(java.util.Arrays.copyOf(buf, n));
  }
}
