package io.voicewire.engine.local.internal.vad;

import io.voicewire.engine.local.internal.vad.OnnxConstants.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Silero VAD v5's 16 kHz network in plain Java, with the weights read from the published ONNX
 * file: a 256-point STFT magnitude (as a strided convolution with the model's own basis), four
 * 1-D convolutions with ReLU, an LSTM cell (PyTorch gate order i, f, g, o), ReLU, a 1×1
 * convolution and a sigmoid: 512-sample windows with the previous 64 samples as context, as in
 * the model's reference wrapper. It matches ONNX Runtime on the same file to about 1e-6
 * ({@code voicewire-vad-bench}'s {@code NetCheck}). Not thread safe: one per stream
 * ({@link #copy()} shares the read-only weights).
 */
public final class SileroNet {
  private static final String BRANCH = "If_0_then_branch__Inline_0__";
  /** Samples per window (32 ms at 16 kHz). */
  public static final int WINDOW = 512;
  /** Samples of the previous window prepended as context. */
  static final int CONTEXT = 64;
  private static final int PAD = 64;
  private static final int FFT = 256;
  private static final int HOP = 128;
  private static final int BINS = 129;
  private static final int HIDDEN = 128;

  private final Weights w;
  private final float[] h = new float[HIDDEN];
  private final float[] c = new float[HIDDEN];
  private final float[] context = new float[CONTEXT];
  // scratch
  private final float[] x = new float[CONTEXT + WINDOW + PAD];
  private final float[] gates = new float[4 * HIDDEN];
  private final HannFft fft = new HannFft(FFT);

  private SileroNet(Weights w) {
    this.w = w;
  }

  /** The network of a Silero VAD v5 ONNX file. */
  public static SileroNet load(Path onnx) throws IOException {
    return read(Files.readAllBytes(onnx));
  }

  /** The network of a Silero VAD v5 ONNX model's bytes. */
  public static SileroNet read(byte[] onnx) throws IOException {
    Map<String, Tensor> t = OnnxConstants.read(onnx);
    return new SileroNet(new Weights(t));
  }

  /** A fresh stream (zero state, no context) on the same weights. */
  public SileroNet copy() {
    return new SileroNet(w);
  }

  /** Speech probability of each whole 512-sample window of {@code samples} (16 kHz, ±1). */
  public float[] probabilities(float[] samples) {
    int n = samples.length / WINDOW;
    float[] out = new float[n];
    float[] win = new float[WINDOW];
    for (int i = 0; i < n; i++) {
      System.arraycopy(samples, i * WINDOW, win, 0, WINDOW);
      out[i] = step(win);
    }
    return out;
  }

  /** Speech probability of the next 512-sample window (16 kHz, ±1). */
  public float step(float[] window) {
    int n = CONTEXT + WINDOW;
    System.arraycopy(context, 0, x, 0, CONTEXT);
    System.arraycopy(window, 0, x, CONTEXT, WINDOW);
    System.arraycopy(window, WINDOW - CONTEXT, context, 0, CONTEXT);
    for (int j = 0; j < PAD; j++) { // reflect padding on the right
      x[n + j] = x[n - 2 - j];
    }
    int frames = (n + PAD - FFT) / HOP + 1;
    float[][] mag = new float[BINS][frames];
    for (int t = 0; t < frames; t++) {
      fft.magnitudes(x, t * HOP, mag, t);
    }
    float[][] y = conv(mag, w.conv[0], w.bias[0], 1);
    y = conv(y, w.conv[1], w.bias[1], 2);
    y = conv(y, w.conv[2], w.bias[2], 2);
    y = conv(y, w.conv[3], w.bias[3], 1);
    float[] in = new float[HIDDEN];
    for (int i = 0; i < HIDDEN; i++) {
      in[i] = y[i][0];
    }
    for (int g = 0; g < 4 * HIDDEN; g++) {
      gates[g] = w.bIh[g] + w.bHh[g] + dot(w.wIh[g], in, 0) + dot(w.wHh[g], h, 0);
    }
    float out = w.outBias;
    for (int i = 0; i < HIDDEN; i++) {
      float ig = sigmoid(gates[i]);
      float fg = sigmoid(gates[HIDDEN + i]);
      float gg = (float) Math.tanh(gates[2 * HIDDEN + i]);
      float og = sigmoid(gates[3 * HIDDEN + i]);
      c[i] = fg * c[i] + ig * gg;
      h[i] = og * (float) Math.tanh(c[i]);
      out += w.outWeight[i] * Math.max(0, h[i]);
    }
    return sigmoid(out);
  }

  private static float[][] conv(float[][] in, float[][][] k, float[] b, int stride) {
    int tin = in[0].length;
    int tout = (tin + 2 - 3) / stride + 1;
    float[][] out = new float[k.length][tout];
    for (int o = 0; o < k.length; o++) {
      for (int t = 0; t < tout; t++) {
        float s = b[o];
        int base = t * stride - 1;
        for (int ci = 0; ci < in.length; ci++) {
          float[] row = in[ci];
          float[] kk = k[o][ci];
          for (int j = 0; j < 3; j++) {
            int p = base + j;
            if (p >= 0 && p < tin) {
              s += kk[j] * row[p];
            }
          }
        }
        out[o][t] = Math.max(0, s);
      }
    }
    return out;
  }

  private static float dot(float[] a, float[] b, int off) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int i = 0;
    for (int end = a.length - 3; i < end; i += 4) { // four sums: independent chains for the CPU
      s0 += a[i] * b[off + i];
      s1 += a[i + 1] * b[off + i + 1];
      s2 += a[i + 2] * b[off + i + 2];
      s3 += a[i + 3] * b[off + i + 3];
    }
    for (; i < a.length; i++) {
      s0 += a[i] * b[off + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  private static float sigmoid(float v) {
    return (float) (1 / (1 + Math.exp(-v)));
  }

  /** The 16 kHz branch's weights, reshaped. */
  private static final class Weights {
    final float[][] basis;
    final float[][][][] conv = new float[4][][][];
    final float[][] bias = new float[4][];
    final float[][] wIh;
    final float[][] wHh;
    final float[] bIh;
    final float[] bHh;
    final float[] outWeight;
    final float outBias;

    Weights(Map<String, Tensor> t) throws IOException {
      basis = rows(get(t, "stft.forward_basis_buffer"), 2 * BINS);
      HannFft.checkBasis(basis, FFT);
      for (int i = 0; i < 4; i++) {
        Tensor k = get(t, "encoder." + i + ".reparam_conv.weight");
        int o = (int) k.dims()[0];
        int ci = (int) k.dims()[1];
        conv[i] = new float[o][ci][3];
        for (int a = 0; a < o; a++) {
          for (int b2 = 0; b2 < ci; b2++) {
            System.arraycopy(k.data(), (a * ci + b2) * 3, conv[i][a][b2], 0, 3);
          }
        }
        bias[i] = get(t, "encoder." + i + ".reparam_conv.bias").data();
      }
      wIh = rows(get(t, "decoder.rnn.weight_ih"), 4 * HIDDEN);
      wHh = rows(get(t, "decoder.rnn.weight_hh"), 4 * HIDDEN);
      bIh = get(t, "decoder.rnn.bias_ih").data();
      bHh = get(t, "decoder.rnn.bias_hh").data();
      outWeight = get(t, "decoder.decoder.2.weight").data();
      outBias = get(t, "decoder.decoder.2.bias").data()[0];
    }

    private static Tensor get(Map<String, Tensor> t, String name) throws IOException {
      Tensor v = t.get(BRANCH + name);
      if (v == null) {
        throw new IOException("not a Silero VAD v5 model: no " + name);
      }
      return v;
    }

    private static float[][] rows(Tensor t, int n) {
      int len = t.data().length / n;
      float[][] r = new float[n][len];
      for (int i = 0; i < n; i++) {
        System.arraycopy(t.data(), i * len, r[i], 0, len);
      }
      return r;
    }
  }
}
