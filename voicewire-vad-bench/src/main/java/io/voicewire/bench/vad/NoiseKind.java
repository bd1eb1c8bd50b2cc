package io.voicewire.bench.vad;

import java.util.SplittableRandom;

/** Background noises, generated from a seed (no recording ships that we could use). */
enum NoiseKind {
  /** Flat spectrum. */
  WHITE,
  /** 1/f spectrum (Paul Kellet's filter): fans, air conditioning, distant traffic. */
  PINK,
  /** 1/f² (integrated white): rumble, a car interior. */
  BROWN,
  /** 50 Hz mains hum with harmonics over pink noise: a cheap microphone near power. */
  HUM,
  /** Pink noise whose level swings ±6 dB every 0.5–2 s: a street or an open-plan office. */
  GUSTY;

  /** {@code n} samples of this noise at unit RMS. */
  float[] generate(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] out = new float[n];
    double b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0, brown = 0;
    double gain = 1;
    int nextSwing = 0;
    for (int i = 0; i < n; i++) {
      double w = r.nextGaussian();
      double pink;
      b0 = 0.99886 * b0 + w * 0.0555179;
      b1 = 0.99332 * b1 + w * 0.0750759;
      b2 = 0.96900 * b2 + w * 0.1538520;
      b3 = 0.86650 * b3 + w * 0.3104856;
      b4 = 0.55000 * b4 + w * 0.5329522;
      b5 = -0.7616 * b5 - w * 0.0168980;
      pink = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362;
      b6 = w * 0.115926;
      brown = 0.998 * brown + w * 0.05;
      out[i] = (float) switch (this) {
        case WHITE -> w;
        case PINK -> pink;
        case BROWN -> brown;
        case HUM -> pink * 0.5 + 2 * (Math.sin(2 * Math.PI * 50 * i / 16000.0)
            + 0.5 * Math.sin(2 * Math.PI * 100 * i / 16000.0)
            + 0.3 * Math.sin(2 * Math.PI * 150 * i / 16000.0));
        case GUSTY -> {
          if (i >= nextSwing) {
            gain = Math.pow(10, (r.nextDouble() * 12 - 6) / 20);
            nextSwing = i + 8000 + r.nextInt(24000);
          }
          yield pink * gain;
        }
      };
    }
    double s = 0;
    for (float v : out) {
      s += v * v;
    }
    float k = (float) (1 / Math.sqrt(s / n + 1e-20));
    for (int i = 0; i < n; i++) {
      out[i] *= k;
    }
    return out;
  }
}
