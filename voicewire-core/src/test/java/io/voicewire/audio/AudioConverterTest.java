package io.voicewire.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.testing.Signals;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AudioConverterTest {

  static byte[] convertInPieces(AudioConverter c, byte[] in, Random rnd, int maxPiece) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int off = 0;
    while (off < in.length) {
      int len = Math.min(in.length - off, rnd.nextInt(maxPiece + 1));
      out.writeBytes(c.convert(Arrays.copyOfRange(in, off, off + len)));
      off += len;
    }
    out.writeBytes(c.flush());
    return out.toByteArray();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"pcm_48000,ulaw_8000", "pcm_16000,pcm_48000", "pcm_44100,pcm_16000",
      "ulaw_8000,pcm_16000", "alaw_8000,ulaw_8000", "pcm_16000,pcm_16000", "pcm_8000,alaw_8000"})
  void oddPiecesGiveTheSameBytesAsOneChunk(String from, String to) {
    AudioFormat f = AudioFormat.parse(from);
    int rate = f.sampleRate();
    float[] x = Signals.mix(Signals.sine(700, 0.4, rate, rate / 2), Signals.whiteNoise(0.02, rate / 2, 3));
    byte[] in = encode(f, Signals.pcm(x));
    AudioConverter c = AudioConverter.create(f, AudioFormat.parse(to));
    byte[] whole = Signals.concatBytes(c.convert(in), c.flush());
    for (int trial = 0; trial < 4; trial++) {
      assertArrayEquals(whole, convertInPieces(c, in, new Random(trial), trial == 0 ? 3 : 999),
          "trial " + trial);
    }
    AudioFormat t = AudioFormat.parse(to);
    long expectedSamples = ((long) x.length * t.sampleRate() + rate - 1) / rate;
    assertEquals(expectedSamples * t.frameSize(), whole.length);
  }

  @Test
  void pcm48kToUlaw8kKeepsTheSignal() {
    float[] x = Signals.sine(1000, 0.5, 48000, 48000, 0.5);
    AudioConverter c = AudioConverter.create(AudioFormat.PCM_48000, AudioFormat.ULAW_8000);
    byte[] ulaw = Signals.concatBytes(c.convert(Signals.pcm(x)), c.flush());
    assertEquals(8000, ulaw.length);
    byte[] pcm = G711.ulawDecode(ulaw);
    float[] y = Pcm16.toFloat(pcm, 0, pcm.length);
    float[] ideal = Signals.sine(1000, 0.5, 8000, 8000, 0.5);
    double snr = Signals.snrDb(ideal, y, 400, 7600);
    assertTrue(snr > 35, "SNR " + snr); // G.711 itself allows ~38 dB
  }

  @Test
  void sameRateG711ConversionIsSampleExact() {
    byte[] codes = new byte[256];
    for (int i = 0; i < 256; i++) {
      codes[i] = (byte) i;
    }
    AudioConverter toPcm = AudioConverter.create(AudioFormat.ULAW_8000, AudioFormat.PCM_8000);
    assertArrayEquals(G711.ulawDecode(codes), toPcm.convert(codes));
    assertEquals(0, toPcm.flush().length);
    AudioConverter toAlaw = AudioConverter.create(AudioFormat.ULAW_8000, AudioFormat.ALAW_8000);
    assertArrayEquals(G711.alawEncode(G711.ulawDecode(codes)), toAlaw.convert(codes));
  }

  @Test
  void danglingByteWaitsForItsPartnerAndIsDroppedByFlush() {
    AudioConverter c = AudioConverter.create(AudioFormat.PCM_16000, AudioFormat.PCM_16000);
    assertArrayEquals(new byte[0], c.convert(new byte[] {0x34}));
    assertArrayEquals(new byte[0], c.convert(new byte[0]));
    assertArrayEquals(new byte[] {0x34, 0x12, 1, 2}, c.convert(new byte[] {0x12, 1, 2, 9}));
    assertArrayEquals(new byte[0], c.flush());
    assertArrayEquals(new byte[] {5, 6}, c.convert(new byte[] {5, 6}));
  }

  @Test
  void opaqueFormatsAreRejected() {
    assertEquals("cannot convert mp3_44100_128: only pcm_*, ulaw_* and alaw_* are decodable",
        assertThrows(IllegalArgumentException.class, () -> AudioConverter.create(
            AudioFormat.parse("mp3_44100_128"), AudioFormat.PCM_16000)).getMessage());
  }

  static byte[] encode(AudioFormat f, byte[] pcm) {
    return switch (f.encoding()) {
      case ULAW -> G711.ulawEncode(pcm);
      case ALAW -> G711.alawEncode(pcm);
      default -> pcm;
    };
  }
}
