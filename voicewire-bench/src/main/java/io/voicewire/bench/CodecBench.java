package io.voicewire.bench;

import io.voicewire.audio.AudioConverter;
import io.voicewire.audio.AudioFormat;
import io.voicewire.audio.G711;
import io.voicewire.audio.Pcm16;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/** G.711 and format conversion per 20 ms chunk. */
public class CodecBench extends PerChunkBench {
  private byte[] pcm8k20ms;
  private byte[] ulaw20ms;
  private byte[] pcm48k20ms;
  private AudioConverter toUlaw;

  @Setup
  public void setup() {
    pcm8k20ms = Pcm16.fromFloat(sine(8000, 160), 0, 160);
    ulaw20ms = G711.ulawEncode(pcm8k20ms);
    pcm48k20ms = Pcm16.fromFloat(sine(48000, 960), 0, 960);
    toUlaw = AudioConverter.create(AudioFormat.PCM_48000, AudioFormat.ULAW_8000);
  }

  private static float[] sine(int rate, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * i / rate));
    }
    return x;
  }

  /** 160 samples of pcm_8000 to μ-law. */
  @Benchmark
  public byte[] ulawEncode20ms() {
    return G711.ulawEncode(pcm8k20ms);
  }

  /** 160 samples of pcm_8000 to A-law. */
  @Benchmark
  public byte[] alawEncode20ms() {
    return G711.alawEncode(pcm8k20ms);
  }

  /** 160 μ-law codes to pcm_8000. */
  @Benchmark
  public byte[] ulawDecode20ms() {
    return G711.ulawDecode(ulaw20ms);
  }

  /** pcm_48000 → ulaw_8000 (decode, resample 6:1, encode), streaming. */
  @Benchmark
  public byte[] convertPcm48kToUlaw8k20ms() {
    return toUlaw.convert(pcm48k20ms);
  }
}
