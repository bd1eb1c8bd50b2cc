package io.voicewire.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.testing.Ffmpeg;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@link Flac} against an encoder it did not write: Debian's ffmpeg encodes test signals at
 * every compression level and stereo mode, and FLAC being lossless, the decoded PCM must be the
 * source's, sample for sample.
 */
class FlacTest {
  /** Tone, speech-like bursts, digital silence and full-scale noise: every subframe type. */
  private static short[] signal(int rate, int seconds, int channel, int shift) {
    Random r = new Random(7 + channel);
    short[] s = new short[rate * seconds];
    for (int i = 0; i < s.length; i++) {
      double t = (double) i / rate;
      double v;
      if (t % 1.0 < 0.4) {
        v = 9000 * Math.sin(2 * Math.PI * (220 + 30 * channel) * t)
            + 3000 * Math.sin(2 * Math.PI * 1375 * t) + r.nextGaussian() * 300;
      } else if (t % 1.0 < 0.6) {
        v = 0; // constant subframes
      } else if (t % 1.0 < 0.7) {
        v = r.nextInt(65536) - 32768; // verbatim subframes
      } else {
        v = 6000 * Math.sin(2 * Math.PI * 3 * t) * Math.sin(2 * Math.PI * 700 * t);
      }
      int q = (int) Math.max(-32768, Math.min(32767, Math.round(v)));
      s[i] = (short) ((q >> shift) << shift);
    }
    return s;
  }

