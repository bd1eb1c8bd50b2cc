package io.voicewire.audio.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The filter design of the {@link PolyphaseResampler}: the immutable windowed-sinc taps of one
 * reduced ratio {@code up/down}, {@code taps} per phase, {@code phases} rows (one more when not
 * {@code exact}: the tables of large {@code up} are interpolated between rows). Each row is
 * {@code g(τ) = 2f·sinc(2fτ)·kaiser(τ / H)} sampled at its phase and scaled to sum to 1.
 *
 * <p>Immutable (the {@code coef} array is never written after design) and shared through a
 * concurrent cache; thread safe.
 *
 * @param coef {@code rows × taps} coefficients, row-major
 */
record PolyphaseTable(int up, int down, int taps, int phases, boolean exact, float[] coef) {
  /** Zero crossings of the sinc on each side, counted at the lower of the two rates. */
  static final int ZERO_CROSSINGS = 24;
  /** Kaiser β for about 80 dB stop-band attenuation. */
  static final double KAISER_BETA = 7.857;
  /** Cut-off as a fraction of the lower Nyquist frequency: the stop band starts at Nyquist. */
  static final double CUTOFF = 0.448 / 0.5;

  private static final ConcurrentHashMap<Long, PolyphaseTable> TABLES = new ConcurrentHashMap<>();

  /** The (shared, cached) table of the reduced ratio {@code up/down}. */
  static PolyphaseTable of(int up, int down) {
    return TABLES.computeIfAbsent(((long) up << 32) | down, k -> design(up, down));
  }

  /**
   * Designs the taps of the reduced ratio {@code up/down}: exact phases up to
   * {@link PolyphaseResampler#MAX_EXACT_PHASES}, else
   * {@link PolyphaseResampler#INTERPOLATED_PHASES} (plus one) to interpolate between.
   */
  static PolyphaseTable design(int up, int down) {
    // cut-off in cycles per input sample, half-length H in input samples
    double ratio = Math.min(1.0, (double) up / down);
    double fc = 0.5 * CUTOFF * ratio;
    int half = (int) Math.ceil(ZERO_CROSSINGS / ratio);
    int taps = 2 * half;
    boolean exact = up <= PolyphaseResampler.MAX_EXACT_PHASES;
    int phases = exact ? up : PolyphaseResampler.INTERPOLATED_PHASES;
    // interpolated tables carry one extra phase (p = phases, i.e. the next integer position)
    int rows = exact ? phases : phases + 1;
    float[] coef = new float[rows * taps];
    double i0beta = besselI0(KAISER_BETA);
    for (int p = 0; p < rows; p++) {
      double frac = (double) p / phases;
      double[] row = new double[taps];
      double sum = 0;
      for (int k = 0; k < taps; k++) {
        double tau = frac + half - 1 - k;
        double x = tau / half;
        double w = Math.abs(x) >= 1 ? 0 : besselI0(KAISER_BETA * Math.sqrt(1 - x * x)) / i0beta;
        double arg = 2 * fc * tau;
        double sinc = arg == 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
        row[k] = 2 * fc * sinc * w;
        sum += row[k];
      }
      for (int k = 0; k < taps; k++) {
        coef[p * taps + k] = (float) (row[k] / sum);
      }
    }
    return new PolyphaseTable(up, down, taps, phases, exact, coef);
  }

  /** Zeroth-order modified Bessel function of the first kind, by its power series. */
  static double besselI0(double x) {
    double sum = 1;
    double term = 1;
    double q = x * x / 4;
    for (int k = 1; k < 200; k++) {
      term *= q / ((double) k * k);
      sum += term;
      if (term < sum * 1e-17) {
        break;
      }
    }
    return sum;
  }
}
