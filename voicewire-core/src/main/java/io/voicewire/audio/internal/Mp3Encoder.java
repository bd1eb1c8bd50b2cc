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
    return withoutTagPlaceholder(out.toByteArray());
  }

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
    return java.util.Arrays.copyOf(buf, n);
  }
}