  private static byte[] wav16(int rate, short[]... channels) {
    ByteBuffer data = ByteBuffer.allocate(channels[0].length * channels.length * 2)
        .order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < channels[0].length; i++) {
      for (short[] c : channels) {
        data.putShort(c[i]);
      }
    }
    return wav(rate, channels.length, 16, data.array());
  }

  private static byte[] wav(int rate, int channels, int bits, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(44 + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + data.length)
        .put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1)
        .putShort((short) channels).putInt(rate).putInt(rate * channels * bits / 8)
        .putShort((short) (channels * bits / 8)).putShort((short) bits)
        .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(data.length).put(data);
    return b.array();
  }

  private static byte[] pcm(byte[] wavFile) throws IOException {
    return Wav.read(new ByteArrayInputStream(wavFile)).pcm16le();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 2, 5, 8, 12})
  void monoAtEveryCompressionLevelIsTheSourceSampleForSample(int level) throws Exception {
    byte[] source = wav16(16_000, signal(16_000, 2, 0, 0));
    byte[] flac = Ffmpeg.encode(source, "flac", "-compression_level", Integer.toString(level));
    Wav.WavAudio a = Flac.read(flac);
    assertEquals(16_000, a.sampleRate());
    assertEquals(1, a.channels());
    assertArrayEquals(pcm(source), a.pcm16le());
  }

  @ParameterizedTest
  @ValueSource(strings = {"indep", "left_side", "right_side", "mid_side", "auto"})
  void stereoInEveryChannelModeIsTheSourceSampleForSample(String mode) throws Exception {
    short[] left = signal(44_100, 1, 0, 0);
    short[] right = signal(44_100, 1, 1, 0);
    for (int i = 0; i < right.length; i++) { // correlated, so that side channels pay
      right[i] = (short) ((left[i] + right[i]) / 2);
    }
    byte[] source = wav16(44_100, left, right);
    byte[] flac = Ffmpeg.encode(source, "flac", "-ch_mode", mode);
    Wav.WavAudio a = Flac.read(flac);
    assertEquals(2, a.channels());
    assertArrayEquals(pcm(source), a.pcm16le());
  }

  @Test
  void wastedBitsAndAnOddBlockSize() throws Exception {
    byte[] source = wav16(22_050, signal(22_050, 1, 0, 3)); // low 3 bits always zero
    byte[] flac = Ffmpeg.encode(source, "flac", "-frame_size", "1000");
    assertArrayEquals(pcm(source), Flac.read(flac).pcm16le());
  }

  @Test
  void twentyFourBitsAreRoundedTo16AsAWavOfThemIs() throws Exception {
    short[] s = signal(48_000, 1, 0, 0);
    byte[] data = new byte[s.length * 3];
    Random r = new Random(3);
    for (int i = 0; i < s.length; i++) {
      int v = (s[i] << 8) | r.nextInt(256);
      data[3 * i] = (byte) v;
      data[3 * i + 1] = (byte) (v >> 8);
      data[3 * i + 2] = (byte) (v >> 16);
    }
    byte[] source = wav(48_000, 1, 24, data);
    byte[] flac = Ffmpeg.encode(source, "flac", "-sample_fmt", "s32");
    byte[] ours = Flac.read(flac).pcm16le();
    byte[] expected = pcm(source);
    assertEquals(expected.length, ours.length);
    short[] a = shorts(ours);
    short[] e = shorts(expected);
    for (int i = 0; i < a.length; i++) {
      assertTrue(Math.abs(a[i] - e[i]) <= 1, "sample " + i + ": " + a[i] + " vs " + e[i]);
    }
  }

  @Test
  void aFileCutOffGivesItsCompleteFramesAndABadOneSaysWhatIsWrong() throws Exception {
    byte[] source = wav16(16_000, signal(16_000, 2, 0, 0));
    byte[] flac = Ffmpeg.encode(source, "flac");
    byte[] cut = Arrays.copyOf(flac, flac.length * 2 / 3);
    byte[] prefix = Flac.read(cut).pcm16le();
    byte[] full = pcm(source);
    assertTrue(prefix.length > full.length / 3 && prefix.length < full.length, "" + prefix.length);
    assertArrayEquals(Arrays.copyOf(full, prefix.length), prefix);
    IOException header = assertThrows(IOException.class, () -> Flac.read(Arrays.copyOf(flac, 20)));
    assertEquals("truncated FLAC metadata", header.getMessage());
    IOException notFlac = assertThrows(IOException.class, () -> Flac.read(source));
    assertEquals("not a FLAC file: it does not start with 'fLaC'", notFlac.getMessage());
    byte[] noFrames = flac.clone();
    int firstFrame = indexOfSync(flac);
    Arrays.fill(noFrames, firstFrame, noFrames.length, (byte) 0x55);
    IOException bad = assertThrows(IOException.class, () -> Flac.read(noFrames));
    assertEquals("FLAC frame at byte " + firstFrame + ": no frame sync", bad.getMessage());
  }

  @Test
  void aFileThatAnnouncesMoreThanTheLimitIsRefusedBeforeDecoding() throws Exception {
    byte[] flac = Ffmpeg.encode(wav16(16_000, new short[16_000]), "flac");
    byte[] huge = flac.clone();
    huge[21] |= 0x0F; // STREAMINFO's 36-bit total samples: all ones, 2^36 - 1
    Arrays.fill(huge, 22, 26, (byte) 0xFF);
    IOException e = assertThrows(IOException.class, () -> Flac.read(huge));
    assertEquals("FLAC audio longer than 67108864 bytes of 16-bit PCM (Wav.MAX_PCM_BYTES)",
        e.getMessage());
    assertEquals(32_000, Flac.read(flac).pcm16le().length, "a second of silence, unpatched");
  }

  /** Damaged files (random bytes changed, cut anywhere): audio or an IOException, nothing else. */
  @Test
  void damagedFilesGiveAudioOrAnIoExceptionNeverAnotherFailure() throws Exception {
    byte[] flac = Ffmpeg.encode(wav16(16_000, signal(16_000, 1, 0, 0)), "flac", "-ch_mode",
        "indep");
    Random r = new Random(11);
    int decoded = 0;
    for (int k = 0; k < 3000; k++) {
      byte[] bad = Arrays.copyOf(flac, 42 + r.nextInt(flac.length - 41));
      for (int n = r.nextInt(8); n >= 0; n--) {
        bad[4 + r.nextInt(bad.length - 4)] = (byte) r.nextInt(256);
      }
      try {
        decoded += Flac.read(bad).pcm16le().length > 0 ? 1 : 0;
      } catch (IOException expected) {
        assertTrue(expected.getMessage().contains("FLAC"), expected.getMessage());
      }
    }
    assertTrue(decoded > 100, "most damage is in frames, whose complete ones decode: " + decoded);
  }

  private static int indexOfSync(byte[] flac) {
    for (int i = 4; i < flac.length - 1; i++) {
      if ((flac[i] & 0xFF) == 0xFF && (flac[i + 1] & 0xFE) == 0xF8) {
        return i;
      }
    }
    throw new AssertionError("no frame");
  }

  private static short[] shorts(byte[] b) {
    short[] s = new short[b.length / 2];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
    return s;
  }
}
