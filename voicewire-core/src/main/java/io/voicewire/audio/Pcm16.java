package io.voicewire.audio;

import java.util.Objects;

/**
 * Conversions for 16-bit signed linear PCM, the sample format of every {@code pcm_*} wire format.
 *
 * <p>Float samples are in the range [-1, 1): a 16-bit value {@code s} maps to {@code s / 32768f}
 * and back by rounding {@code x * 32768} to the nearest integer and clamping to
 * [-32768, 32767], so {@code fromFloat(toFloat(b))} returns {@code b} exactly.
 *
 * <p>Byte lengths must be even (whole samples); the methods check their arguments and throw
 * {@link IllegalArgumentException} or {@link IndexOutOfBoundsException} with the offending values.
 * Stateless and thread safe.
 *
 * <pre>{@code
 * float[] x = Pcm16.toFloat(chunk, 0, chunk.length);
 * byte[] back = Pcm16.fromFloat(x, 0, x.length);
 * }</pre>
 */
public final class Pcm16 {
  /** Scale between a 16-bit sample and a float sample. */
  public static final float SCALE = 32768f;

  private Pcm16() {}

  /** Little-endian 16-bit samples of {@code pcm16le[off, off+len)} as floats in [-1, 1). */
  public static float[] toFloat(byte[] pcm16le, int off, int len) {
    checkEvenRange(pcm16le, off, len);
    float[] out = new float[len >> 1];
    toFloat(pcm16le, off, len, out, 0);
    return out;
  }

  /**
   * Decodes {@code len} bytes into {@code out} starting at {@code outOff} without allocating.
   *
   * @return the number of samples written ({@code len / 2})
   */
  public static int toFloat(byte[] pcm16le, int off, int len, float[] out, int outOff) {
    checkEvenRange(pcm16le, off, len);
    int n = len >> 1;
    Objects.checkFromIndexSize(outOff, n, out.length);
    for (int i = 0, j = off; i < n; i++, j += 2) {
      out[outOff + i] = (short) ((pcm16le[j] & 0xFF) | (pcm16le[j + 1] << 8)) / SCALE;
    }
    return n;
  }

  /** Encodes float samples as 16-bit little-endian PCM, rounding and clamping (NaN → 0). */
  public static byte[] fromFloat(float[] samples, int off, int len) {
    Objects.requireNonNull(samples, "samples == null");
    Objects.checkFromIndexSize(off, len, samples.length);
    byte[] out = new byte[len * 2];
    fromFloat(samples, off, len, out, 0);
    return out;
  }

  /**
   * Encodes {@code len} float samples into {@code out} at {@code outOff} without allocating.
   *
   * @return the number of bytes written ({@code 2 * len})
   */
  public static int fromFloat(float[] samples, int off, int len, byte[] out, int outOff) {
    Objects.checkFromIndexSize(off, len, samples.length);
    Objects.checkFromIndexSize(outOff, len * 2, out.length);
    for (int i = 0, j = outOff; i < len; i++, j += 2) {
      int s = toShort(samples[off + i]);
      out[j] = (byte) s;
      out[j + 1] = (byte) (s >> 8);
    }
    return len * 2;
  }

  /** One float sample as a 16-bit value: {@code round(x * 32768)} clamped; NaN gives 0. */
  public static short toShort(float x) {
    float v = x * SCALE;
    // Math.round(NaN) == 0; clamping before the cast keeps large values from wrapping
    if (v >= 32767f) {
      return Short.MAX_VALUE;
    }
    if (v <= -32768f) {
      return Short.MIN_VALUE;
    }
    return (short) Math.round(v);
  }

  /** Little-endian 16-bit samples of {@code le[off, off+len)} as shorts. */
  public static short[] toShorts(byte[] le, int off, int len) {
    checkEvenRange(le, off, len);
    short[] out = new short[len >> 1];
    for (int i = 0, j = off; i < out.length; i++, j += 2) {
      out[i] = (short) ((le[j] & 0xFF) | (le[j + 1] << 8));
    }
    return out;
  }

  /** Shorts {@code s[off, off+len)} as little-endian bytes. */
  public static byte[] fromShorts(short[] s, int off, int len) {
    Objects.requireNonNull(s, "s == null");
    Objects.checkFromIndexSize(off, len, s.length);
    byte[] out = new byte[len * 2];
    for (int i = 0, j = 0; i < len; i++, j += 2) {
      short v = s[off + i];
      out[j] = (byte) v;
      out[j + 1] = (byte) (v >> 8);
    }
    return out;
  }

  /**
   * Swaps the byte order of every 16-bit sample (big-endian ↔ little-endian), e.g. for engines
   * such as FreeTTS that produce big-endian PCM. Returns a new array.
   */
  public static byte[] swapEndian(byte[] in) {
    checkEvenRange(in, 0, in == null ? 0 : in.length);
    byte[] out = new byte[in.length];
    for (int i = 0; i < in.length; i += 2) {
      out[i] = in[i + 1];
      out[i + 1] = in[i];
    }
    return out;
  }

  /**
   * The RMS level of 16-bit little-endian PCM in dB relative to full scale, where a full-scale
   * square wave is 0 dBFS (so a full-scale sine reads −3.01 dBFS). Silence and empty input give
   * {@link Double#NEGATIVE_INFINITY}.
   */
  public static double rmsDbfs(byte[] pcm16le) {
    checkEvenRange(pcm16le, 0, pcm16le == null ? 0 : pcm16le.length);
    int n = pcm16le.length >> 1;
    if (n == 0) {
      return Double.NEGATIVE_INFINITY;
    }
    double sum = 0;
    for (int j = 0; j < pcm16le.length; j += 2) {
      int s = (short) ((pcm16le[j] & 0xFF) | (pcm16le[j + 1] << 8));
      sum += (double) s * s;
    }
    if (sum == 0) {
      return Double.NEGATIVE_INFINITY;
    }
    return 10 * Math.log10(sum / n / (32768.0 * 32768.0));
  }

  static void checkEvenRange(byte[] b, int off, int len) {
    Objects.requireNonNull(b, "pcm == null");
    Objects.checkFromIndexSize(off, len, b.length);
    if ((len & 1) != 0) {
      throw new IllegalArgumentException("16-bit PCM needs an even byte count: " + len);
    }
  }
}
