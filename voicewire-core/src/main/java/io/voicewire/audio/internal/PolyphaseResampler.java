package io.voicewire.audio.internal;

import io.voicewire.audio.Resampler;
import java.util.Arrays;
import java.util.Objects;

/**
 * Polyphase windowed-sinc resampler; see {@link Resampler} for the contract.
 *
 * <p>Model: the output at input-time {@code t} is {@code y(t) = Σ_i x[i] · g(t − i)} with
 * {@code g(τ) = 2f·sinc(2fτ)·kaiser(τ / H)}, {@code f} the cut-off in cycles per input sample and
 * {@code H} the half-length in input samples. With the ratio reduced to {@code L/M}, output
 * {@code n} sits at {@code t = n·M/L = i0 + p/L}; for each phase {@code p} the {@code K = 2H}
 * taps {@code g(p/L + H − 1 − k)}, {@code k = 0..K−1}, multiply the inputs
 * {@code x[i0 − H + 1 .. i0 + H]}. Each phase's taps are scaled to sum to 1 (exact unity gain at
 * DC). Inputs before the stream start and after its end are zeros.
 *
 * <p>Kernels: for integer interpolation ({@code M = 1}, e.g. 16 → 48 kHz) whole groups of
 * {@code L} outputs are computed phase by phase as axpy loops over consecutive outputs, which
 * the JIT vectorises; the per-output dot product of that case sums in the same order, so both
 * give identical bits. Integer decimation ({@code L = 1}, e.g. 48 → 16 kHz) de-interleaves the
 * {@code M} input phases and does the same. Other ratios (44.1 → 16 kHz) use a dot product with
 * four independent accumulators.
 *
 * <p>The taps come from {@link PolyphaseTable}; equal rates get an {@link IdentityResampler}.
 *
 * <p>This class is not thread safe; its coefficient tables are immutable and shared.
 */
public final class PolyphaseResampler implements Resampler {
  /** Largest reduced interpolation factor {@code L} with one exact tap set per phase. */
  public static final int MAX_EXACT_PHASES = 1024;
  /** Tap sets of the interpolated table used beyond {@link #MAX_EXACT_PHASES}. */
  public static final int INTERPOLATED_PHASES = 512;
  /** Highest rate accepted. */
  static final int MAX_RATE = 1_000_000;

  private final int fromRate;
  private final int toRate;
  private final PolyphaseTable table;
  private final int up;
  private final int down;
  private final int taps;
  private final int half;
  private final float[] coef;

  /** Input history: {@code buf[0]} is the input sample with absolute index {@code bufStart}. */
  private float[] buf;
  private int bufLen;
  private long bufStart;
  /** Centre of the next output: input index {@code i0} plus {@code phase / up}. */
  private long i0;
  private int phase;
  private long inCount;
  private long outCount;
  private float[] scratch = new float[0];

  private PolyphaseResampler(int fromRate, int toRate, PolyphaseTable table) {
    this.fromRate = fromRate;
    this.toRate = toRate;
    this.table = table;
    this.up = table.up();
    this.down = table.down();
    this.taps = table.taps();
    this.half = taps / 2;
    this.coef = table.coef();
    this.buf = new float[taps + 1024];
    reset();
  }

  /** Factory behind {@link Resampler#create(int, int)}. */
  public static Resampler create(int fromRate, int toRate) {
    checkRate("fromRate", fromRate);
    checkRate("toRate", toRate);
    if (fromRate == toRate) {
      return new IdentityResampler(fromRate);
    }
    int g = gcd(fromRate, toRate);
    int up = toRate / g;
    int down = fromRate / g;
    return new PolyphaseResampler(fromRate, toRate, PolyphaseTable.of(up, down));
  }

  private static void checkRate(String name, int rate) {
    if (rate < 1 || rate > MAX_RATE) {
      throw new IllegalArgumentException(name + " must be in range [1," + MAX_RATE + "]: " + rate);
    }
  }

