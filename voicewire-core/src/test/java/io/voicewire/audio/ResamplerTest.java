package io.voicewire.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.testing.Signals;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResamplerTest {

  /** Converts all of {@code x} in one call plus flush. */
  static float[] oneShot(Resampler r, float[] x) {
    return Signals.concat(r.process(x, 0, x.length), r.flush());
  }

  @ParameterizedTest(name = "{0} -> {1} -> {0}")
  @CsvSource({"16000,48000", "48000,16000", "44100,16000", "16000,44100", "22050,16000",
      "16000,22050", "44100,48000", "8000,16000", "24000,22050"})
  void sineThereAndBackKeepsSixtyDbSnr(int a, int b) {
    int n = a; // one second
    float[] x = Signals.sine(1000, 0.5, a, n, 0.3);
    float[] y = oneShot(Resampler.create(a, b), x);
    float[] z = oneShot(Resampler.create(b, a), y);
    assertEquals(n, z.length);
    int edge = a / 20; // skip the 50 ms at each end where the stream starts/ends in silence
    double snr = Signals.snrDb(x, z, edge, n - edge);
    assertTrue(snr >= 60, a + "->" + b + "->" + a + " SNR " + snr);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"16000,48000", "48000,16000", "44100,16000", "22050,16000", "16000,22050",
      "8000,44100", "48000,8000", "44100,44101"})
  void outputIsTheInputSignalAtExactOutputTimesWithNoDelay(int from, int to) {
    // a 1 kHz sine resampled must equal the same sine sampled at the new rate, with no shift
    float[] x = Signals.sine(1000, 0.5, from, from, 1.0);
    float[] y = oneShot(Resampler.create(from, to), x);
    assertEquals((long) Math.ceil((double) from * to / from), y.length);
    float[] ideal = Signals.sine(1000, 0.5, to, y.length, 1.0);
    int edge = to / 20;
    double snr = Signals.snrDb(ideal, y, edge, y.length - edge);
    assertTrue(snr >= 70, from + "->" + to + " SNR " + snr);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"16000,48000", "48000,16000", "44100,16000", "22050,16000", "16000,22050",
      "44100,48000", "8000,16000"})
  void randomChunkingGivesIdenticalOutput(int from, int to) {
    float[] x = Signals.mix(Signals.sine(440, 0.3, from, 7919), Signals.whiteNoise(0.05, 7919, 7));
    float[] whole = oneShot(Resampler.create(from, to), x);
    Random rnd = new Random(42);
    for (int trial = 0; trial < 5; trial++) {
      Resampler r = Resampler.create(from, to);
      float[] out = new float[0];
      int off = 0;
      while (off < x.length) {
        int len = Math.min(x.length - off, rnd.nextInt(trial == 0 ? 3 : 700));
        out = Signals.concat(out, r.process(x, off, len));
        off += len;
      }
      out = Signals.concat(out, r.flush());
      assertArrayEquals(whole, out, "trial " + trial);
    }
  }

  @Test
  void outputLengthIsCeilOfInputTimesRatio() {
    Resampler r = Resampler.create(44100, 16000);
    for (int n : new int[] {0, 1, 2, 3, 440, 441, 442, 10000}) {
      float[] y = oneShot(r, new float[n]); // flush resets, so r is reusable
      assertEquals((n * 16000L + 44099) / 44100, y.length, "n=" + n);
    }
  }

  @Test
  void allocationFreeVariantMatchesAndRespectsMaxOutput() {
    float[] x = Signals.sine(300, 0.4, 48000, 4800);
    float[] expected = Resampler.create(48000, 16000).process(x, 0, x.length);
    Resampler r = Resampler.create(48000, 16000);
    float[] out = new float[r.maxOutput(x.length)];
    int m = r.process(x, 0, x.length, out, 0);
    assertArrayEquals(expected, Arrays.copyOf(out, m));
    Resampler up = Resampler.create(16000, 48000);
    int max = up.maxOutput(320);
    for (int i = 0; i < 50; i++) {
      float[] chunk = new float[320];
      assertTrue(up.process(chunk, 0, 320, new float[max], 0) <= max);
    }
  }

  @Test
  void dcGainIsExactlyOneAndPassBandIsFlat() {
    float[] dc = new float[16000];
    Arrays.fill(dc, 0.25f);
    float[] y = oneShot(Resampler.create(16000, 44100), dc);
    for (int i = 4410; i < 40000; i++) {
      assertEquals(0.25f, y[i], 1e-6f);
    }
    // 3 kHz at 16k → 48k: amplitude within 0.01 dB
    float[] x = Signals.sine(3000, 0.5, 16000, 16000);
    float[] up = oneShot(Resampler.create(16000, 48000), x);
    double amp = Signals.toneAmplitude(up, 4800, 43200, 3000, 48000);
    assertEquals(0.0, 20 * Math.log10(amp / 0.5), 0.01);
  }

  @Test
  void downsamplingRejectsAliases() {
    // 10 kHz at 48k would alias to 6 kHz at 16k: it must be at least 70 dB down
    float[] x = Signals.sine(10000, 0.5, 48000, 48000);
    float[] y = oneShot(Resampler.create(48000, 16000), x);
    double alias = Signals.toneAmplitude(y, 1600, 14400, 6000, 16000);
    assertTrue(20 * Math.log10(alias / 0.5) < -70, "alias at " + 20 * Math.log10(alias / 0.5) + " dB");
    // 12 kHz at 44.1k → 16k would alias to 4 kHz
    float[] x2 = Signals.sine(12000, 0.5, 44100, 44100);
    float[] y2 = oneShot(Resampler.create(44100, 16000), x2);
    double alias2 = Signals.toneAmplitude(y2, 1600, 14400, 4000, 16000);
    assertTrue(20 * Math.log10(alias2 / 0.5) < -70, "alias at " + 20 * Math.log10(alias2 / 0.5) + " dB");
  }

  @Test
  void equalRatesCopy() {
    Resampler r = Resampler.create(16000, 16000);
    float[] x = {0.1f, -0.2f, 0.3f};
    assertArrayEquals(new float[] {-0.2f, 0.3f}, r.process(x, 1, 2));
    assertEquals(0, r.flush().length);
    assertEquals(0, r.latencySamples());
  }

  @Test
  void ratesAreValidated() {
    assertEquals("fromRate must be in range [1,1000000]: 0",
        assertThrows(IllegalArgumentException.class, () -> Resampler.create(0, 16000)).getMessage());
    assertEquals("toRate must be in range [1,1000000]: -5",
        assertThrows(IllegalArgumentException.class, () -> Resampler.create(16000, -5)).getMessage());
  }

  @Test
  void latencyIsAboutOneAndAHalfMillisecondsUpsampling() {
    Resampler r = Resampler.create(16000, 48000);
    assertEquals(24, r.latencySamples());
    // 20 ms in: all outputs whose look-ahead is available come out now
    float[] y = r.process(new float[320], 0, 320);
    assertEquals(3 * (320 - 24), y.length);
    assertEquals(3 * 24, r.flush().length);
  }
}
