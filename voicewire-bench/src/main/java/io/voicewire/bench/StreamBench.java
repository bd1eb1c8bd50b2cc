package io.voicewire.bench;

import io.voicewire.audio.AudioFormat;
import io.voicewire.audio.Pcm16;
import io.voicewire.audio.buffer.JitterBufferConfig;
import io.voicewire.audio.buffer.OverflowPolicy;
import io.voicewire.audio.buffer.SpscJitterBuffer;
import io.voicewire.audio.vad.VadEvent;
import io.voicewire.audio.vad.VoiceActivityDetector;
import io.voicewire.speech.VadParams;
import java.util.List;
import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/** Per-20 ms work of a live stream: jitter-buffer offer + read, voice-activity detection. */
public class StreamBench extends PerChunkBench {
  private SpscJitterBuffer buffer;
  private long now;
  private byte[] frame;
  private byte[] out;
  private VoiceActivityDetector vad;
  private byte[][] speechFrames;
  private int next;

  @Setup
  public void setup() {
    buffer = new SpscJitterBuffer(JitterBufferConfig.of(AudioFormat.PCM_16000,
        OverflowPolicy.DROP_OLDEST), () -> now);
    frame = new byte[640];
    out = new byte[640];
    for (int i = 0; i < 4; i++) { // 80 ms in flight, playing
      buffer.offer(frame);
    }
    buffer.read(out, 0, 640);
    vad = new VoiceActivityDetector(16000, VadParams.DEFAULT);
    // 2 s of noisy, amplitude-modulated tone, so the detector moves between states
    Random r = new Random(1);
    float[] x = new float[32000];
    for (int i = 0; i < x.length; i++) {
      double env = Math.max(0, Math.sin(2 * Math.PI * 2 * i / 16000.0));
      x[i] = (float) (0.3 * env * Math.sin(2 * Math.PI * 180 * i / 16000.0)
          + 0.003 * r.nextGaussian());
    }
    speechFrames = new byte[100][];
    for (int f = 0; f < 100; f++) {
      speechFrames[f] = Pcm16.fromFloat(x, f * 320, 320);
    }
  }

  /** One 20 ms frame in from the network and one out to the audio device. */
  @Benchmark
  public int jitterOfferAndRead20ms() {
    now += 20;
    buffer.offer(frame, 0, frame.length, now);
    return buffer.read(out, 0, out.length);
  }

  /** One 20 ms frame of pcm_16000 through the VAD (two 10 ms analysis frames). */
  @Benchmark
  public List<VadEvent> vad20ms() {
    byte[] f = speechFrames[next];
    next = (next + 1) % speechFrames.length;
    return vad.process(f);
  }
}
