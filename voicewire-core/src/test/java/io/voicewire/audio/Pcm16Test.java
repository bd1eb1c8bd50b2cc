package io.voicewire.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.voicewire.testing.Signals;
import org.junit.jupiter.api.Test;

class Pcm16Test {

  @Test
  void everySixteenBitValueSurvivesFloatRoundTrip() {
    byte[] all = new byte[65536 * 2];
    for (int v = -32768, j = 0; v <= 32767; v++, j += 2) {
      all[j] = (byte) v;
      all[j + 1] = (byte) (v >> 8);
    }
    float[] f = Pcm16.toFloat(all, 0, all.length);
    assertEquals(-1f, f[0]);
    assertEquals(0f, f[32768]);
    assertEquals(32767 / 32768f, f[65535]);
    assertArrayEquals(all, Pcm16.fromFloat(f, 0, f.length));
  }

  @Test
  void fromFloatClampsRoundsAndMapsNanToZero() {
    byte[] b = Pcm16.fromFloat(new float[] {1.5f, -1.5f, Float.NaN, 0.49f / 32768, 0.51f / 32768,
        -0.51f / 32768, 1f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}, 0, 9);
    short[] s = Pcm16.toShorts(b, 0, b.length);
    assertArrayEquals(new short[] {32767, -32768, 0, 0, 1, -1, 32767, 32767, -32768}, s);
  }

  @Test
  void littleEndianLayoutAndOffsets() {
    byte[] b = {9, 0x34, 0x12, (byte) 0xFF, (byte) 0xFF, 9};
    assertArrayEquals(new short[] {0x1234, -1}, Pcm16.toShorts(b, 1, 4));
    assertArrayEquals(new byte[] {0x34, 0x12, (byte) 0xFF, (byte) 0xFF},
        Pcm16.fromShorts(new short[] {7, 0x1234, -1}, 1, 2));
  }

  @Test
  void swapEndianSwapsEachSample() {
    assertArrayEquals(new byte[] {2, 1, 4, 3}, Pcm16.swapEndian(new byte[] {1, 2, 3, 4}));
  }

  @Test
  void oddLengthIsRejectedWithTheCount() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Pcm16.toFloat(new byte[3], 0, 3));
    assertEquals("16-bit PCM needs an even byte count: 3", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Pcm16.swapEndian(new byte[5]));
    assertThrows(IndexOutOfBoundsException.class, () -> Pcm16.toShorts(new byte[4], 2, 4));
  }

  @Test
  void rmsDbfsOfKnownSignals() {
    byte[] square = Pcm16.fromShorts(new short[] {32767, -32768, 32767, -32768}, 0, 4);
    assertEquals(0.0, Pcm16.rmsDbfs(square), 0.001);
    byte[] sine = Signals.pcm(Signals.sine(1000, 32767 / 32768.0, 16000, 16000));
    assertEquals(-3.0103, Pcm16.rmsDbfs(sine), 0.01);
    byte[] sine20 = Signals.pcm(Signals.sine(1000, 0.1, 16000, 16000));
    assertEquals(-23.0103, Pcm16.rmsDbfs(sine20), 0.01);
    assertEquals(Double.NEGATIVE_INFINITY, Pcm16.rmsDbfs(new byte[320]));
    assertEquals(Double.NEGATIVE_INFINITY, Pcm16.rmsDbfs(new byte[0]));
  }
}
