package io.voicewire.engine.local.internal;

import java.util.SplittableRandom;

/** Quiet dither noise, used where a decoder needs a lead-in of "silence" that is not digital zero. */
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
}
