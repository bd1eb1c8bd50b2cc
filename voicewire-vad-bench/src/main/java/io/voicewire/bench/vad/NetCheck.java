package io.voicewire.bench.vad;

import io.voicewire.engine.local.internal.vad.SileroNet;
import java.nio.file.Path;
import java.util.List;

/** The plain-Java network against ONNX Runtime on the same audio: largest probability difference. */
public final class NetCheck {
  private NetCheck() {}

  public static void main(String[] args) throws Exception {
    Path model = Path.of(args[0]);
    SileroNet net = SileroNet.load(model);
    for (int round = 1; round <= 3; round++) { // the last round is warm
      System.out.print("round " + round + ": ");
      run(model, net);
    }
  }

  private static void run(Path model, SileroNet net) throws Exception {
    double worst = 0;
    long n = 0;
    long javaNanos = 0;
    long ortNanos = 0;
    double seconds = 0;
    for (String clip : VadBench.DEFAULT_CLIPS) {
      float[] a = SpeechClips.load(Path.of(VadBench.DEBIAN_TEST_DATA, clip));
      for (NoiseKind noise : List.of(NoiseKind.PINK)) {
        float[] nz = noise.generate(a.length, 7);
        for (int i = 0; i < a.length; i++) {
          a[i] += 0.01f * nz[i];
        }
      }
      float[] p1;
      float[] p2;
      long t0 = System.nanoTime();
      p1 = net.copy().probabilities(a);
      long t1 = System.nanoTime();
      try (SileroVad ort = new SileroVad(model)) {
        long t2 = System.nanoTime();
        p2 = ort.probabilities(a);
        ortNanos += System.nanoTime() - t2;
      }
      javaNanos += t1 - t0;
      seconds += a.length / 16000.0;
      for (int i = 0; i < p1.length; i++) {
        worst = Math.max(worst, Math.abs(p1[i] - p2[i]));
        n++;
      }
    }
    System.out.printf("%d windows, max |p_java - p_ort| = %.2e; wall ms per audio s: java %.2f, ORT %.2f%n",
        n, worst, javaNanos / 1e6 / seconds, ortNanos / 1e6 / seconds);
  }
}
