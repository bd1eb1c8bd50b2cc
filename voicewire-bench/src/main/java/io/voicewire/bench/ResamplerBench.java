package io.voicewire.bench;

import io.voicewire.audio.Resampler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/** One 20 ms chunk through a streaming {@link Resampler}, steady state. */
public class ResamplerBench extends PerChunkBench {
  @Param({"16000:48000", "48000:16000", "44100:16000"})
  public String rates;

  private Resampler resampler;
  private float[] chunk;
  private float[] out;

  @Setup
  public void setup() {
    String[] p = rates.split(":");
    int from = Integer.parseInt(p[0]);
    int to = Integer.parseInt(p[1]);
    resampler = Resampler.create(from, to);
    chunk = new float[from / 50];
    for (int i = 0; i < chunk.length; i++) {
      chunk[i] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * i / from));
    }
    out = new float[resampler.maxOutput(chunk.length)];
  }

  /** Allocation-free variant (the one the converter uses). */
  @Benchmark
  public int chunk20ms() {
    return resampler.process(chunk, 0, chunk.length, out, 0);
  }

  /** The allocating convenience variant. */
  @Benchmark
  public float[] chunk20msAllocating() {
    return resampler.process(chunk, 0, chunk.length);
  }
}
