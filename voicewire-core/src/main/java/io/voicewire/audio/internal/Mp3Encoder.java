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
  private final LameEncoder lame;
  private final int maxIn;
  private final byte[] buf;
  private long fedBytes;

  Mp3Encoder(int rate, int kbps) {
    javax.sound.sampled.AudioFormat src =
        new javax.sound.sampled.AudioFormat(rate, 16, 1, true, false);
    lame = new LameEncoder(src, kbps, LameEncoder.CHANNEL_MODE_MONO, LameEncoder.QUALITY_LOW,
        false);
    maxIn = lame.getPCMBufferSize() & ~1;
    buf = new byte[lame.getMP3BufferSize()];
  }

  @Override
  public byte[] encode(byte[] pcm, int off, int len) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(len / 4 + 64);
    fedBytes += len;
    for (int p = off, end = off + len; p < end; p += maxIn) {
      int n = lame.encodeBuffer(pcm, p, Math.min(maxIn, end - p), buf);
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  @Override
  public byte[] finish() {
    // an empty stream is an empty file (LAME cannot flush a stream it never saw)
    int n = fedBytes == 0 ? 0 : lame.encodeFinish(buf);
    lame.close();
    return java.util.Arrays.copyOf(buf, n);
  }
}
