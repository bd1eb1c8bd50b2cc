package io.voicewire.engine.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Tier (a): the mirrored band of {@link NarrowbandLift}. */
class NarrowbandLiftTest {
  private static byte[] tone(double hz, int samples, int from) {
    byte[] b = new byte[samples * 2];
    for (int i = 0; i < samples; i++) {
      int s = (int) Math.round(8000 * Math.sin(2 * Math.PI * hz * (from + i) / 16000));
      b[2 * i] = (byte) s;
      b[2 * i + 1] = (byte) (s >> 8);
    }
    return b;
  }

  /** Amplitude of {@code hz} in 16 kHz PCM (a DFT bin). */
  private static double amplitude(byte[] pcm, double hz) {
    int n = pcm.length / 2;
    double re = 0;
    double im = 0;
    for (int i = 0; i < n; i++) {
      int s = (short) ((pcm[2 * i] & 0xff) | (pcm[2 * i + 1] << 8));
      re += s * Math.cos(2 * Math.PI * hz * i / 16000);
      im -= s * Math.sin(2 * Math.PI * hz * i / 16000);
    }
    return 2 * Math.hypot(re, im) / n;
  }

  @Test
  void aToneGetsItsMirrorImageAcrossFourKilohertzAtTheGainAcrossChunks() {
    byte[] whole = new byte[0];
    for (int from = 0; from < 1600; from += 333) { // odd chunk lengths: the parity carries on
      int n = Math.min(333, 1600 - from);
      byte[] chunk = tone(1000, n, from);
      NarrowbandLift.lift(chunk, from);
      whole = java.util.Arrays.copyOf(whole, whole.length + chunk.length);
      System.arraycopy(chunk, 0, whole, whole.length - chunk.length, chunk.length);
    }
    assertEquals(8000, amplitude(whole, 1000), 80);
    assertEquals(8000 * NarrowbandLift.MIRROR_GAIN, amplitude(whole, 7000), 80);
    assertTrue(amplitude(whole, 5000) < 80, "nothing elsewhere");
  }

  @Test
  void onlyNarrowbandInputIsLifted() {
    assertTrue(NarrowbandLift.applies(8000));
    assertTrue(!NarrowbandLift.applies(11025) && !NarrowbandLift.applies(16000));
  }
}