  private static int gcd(int a, int b) {
    while (b != 0) {
      int t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  @Override
  public void reset() {
    // history before the stream start is silence: indices -(H-1) .. -1
    Arrays.fill(buf, 0f);
    bufLen = half - 1;
    bufStart = -(half - 1);
    i0 = 0;
    phase = 0;
    inCount = 0;
    outCount = 0;
  }

  @Override
  public int fromRate() {
    return fromRate;
  }

  @Override
  public int toRate() {
    return toRate;
  }

  @Override
  public int latencySamples() {
    return half;
  }

  @Override
  public int maxOutput(int inLen) {
    if (inLen < 0) {
      throw new IllegalArgumentException("inLen < 0: " + inLen);
    }
    // outputs ready = positions below (available + 1 - H); at most ceil((backlog + inLen) * L / M)
    return (int) Math.min(Integer.MAX_VALUE - 8,
        ((long) inLen + taps + 1) * up / down + 2);
  }

  @Override
  public float[] process(float[] in, int off, int len) {
    Objects.requireNonNull(in, "in == null");
    Objects.checkFromIndexSize(off, len, in.length);
    append(in, off, len);
    long ready = readyCount(bufStart + bufLen - 1);
    float[] out = new float[(int) ready];
    produce(out, 0, (int) ready);
    compact();
    return out;
  }

  @Override
  public int process(float[] in, int off, int len, float[] out, int outOff) {
    Objects.requireNonNull(in, "in == null");
    Objects.checkFromIndexSize(off, len, in.length);
    append(in, off, len);
    int ready = (int) readyCount(bufStart + bufLen - 1);
    Objects.checkFromIndexSize(outOff, ready, out.length);
    produce(out, outOff, ready);
    compact();
    return ready;
  }

  @Override
  public float[] flush() {
    // total outputs of the stream: positions n·M/L < N  ⇔  n < N·L/M
    long total = (inCount * up + down - 1) / down;
    int remaining = (int) (total - outCount);
    // pad with silence so the last output's taps are all available
    long lastNeeded = inCount - 1 + half; // every centre is < N, its last tap < N + H
    int pad = (int) Math.max(0, lastNeeded - (bufStart + bufLen - 1));
    ensureCapacity(pad);
    Arrays.fill(buf, bufLen, bufLen + pad, 0f);
    bufLen += pad;
    float[] out = new float[Math.max(0, remaining)];
    produce(out, 0, out.length);
    reset();
    return out;
  }

  /** Outputs whose last tap index ({@code i0 + H}) is at most {@code lastAvail}. */
  private long readyCount(long lastAvail) {
    long x = lastAvail - half; // largest admissible centre index
    if (x < i0) {
      return 0;
    }
    // count j ≥ 0 with i0·L + phase + j·M < (x + 1)·L
    long span = (x + 1 - i0) * up - phase;
    return (span + down - 1) / down;
  }

  private void append(float[] in, int off, int len) {
    ensureCapacity(len);
    System.arraycopy(in, off, buf, bufLen, len);
    bufLen += len;
    inCount += len;
  }

  private void ensureCapacity(int extra) {
    if (bufLen + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(bufLen + extra, buf.length * 2));
    }
  }

  /** Drops history no future output needs (before {@code i0 − H + 1}). */
  private void compact() {
    int drop = (int) (i0 - half + 1 - bufStart);
    if (drop > 0) {
      System.arraycopy(buf, drop, buf, 0, bufLen - drop);
      bufLen -= drop;
      bufStart += drop;
    }
  }

  private void produce(float[] out, int outOff, int count) {
    int j = 0;
    if (down == 1 && table.exact()) {
      // integer interpolation: every output of phase p in a run of whole groups uses the same
      // taps on consecutive inputs, so compute them together with an axpy loop the JIT turns
      // into SIMD; the per-output path uses the same summation order, so the results (and
      // chunked vs one-shot output) are bit-identical either way
      while (j < count && phase != 0) {
        out[outOff + j++] = single();
      }
      int groups = (count - j) / up;
      if (groups > 0) {
        interpolateGroups(out, outOff + j, groups);
        j += groups * up;
      }
    }
    if (up == 1 && table.exact() && taps % down == 0 && count > 1) {
      // integer decimation: the same trick on the M interleaved input phases
      decimateBlock(out, outOff, count);
      j = count;
    }
    for (; j < count; j++) {
      out[outOff + j] = single();
    }
    outCount += count;
  }

  /**
   * {@code count} outputs of an integer decimator ({@code up == 1}): with {@code k = m·M + q},
   * {@code y[n] = Σ_q Σ_m c[m·M+q] · x_q[n+m]} where {@code x_q[i] = x[b + i·M + q]}; each
   * input phase is de-interleaved once, then every tap is an axpy over consecutive outputs.
   */
  private void decimateBlock(float[] out, int outOff, int count) {
    final int m = down;
    final int sub = taps / m; // taps per input phase
    final int len = count + sub - 1;
    if (scratch.length < count + len) {
      scratch = new float[Math.max(count + len, scratch.length * 2)];
    }
    final float[] acc = scratch; // [0, count): sums; [count, count + len): one input phase
    final float[] x = buf;
    final int b = (int) (i0 - half + 1 - bufStart);
    Arrays.fill(acc, 0, count, 0f);
    for (int q = 0; q < m; q++) {
      for (int i = 0; i < len; i++) {
        acc[count + i] = x[b + i * m + q];
      }
      for (int mm = 0; mm < sub; mm++) {
        float ck = coef[mm * m + q];
        int xo = count + mm;
        for (int n = 0; n < count; n++) {
          acc[n] += ck * acc[xo + n];
        }
      }
    }
    System.arraycopy(acc, 0, out, outOff, count);
    i0 += (long) count * m;
  }

  /** One decimator output, summed in the order of {@link #decimateBlock}. */
  private static float dotDecimating(float[] x, int xo, float[] c, int n, int m) {
    float s = 0;
    int sub = n / m;
    for (int q = 0; q < m; q++) {
      for (int mm = 0; mm < sub; mm++) {
        s += c[mm * m + q] * x[xo + mm * m + q];
      }
    }
    return s;
  }

  /** The output at the current position, then advances by one output. */
  private float single() {
    final float[] c = coef;
    final int k = taps;
    int base = (int) (i0 - half + 1 - bufStart);
    float y;
    if (!table.exact()) {
      double pos = (double) phase * table.phases() / up;
      int p = (int) pos;
      float a = (float) (pos - p);
      float y0 = dot(buf, base, c, p * k, k);
      float y1 = dot(buf, base, c, (p + 1) * k, k);
      y = y0 + a * (y1 - y0);
    } else if (down == 1) {
      y = dotSequential(buf, base, c, phase * k, k);
    } else if (up == 1 && k % down == 0) {
      y = dotDecimating(buf, base, c, k, down);
    } else {
      y = dot(buf, base, c, phase * k, k);
    }
    phase += down;
    if (phase >= up) {
      i0 += phase / up;
      phase %= up;
    }
    return y;
  }

  /** {@code groups · up} outputs from phase 0 (requires {@code down == 1}). */
  private void interpolateGroups(float[] out, int outOff, int groups) {
    if (scratch.length < groups) {
      scratch = new float[Math.max(groups, scratch.length * 2)];
    }
    final float[] acc = scratch;
    final float[] x = buf;
    final int base0 = (int) (i0 - half + 1 - bufStart);
    for (int p = 0; p < up; p++) {
      Arrays.fill(acc, 0, groups, 0f);
      int co = p * taps;
      for (int k = 0; k < taps; k++) {
        float ck = coef[co + k];
        int xo = base0 + k;
        for (int g = 0; g < groups; g++) {
          acc[g] += ck * x[xo + g];
        }
      }
      for (int g = 0; g < groups; g++) {
        out[outOff + g * up + p] = acc[g];
      }
    }
    i0 += groups;
  }

  /** Dot product summed strictly in index order (matches {@link #interpolateGroups}). */
  private static float dotSequential(float[] x, int xo, float[] c, int co, int n) {
    float s = 0;
    for (int i = 0; i < n; i++) {
      s += c[co + i] * x[xo + i];
    }
    return s;
  }

  /** Dot product with four accumulators (independent chains let the CPU overlap the adds). */
  private static float dot(float[] x, int xo, float[] c, int co, int n) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += x[xo + i] * c[co + i];
      s1 += x[xo + i + 1] * c[co + i + 1];
      s2 += x[xo + i + 2] * c[co + i + 2];
      s3 += x[xo + i + 3] * c[co + i + 3];
    }
    for (; i < n; i++) {
      s0 += x[xo + i] * c[co + i];
    }
    return (s0 + s1) + (s2 + s3);
  }
}
