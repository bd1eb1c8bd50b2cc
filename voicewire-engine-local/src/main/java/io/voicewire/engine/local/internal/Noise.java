package io.voicewire.engine.local.internal;

import java.util.SplittableRandom;

/**
 * Synthetic signals for the decoders: quiet dither where a decoder needs a lead-in of "silence"
 * that is not digital zero, and a voiced buzz that its speech detector takes for speech.
 */
final class Noise {
  private Noise() {}

  /**
   * {@code millis} of 16-bit mono PCM at {@code rate} with samples uniform in [-2, 2]
   * (about -80 dBFS): quiet enough to be silence for every detector, and never log(0) for
   * Sphinx's filter bank. Deterministic for a given seed.
   */
  static byte[] quiet(int rate, int millis, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int n = rate * millis / 1000;
    byte[] out = new byte[n * 2];
    for (int i = 0; i < n; i++) {
      int v = r.nextInt(5) - 2;
      out[2 * i] = (byte) v;
      out[2 * i + 1] = (byte) (v >> 8);
    }
    return out;
  }

  /**
   * A second of speech-like sound for warming up a decoder when no synthesized speech is at hand:
   * 300 ms of quiet, 600 ms of a buzz at 120 Hz with vowel-like formants (about -12 dBFS), then
   * quiet again. Sphinx's speech classifier takes the buzz for speech, which initializes the
   * front end's cepstral mean: a decoder whose first stream has no speech at all fails later with
   * a NullPointerException in {@code LiveCMN}.
   */
  static byte[] buzz(int rate) {
    byte[] lead = quiet(rate, 300, 7);
    int n = rate * 600 / 1000;
    byte[] voiced = new byte[n * 2];
    double[] formants = {700, 1200, 2600};
    for (int i = 0; i < n; i++) {
      double t = (double) i / rate;
      double v = 0;
      for (int h = 1; h * 120 < rate / 2; h++) {
        double f = h * 120.0;
        double gain = 0;
        for (double fm : formants) {
          gain += 1.0 / (1 + Math.pow((f - fm) / 150, 2));
        }
        v += gain / h * Math.sin(2 * Math.PI * f * t);
      }
      double envelope = Math.min(1, Math.min(i, n - i) / (0.05 * rate));
      int s = (int) Math.round(Math.max(-1, Math.min(1, v * 0.25)) * envelope * 32767 * 0.5);
      voiced[2 * i] = (byte) s;
      voiced[2 * i + 1] = (byte) (s >> 8);
    }
    byte[] tail = quiet(rate, 300, 8);
    byte[] out = new byte[lead.length + voiced.length + tail.length];
    System.arraycopy(lead, 0, out, 0, lead.length);
    System.arraycopy(voiced, 0, out, lead.length, voiced.length);
    System.arraycopy(tail, 0, out, lead.length + voiced.length, tail.length);
    return out;
  }
}
