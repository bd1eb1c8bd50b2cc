package io.voicewire.stress;

import io.voicewire.audio.AudioFormat;
import io.voicewire.audio.buffer.JitterBufferConfig;
import io.voicewire.audio.buffer.OverflowPolicy;
import io.voicewire.audio.buffer.SpscJitterBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;

/**
 * jcstress tests of {@link SpscJitterBuffer}: one producer thread offers eight 20 ms chunks in
 * which every sample carries its own stream position (plus one; 0 is silence), one consumer
 * thread reads four 20 ms frames at the same time. Whatever the interleaving, each read must be
 * one run of consecutive positions followed by silence (a copy torn by an overwrite shows as a
 * jump inside the run), runs must only move forward (nothing replayed), and — with back-pressure —
 * nothing the producer was refused may be played. The arbiter reduces each run to {@code OK} or
 * the first violation.
 */
public final class JitterBufferStress {
  static final AudioFormat FORMAT = AudioFormat.PCM_8000;
  /** One 20 ms chunk at 8 kHz, in samples. */
  static final int CHUNK_SAMPLES = 160;
  static final int CHUNKS = 8;
  static final int READS = 4;

  private JitterBufferStress() {}

  static byte[][] chunks() {
    byte[][] c = new byte[CHUNKS][CHUNK_SAMPLES * 2];
    for (int i = 0; i < CHUNKS; i++) {
      for (int j = 0; j < CHUNK_SAMPLES; j++) {
        int v = i * CHUNK_SAMPLES + j + 1; // stream position + 1, little-endian
        c[i][2 * j] = (byte) v;
        c[i][2 * j + 1] = (byte) (v >>> 8);
      }
    }
    return c;
  }

  /** The shared state of one run. */
  abstract static class Run {
    final SpscJitterBuffer buf;
    final byte[][] chunks = chunks();
    final boolean[] accepted = new boolean[CHUNKS];
    final byte[] heard = new byte[READS * CHUNK_SAMPLES * 2];

    Run(OverflowPolicy policy, int maxBufferedMillis) {
      // no pre-roll (target 0), so reads race the offers from the first frame on
      buf = new SpscJitterBuffer(new JitterBufferConfig(FORMAT, 0, 20, 0, maxBufferedMillis,
          policy), () -> 0L);
    }

    void produce() {
      for (int i = 0; i < CHUNKS; i++) {
        accepted[i] = buf.offer(chunks[i], 0, chunks[i].length, 0L);
      }
    }

    void consume() {
      int frame = CHUNK_SAMPLES * 2;
      for (int r = 0; r < READS; r++) {
        buf.read(heard, r * frame, frame);
      }
    }

    String verdict() {
      int frame = CHUNK_SAMPLES;
      int last = 0;
      for (int r = 0; r < READS; r++) {
        int prev = 0;
        boolean silent = false;
        for (int j = 0; j < frame; j++) {
          int i = 2 * (r * frame + j);
          int v = (heard[i] & 0xFF) | (heard[i + 1] & 0xFF) << 8;
          if (v == 0) {
            silent = true; // pre-roll or underrun: the rest of this read is silence
            continue;
          }
          if (v > CHUNKS * CHUNK_SAMPLES) {
            return "GARBAGE in read " + r + " at " + j + ": " + v;
          }
          if (silent) {
            return "AUDIO AFTER SILENCE in read " + r + " at " + j + ": " + (v - 1);
          }
          if (prev != 0 && v != prev + 1) {
            return "JUMP in read " + r + " at " + j + ": position " + (prev - 1) + " then "
                + (v - 1);
          }
          if (prev == 0 && v <= last) {
            return "BACKWARDS in read " + r + ": position " + (v - 1) + " after " + (last - 1);
          }
          if (!accepted[(v - 1) / CHUNK_SAMPLES]) {
            return "REFUSED chunk " + (v - 1) / CHUNK_SAMPLES + " was played";
          }
          prev = v;
        }
        if (prev != 0) {
          last = prev;
        }
      }
      return "OK";
    }
  }

  /** Back-pressure (the TTS downlink): a full buffer refuses; nothing refused is ever played. */
  @JCStressTest
  @Description("SpscJitterBuffer, BACKPRESSURE: offers racing reads")
  @Outcome(id = "OK", expect = Expect.ACCEPTABLE, desc = "whole samples, in order")
  @Outcome(expect = Expect.FORBIDDEN, desc = "torn, reordered, replayed or refused audio")
  @State
  public static class Backpressure extends Run {
    public Backpressure() {
      super(OverflowPolicy.BACKPRESSURE, 20); // room for one chunk of the eight
    }

    @Actor
    public void producer() {
      produce();
    }

    @Actor
    public void consumer() {
      consume();
    }

    @Arbiter
    public void arbiter(L_Result r) {
      r.r1 = verdict();
    }
  }

  /**
   * Drop-oldest (the live uplink): the producer overwrites audio the consumer may be copying at
   * that moment; the consumer must discard the torn copy, never play it.
   */
  @JCStressTest
  @Description("SpscJitterBuffer, DROP_OLDEST: overwrites racing reads")
  @Outcome(id = "OK", expect = Expect.ACCEPTABLE, desc = "whole samples, in order")
  @Outcome(expect = Expect.FORBIDDEN, desc = "torn, reordered or replayed audio")
  @State
  public static class DropOldest extends Run {
    public DropOldest() {
      super(OverflowPolicy.DROP_OLDEST, 20); // each offer overwrites the last chunk
    }

    @Actor
    public void producer() {
      produce();
    }

    @Actor
    public void consumer() {
      consume();
    }

    @Arbiter
    public void arbiter(L_Result r) {
      r.r1 = verdict();
    }
  }
}
