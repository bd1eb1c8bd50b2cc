package io.voicewire.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.testing.Signals;
import org.junit.jupiter.api.Test;

class G711Test {
  /** The first 16 entries of the classic μ-law expansion table (Sun g711.c / ITU G.711). */
  private static final short[] ULAW_0_TO_15 = {-32124, -31100, -30076, -29052, -28028, -27004,
      -25980, -24956, -23932, -22908, -21884, -20860, -19836, -18812, -17788, -16764};
  /** μ-law codes 0x78..0x7F. */
  private static final short[] ULAW_78_TO_7F = {-56, -48, -40, -32, -24, -16, -8, 0};
  /** The first 16 entries of the classic A-law expansion table. */
  private static final short[] ALAW_0_TO_15 = {-5504, -5248, -6016, -5760, -4480, -4224, -4992,
      -4736, -7552, -7296, -8064, -7808, -6528, -6272, -7040, -6784};

  @Test
  void ulawKnownValues() {
    assertEquals((byte) 0xFF, G711.linearToUlaw((short) 0));
    assertEquals((byte) 0x7F, G711.linearToUlaw((short) -1));
    assertEquals((byte) 0x80, G711.linearToUlaw(Short.MAX_VALUE));
    assertEquals((byte) 0x00, G711.linearToUlaw(Short.MIN_VALUE));
    assertEquals((byte) 0xFE, G711.linearToUlaw((short) 8));
    assertEquals(32124, G711.ulawToLinear((byte) 0x80));
    assertEquals(0, G711.ulawToLinear((byte) 0xFF));
    for (int c = 0; c < 16; c++) {
      assertEquals(ULAW_0_TO_15[c], G711.ulawToLinear((byte) c), "code " + c);
      assertEquals(-ULAW_0_TO_15[c], G711.ulawToLinear((byte) (c | 0x80)), "code " + (c | 0x80));
    }
    for (int c = 0x78; c <= 0x7F; c++) {
      assertEquals(ULAW_78_TO_7F[c - 0x78], G711.ulawToLinear((byte) c), "code " + c);
    }
  }

  @Test
  void alawKnownValues() {
    assertEquals((byte) 0xD5, G711.linearToAlaw((short) 0));
    assertEquals((byte) 0x55, G711.linearToAlaw((short) -1));
    assertEquals((byte) 0xAA, G711.linearToAlaw(Short.MAX_VALUE));
    assertEquals((byte) 0x2A, G711.linearToAlaw(Short.MIN_VALUE));
    assertEquals(8, G711.alawToLinear((byte) 0xD5));
    assertEquals(-8, G711.alawToLinear((byte) 0x55));
    assertEquals(32256, G711.alawToLinear((byte) 0xAA));
    for (int c = 0; c < 16; c++) {
      assertEquals(ALAW_0_TO_15[c], G711.alawToLinear((byte) c), "code " + c);
      assertEquals(-ALAW_0_TO_15[c], G711.alawToLinear((byte) (c | 0x80)), "code " + (c | 0x80));
    }
  }

  @Test
  void decodeThenEncodeIsIdentityForEveryCode() {
    for (int c = 0; c < 256; c++) {
      byte code = (byte) c;
      byte expectedUlaw = c == 0x7F ? (byte) 0xFF : code; // the μ-law zero pair
      assertEquals(expectedUlaw, G711.linearToUlaw(G711.ulawToLinear(code)), "μ-law " + c);
      assertEquals(code, G711.linearToAlaw(G711.alawToLinear(code)), "A-law " + c);
    }
  }

  @Test
  void quantizerIsMonotonicSymmetricAndWithinHalfAStep() {
    int prevU = Integer.MIN_VALUE;
    int prevA = Integer.MIN_VALUE;
    for (int x = -32768; x <= 32767; x++) {
      short s = (short) x;
      int u = G711.ulawToLinear(G711.linearToUlaw(s));
      int a = G711.alawToLinear(G711.linearToAlaw(s));
      assertTrue(u >= prevU && a >= prevA, "monotonic at " + x);
      prevU = u;
      prevA = a;
      // symmetric: x and -x-1 (one's complement) differ only in the sign bit
      short m = (short) ~x;
      assertEquals((G711.linearToUlaw(s) & 0xFF) ^ 0x80, G711.linearToUlaw(m) & 0xFF, "μ-law sym " + x);
      assertEquals((G711.linearToAlaw(s) & 0xFF) ^ 0x80, G711.linearToAlaw(m) & 0xFF, "A-law sym " + x);
      // error bound: half the segment's step (1/16 of the segment base), plus the low bits
      // G.711 discards (2 for μ-law, 4 for A-law) and the one's complement of negatives
      if (Math.abs(x) <= 32124) {
        assertTrue(Math.abs(u - x) <= (Math.abs(x) + 132) / 32 + 4, "μ-law error at " + x + ": " + u);
      }
      if (Math.abs(x) <= 32256) {
        assertTrue(Math.abs(a - x) <= Math.max(8, Math.abs(x) / 32) + 16, "A-law error at " + x + ": " + a);
      }
    }
  }

  @Test
  void arrayCodecsMatchPerSampleCodecs() {
    float[] x = Signals.sine(440, 0.8, 8000, 800);
    byte[] pcm = Signals.pcm(x);
    short[] s = Pcm16.toShorts(pcm, 0, pcm.length);
    byte[] u = G711.ulawEncode(pcm);
    byte[] a = G711.alawEncode(pcm);
    for (int i = 0; i < s.length; i++) {
      assertEquals(G711.linearToUlaw(s[i]), u[i]);
      assertEquals(G711.linearToAlaw(s[i]), a[i]);
    }
    byte[] ud = G711.ulawDecode(u);
    short[] uds = Pcm16.toShorts(ud, 0, ud.length);
    for (int i = 0; i < u.length; i++) {
      assertEquals(G711.ulawToLinear(u[i]), uds[i]);
    }
    assertArrayEquals(G711.alawDecode(a), Pcm16.fromShorts(decodeA(a), 0, a.length));
    // companding keeps a loud sine at the textbook ~38 dB SNR
    float[] back = Pcm16.toFloat(ud, 0, ud.length);
    assertTrue(Signals.snrDb(x, back, 0, x.length) > 35);
  }

  private static short[] decodeA(byte[] a) {
    short[] out = new short[a.length];
    G711.decode(a, 0, a.length, out, 0, true);
    return out;
  }
}
