package io.voicewire.testing;

import io.voicewire.audio.Pcm16;
import java.util.Random;

/**
 * Test signals synthesized in code, and measurements on them. Shared with other modules' tests
 * through voicewire-core's test jar. Every generator that uses randomness takes a seed.
 */
public final class Signals {
  private Signals() {}

  /** {@code n} samples of {@code amp·sin(2π·freq·t + phase)} at {@code rate}. */
  public static float[] sine(double freq, double amp, int rate, int n) {
    return sine(freq, amp, rate, n, 0);
  }

  /** A sine with a start phase in radians. */
  public static float[] sine(double freq, double amp, int rate, int n, double phase) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (amp * Math.sin(2 * Math.PI * freq * i / rate + phase));
    }
    return x;
  }

  /** Gaussian white noise with the given RMS. */
  public static float[] whiteNoise(double rms, int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (r.nextGaussian() * rms);
    }
    return x;
  }

  /** Pink (1/f) noise by Paul Kellett's filter on white noise, scaled to the given RMS. */
  public static float[] pinkNoise(double rms, int n, long seed) {
    Random r = new Random(seed);
    double b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double w = r.nextGaussian();
      b0 = 0.99886 * b0 + w * 0.0555179;
      b1 = 0.99332 * b1 + w * 0.0750759;
      b2 = 0.96900 * b2 + w * 0.1538520;
      b3 = 0.86650 * b3 + w * 0.3104856;
      b4 = 0.55000 * b4 + w * 0.5329522;
      b5 = -0.7616 * b5 - w * 0.0168980;
      y[i] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362;
      b6 = w * 0.115926;
    }
    return scaleTo(y, rms);
  }

  /**
   * A speech-like signal: a glottal-pulse-ish harmonic source (fundamental gliding around
   * {@code f0} with vibrato, harmonics falling off at 12 dB/octave) shaped by three formant
   * resonators that move per syllable, amplitude-modulated at a syllable rate of about 4 Hz with
   * short unvoiced (noise) bursts between syllables. Peak-ish level set by {@code rms}.
   */
  public static float[] speechLike(double f0, double rms, int rate, int n, long seed) {
    Random r = new Random(seed);
    double[] src = new double[n];
    double phase = 0;
    double[][] vowels = {{700, 1200, 2500}, {300, 2300, 3000}, {500, 900, 2400},
        {400, 1900, 2600}, {600, 1000, 2450}};
    double syllableSec = 0.22 + 0.06 * r.nextDouble();
    int vowel = 0;
    double[] y = new double[n];
    Resonator[] formants = new Resonator[3];
    for (int k = 0; k < 3; k++) {
      formants[k] = new Resonator(vowels[0][k], 80 + 40 * k, rate);
    }
    double syllableStart = 0;
    for (int i = 0; i < n; i++) {
      double t = (double) i / rate;
      if (t - syllableStart >= syllableSec) {
        syllableStart = t;
        syllableSec = 0.18 + 0.12 * r.nextDouble();
        vowel = (vowel + 1 + r.nextInt(vowels.length - 1)) % vowels.length;
        for (int k = 0; k < 3; k++) {
          formants[k].tune(vowels[vowel][k], 80 + 40 * k, rate);
        }
      }
      double u = (t - syllableStart) / syllableSec; // 0..1 within the syllable
      double f = f0 * (1 + 0.08 * Math.sin(2 * Math.PI * 0.7 * t) + 0.01 * Math.sin(2 * Math.PI * 5.5 * t));
      phase += 2 * Math.PI * f / rate;
      double s = 0;
      int harmonics = (int) Math.min(40, (rate / 2.0 - 200) / f);
      for (int h = 1; h <= harmonics; h++) {
        s += Math.sin(h * phase) / (h * (double) h) * 4;
      }
      // syllable envelope: voiced nucleus rising and falling, consonant noise at the onset
      double env = Math.pow(Math.sin(Math.PI * Math.min(1, Math.max(0, (u - 0.1) / 0.85))), 0.6);
      double noise = u < 0.1 ? 0.3 * r.nextGaussian() : 0;
      src[i] = s * env + noise;
      double v = 0;
      for (Resonator fr : formants) {
        v += fr.next(src[i]);
      }
      y[i] = v;
    }
    return scaleTo(y, rms);
  }

  /** Two-pole resonator (formant filter) with unity-ish peak gain. */
  private static final class Resonator {
    private double a1;
    private double a2;
    private double g;
    private double y1;
    private double y2;

    Resonator(double freq, double bw, int rate) {
      tune(freq, bw, rate);
    }

    void tune(double freq, double bw, int rate) {
      double rr = Math.exp(-Math.PI * bw / rate);
      a1 = 2 * rr * Math.cos(2 * Math.PI * freq / rate);
      a2 = -rr * rr;
      g = 1 - rr;
    }

    double next(double x) {
      double y = g * x + a1 * y1 + a2 * y2;
      y2 = y1;
      y1 = y;
      return y;
    }
  }

  private static float[] scaleTo(double[] y, double rms) {
    double sum = 0;
    for (double v : y) {
      sum += v * v;
    }
    double k = sum == 0 ? 0 : rms / Math.sqrt(sum / y.length);
    float[] out = new float[y.length];
    for (int i = 0; i < y.length; i++) {
      out[i] = (float) (y[i] * k);
    }
    return out;
  }

  /** Concatenates signals. */
  public static float[] concat(float[]... parts) {
    int n = 0;
    for (float[] p : parts) {
      n += p.length;
    }
    float[] out = new float[n];
    int o = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }

  /** Concatenates byte arrays. */
  public static byte[] concatBytes(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** Sample-wise sum; the result has the length of the longer input. */
  public static float[] mix(float[] a, float[] b) {
    float[] out = new float[Math.max(a.length, b.length)];
    for (int i = 0; i < out.length; i++) {
      out[i] = (i < a.length ? a[i] : 0) + (i < b.length ? b[i] : 0);
    }
    return out;
  }

  /** {@code n} zeros. */
  public static float[] silence(int n) {
    return new float[n];
  }

  /** Float samples as 16-bit little-endian PCM. */
  public static byte[] pcm(float[] x) {
    return Pcm16.fromFloat(x, 0, x.length);
  }

  /** RMS of {@code x[from, to)}. */
  public static double rms(float[] x, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += (double) x[i] * x[i];
    }
    return Math.sqrt(s / Math.max(1, to - from));
  }

  /**
   * Signal-to-noise ratio in dB of {@code actual} against {@code reference} over
   * {@code [from, to)}: {@code 10·log10(Σref² / Σ(actual − ref)²)}.
   */
  public static double snrDb(float[] reference, float[] actual, int from, int to) {
    double sig = 0;
    double err = 0;
    for (int i = from; i < to; i++) {
      sig += (double) reference[i] * reference[i];
      double d = (double) actual[i] - reference[i];
      err += d * d;
    }
    return 10 * Math.log10(sig / Math.max(err, 1e-300));
  }

  /**
   * Amplitude of the {@code freq} component of {@code x[from, to)} (single-bin DFT with a Hann
   * window, amplitude-corrected).
   */
  public static double toneAmplitude(float[] x, int from, int to, double freq, int rate) {
    double re = 0;
    double im = 0;
    double wsum = 0;
    int n = to - from;
    for (int i = 0; i < n; i++) {
      double w = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (n - 1));
      double a = 2 * Math.PI * freq * (from + i) / rate;
      re += w * x[from + i] * Math.cos(a);
      im += w * x[from + i] * Math.sin(a);
      wsum += w;
    }
    return 2 * Math.hypot(re, im) / wsum;
  }
}
