package io.voicewire.bench.vad;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * Silero VAD v5 (ONNX) run with ONNX Runtime: speech probability per 32 ms window of 16 kHz audio.
 * The window is fed with the previous 64 samples as context, as the model's reference wrapper
 * does. Not thread safe: one per stream.
 */
final class SileroVad implements AutoCloseable {
  static final int RATE = 16_000;
  static final int WINDOW = 512;
  static final int CONTEXT = 64;
  static final int WINDOW_MS = WINDOW * 1000 / RATE;

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private float[] state = new float[2 * 128];
  private final float[] context = new float[CONTEXT];

  SileroVad(Path model) throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(1);
    options.setInterOpNumThreads(1);
    session = env.createSession(model.toString(), options);
  }

  /** Probabilities of speech for each whole 512-sample window of {@code samples} (16 kHz, ±1). */
  float[] probabilities(float[] samples) throws OrtException {
    int n = samples.length / WINDOW;
    float[] out = new float[n];
    float[] input = new float[CONTEXT + WINDOW];
    for (int w = 0; w < n; w++) {
      System.arraycopy(context, 0, input, 0, CONTEXT);
      System.arraycopy(samples, w * WINDOW, input, CONTEXT, WINDOW);
      System.arraycopy(input, WINDOW, context, 0, CONTEXT);
      out[w] = step(input);
    }
    return out;
  }

  private float step(float[] input) throws OrtException {
    try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[] {1, input.length});
        OnnxTensor st = OnnxTensor.createTensor(env, FloatBuffer.wrap(state), new long[] {2, 1, 128});
        OnnxTensor sr = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[] {RATE}), new long[0]);
        OrtSession.Result r = session.run(Map.of("input", in, "state", st, "sr", sr))) {
      float p = ((float[][]) r.get(0).getValue())[0][0];
      float[][][] next = (float[][][]) r.get(1).getValue();
      float[] flat = new float[2 * 128];
      for (int i = 0; i < 2; i++) {
        System.arraycopy(next[i][0], 0, flat, i * 128, 128);
      }
      state = flat;
      return p;
    }
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
