package io.voicewire.server.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads 16-bit PCM WAV files (RIFF/WAVE, {@code WAVE_FORMAT_PCM} or {@code EXTENSIBLE} with the
 * PCM sub-format, any channel count) into mono 16-bit little-endian PCM, averaging channels.
 * Stateless; thread safe.
 *
 * @param pcm mono 16-bit little-endian samples
 * @param sampleRate the file's rate
 */
record WavAudio(byte[] pcm, int sampleRate) {

  /** True when the bytes start like a WAV file. */
  static boolean looksLikeWav(byte[] b) {
    return b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F'
        && b[8] == 'W' && b[9] == 'A' && b[10] == 'V' && b[11] == 'E';
  }

  /**
   * Parses a WAV file.
   *
   * @throws IllegalArgumentException naming what is wrong or unsupported
   */
  static WavAudio parse(byte[] b) {
    if (!looksLikeWav(b)) {
      throw new IllegalArgumentException("not a WAV file (no RIFF/WAVE header)");
    }
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int pos = 12;
    int channels = 0;
    int rate = 0;
    int bits = 0;
    int format = 0;
    while (pos + 8 <= b.length) {
      String id = new String(b, pos, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
      long size = Integer.toUnsignedLong(bb.getInt(pos + 4));
      int body = pos + 8;
      if (id.equals("fmt ")) {
        if (size < 16 || body + 16 > b.length) {
          throw new IllegalArgumentException("WAV fmt chunk is too short");
        }
        format = Short.toUnsignedInt(bb.getShort(body));
        channels = Short.toUnsignedInt(bb.getShort(body + 2));
        rate = bb.getInt(body + 4);
        bits = Short.toUnsignedInt(bb.getShort(body + 14));
        if (format == 0xFFFE && size >= 26 && body + 26 <= b.length) {
          format = Short.toUnsignedInt(bb.getShort(body + 24)); // sub-format GUID's first 2 bytes
        }
      } else if (id.equals("data")) {
        if (rate == 0) {
          throw new IllegalArgumentException("WAV data chunk before its fmt chunk");
        }
        if (format != 1) {
          throw new IllegalArgumentException("unsupported WAV encoding " + format
              + ": only 16-bit PCM is supported");
        }
        if (bits != 16) {
          throw new IllegalArgumentException("unsupported WAV sample size " + bits
              + " bits: only 16-bit PCM is supported");
        }
        if (channels < 1 || rate < 1000 || rate > 192_000) {
          throw new IllegalArgumentException("invalid WAV header: channels=" + channels
              + " rate=" + rate);
        }
        long end = Math.min(b.length, body + size);
        int frameBytes = 2 * channels;
        int frames = (int) ((end - body) / frameBytes);
        byte[] out = new byte[frames * 2];
        for (int f = 0; f < frames; f++) {
          int sum = 0;
          for (int c = 0; c < channels; c++) {
            sum += bb.getShort(body + f * frameBytes + c * 2);
          }
          short v = (short) (sum / channels);
          out[2 * f] = (byte) v;
          out[2 * f + 1] = (byte) (v >> 8);
        }
        return new WavAudio(out, rate);
      }
      pos = (int) Math.min(Integer.MAX_VALUE, body + size + (size & 1));
    }
    throw new IllegalArgumentException("WAV file has no data chunk");
  }

  /** Linear-interpolation resampling of mono 16-bit LE PCM. */
  static byte[] resample(byte[] pcm, int from, int to) {
    if (from == to) {
      return pcm;
    }
    int n = pcm.length / 2;
    long outN = (long) n * to / from;
    byte[] out = new byte[(int) outN * 2];
    for (int i = 0; i < outN; i++) {
      double src = (double) i * from / to;
      int i0 = (int) src;
      int i1 = Math.min(n - 1, i0 + 1);
      double frac = src - i0;
      int s0 = (short) ((pcm[2 * i0] & 0xFF) | (pcm[2 * i0 + 1] << 8));
      int s1 = (short) ((pcm[2 * i1] & 0xFF) | (pcm[2 * i1 + 1] << 8));
      short v = (short) Math.round(s0 + (s1 - s0) * frac);
      out[2 * i] = (byte) v;
      out[2 * i + 1] = (byte) (v >> 8);
    }
    return out;
  }
}
