package io.voicewire.engine.local.internal.vad;

import java.io.IOException;

/**
 * Magnitudes of the DFT of a periodic-Hann-windowed frame, by a radix-2 FFT. Silero's STFT is a
 * convolution with exactly this basis ({@link #checkBasis} verifies it on load), so the FFT gives
 * the same numbers for a fraction of the work. Not thread safe.
 */
final class HannFft {
  private final int n;
  private final float[] window;
  private final float[] cos;
  private final float[] sin;
  private final int[] reverse;
  private final float[] re;
  private final float[] im;

  HannFft(int n) {
    this.n = n;
    window = new float[n];
    cos = new float[n / 2];
    sin = new float[n / 2];
    reverse = new int[n];
    re = new float[n];
    im = new float[n];
    int bits = Integer.numberOfTrailingZeros(n);
    for (int i = 0; i < n; i++) {
      window[i] = (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * i / n));
      reverse[i] = Integer.reverse(i) >>> (32 - bits);
    }
    for (int i = 0; i < n / 2; i++) {
      cos[i] = (float) Math.cos(2 * Math.PI * i / n);
      sin[i] = (float) -Math.sin(2 * Math.PI * i / n);
    }
  }

  /** Writes |X[k]| for k = 0..n/2 of {@code x[off..off+n)} into {@code out[k][col]}. */
  void magnitudes(float[] x, int off, float[][] out, int col) {
    for (int i = 0; i < n; i++) {
      int r = reverse[i];
      re[r] = x[off + i] * window[i];
      im[r] = 0;
    }
    for (int size = 2; size <= n; size <<= 1) {
      int half = size >> 1;
      int step = n / size;
      for (int start = 0; start < n; start += size) {
        for (int j = 0; j < half; j++) {
          float wr = cos[j * step];
          float wi = sin[j * step];
          int a = start + j;
          int b = a + half;
          float tr = re[b] * wr - im[b] * wi;
          float ti = re[b] * wi + im[b] * wr;
          re[b] = re[a] - tr;
          im[b] = im[a] - ti;
          re[a] += tr;
          im[a] += ti;
        }
      }
    }
    for (int k = 0; k <= n / 2; k++) {
      out[k][col] = (float) Math.sqrt(re[k] * re[k] + im[k] * im[k]);
    }
  }

  /** Fails unless {@code basis} (rows: n/2+1 real, then n/2+1 imaginary) is a periodic-Hann DFT. */
  static void checkBasis(float[][] basis, int n) throws IOException {
    int bins = n / 2 + 1;
    for (int k = 0; k < bins; k++) {
      for (int i = 0; i < n; i++) {
        double w = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / n);
        double a = 2 * Math.PI * k * i / n;
        if (Math.abs(basis[k][i] - w * Math.cos(a)) > 1e-5
            || Math.abs(Math.abs(basis[k + bins][i]) - Math.abs(w * Math.sin(a))) > 1e-5) {
          throw new IOException("the model's STFT basis is not a Hann-windowed DFT");
        }
      }
    }
  }
}
