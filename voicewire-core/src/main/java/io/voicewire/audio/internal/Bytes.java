package io.voicewire.audio.internal;

/** Little helpers on byte arrays for the codecs. Stateless and thread safe. */
final class Bytes {
  private Bytes() {}

  static byte[] concat(byte[] a, byte[] b) {
    if (a.length == 0) {
      return b;
    }
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static int le16(byte[] b, int p) {
    return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
  }

  static int le32(byte[] b, int p) {
    return le16(b, p) | le16(b, p + 2) << 16;
  }

  /** Mono 16-bit little-endian PCM from {@code n} samples, averaging two channels if given. */
  static byte[] pcm(short[] left, short[] right, int n, boolean stereo) {
    byte[] out = new byte[n * 2];
    for (int i = 0; i < n; i++) {
      int s = stereo ? (left[i] + right[i]) / 2 : left[i];
      out[2 * i] = (byte) s;
      out[2 * i + 1] = (byte) (s >> 8);
    }
    return out;
  }
}
