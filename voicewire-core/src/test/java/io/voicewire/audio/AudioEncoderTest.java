package io.voicewire.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.testing.Ffmpeg;
import io.voicewire.testing.Signals;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AudioEncoderTest {
  private static final int SOURCE_RATE = 16_000;

  /** 1.5 s of a 440 Hz tone at 16 kHz, cut into uneven chunks (one of odd length). */
  private static byte[][] chunks(byte[] pcm) {
    int[] cuts = {0, 333, 4_001, 9_600, 20_000, pcm.length};
    byte[][] out = new byte[cuts.length - 1][];
    for (int i = 0; i + 1 < cuts.length; i++) {
      out[i] = java.util.Arrays.copyOfRange(pcm, cuts[i], cuts[i + 1]);
    }
    return out;
  }

  private static byte[] tone() {
    float[] f = Signals.sine(440, 0.3, SOURCE_RATE, SOURCE_RATE * 3 / 2);
    byte[] b = new byte[f.length * 2];
    Pcm16.fromFloat(f, 0, f.length, b, 0);
    return b;
  }

  @ParameterizedTest
  @ValueSource(strings = {"mp3_22050_32", "mp3_24000_48", "mp3_44100_32", "mp3_44100_64",
      "mp3_44100_96", "mp3_44100_128", "mp3_44100_192", "opus_48000_32", "opus_48000_64",
      "opus_48000_96", "opus_48000_128", "opus_48000_192"})
  void streamedOutputDecodesToTheSameLengthAndLevel(String name) throws Exception {
    AudioFormat target = AudioFormat.parse(name);
    AudioEncoder e = AudioEncoder.create(AudioFormat.PCM_16000, target);
    byte[] pcm = tone();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int nonEmpty = 0;
    byte[][] cs = chunks(pcm);
    for (int i = 0; i < cs.length; i++) {
      byte[] b = e.encode(cs[i]);
      nonEmpty += b.length > 0 ? 1 : 0;
      out.writeBytes(b);
    }
    assertTrue(nonEmpty >= 3, "streams as it goes, not all at the end: " + nonEmpty);
    out.writeBytes(e.finish());
    assertEquals(0, e.finish().length);
    assertLengthAndLevel(name, target, out.toByteArray(), pcm, 0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"mp3_44100_128", "mp3_22050_32", "opus_48000_64"})
  void drainGivesOutEverythingFedAndTheStreamGoesOn(String name) throws Exception {
    AudioFormat target = AudioFormat.parse(name);
    AudioEncoder e = AudioEncoder.create(AudioFormat.PCM_16000, target);
    byte[] pcm = tone();
    byte[] first = java.util.Arrays.copyOfRange(pcm, 0, 1_000); // 31 ms: less than a frame
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(e.encode(first));
    byte[] drained = e.drain();
    assertTrue(drained.length > 0, "the held audio comes out");
    out.writeBytes(drained);
    short[] sofar = Ffmpeg.decode(out.toByteArray(), target.sampleRate());
    assertTrue(sofar.length >= 500 * target.sampleRate() / SOURCE_RATE - 2,
        "all fed samples decode after a drain: " + sofar.length);
    out.writeBytes(e.encode(java.util.Arrays.copyOfRange(pcm, 1_000, pcm.length)));
    out.writeBytes(e.finish());
    // each drain may add up to the codec's delay and two frames of silence
    assertLengthAndLevel(name, target, out.toByteArray(), pcm, 2);
  }

  private static void assertLengthAndLevel(String name, AudioFormat target, byte[] encoded,
      byte[] pcm, int drains) throws Exception {
    short[] decoded = Ffmpeg.decode(encoded, target.sampleRate());
    double seconds = pcm.length / 2.0 / SOURCE_RATE;
    double got = decoded.length / (double) target.sampleRate();
    // Ogg Opus trims delay and padding exactly; MP3 keeps its delay and up to one frame of padding
    double slack = (target.encoding() == AudioFormat.Encoding.OPUS ? 0.002
        : (AudioEncoder.MP3_DECODER_DELAY_SAMPLES + 1152.0 * 2) / target.sampleRate())
        + drains * (AudioEncoder.MP3_DECODER_DELAY_SAMPLES + 1152.0 * 2) / target.sampleRate();
    assertTrue(got >= seconds - 0.002 && got <= seconds + slack,
        name + ": " + got + " s decoded for " + seconds + " s");
    double ratio = Ffmpeg.rms(decoded) / Ffmpeg.rms(pcm);
    assertTrue(ratio > 0.8 && ratio < 1.15, name + ": level ratio " + ratio);
  }

  @Test
  void decodableTargetsConvertAndFlushTheResamplerTail() {
    AudioEncoder e = AudioEncoder.create(AudioFormat.PCM_16000, AudioFormat.PCM_16000);
    byte[] pcm = tone();
    assertArrayEquals(pcm, e.encode(pcm));
    assertEquals(0, e.finish().length);
    AudioEncoder up = AudioEncoder.create(AudioFormat.PCM_16000, AudioFormat.PCM_48000);
    int n = up.encode(pcm).length + up.finish().length;
    assertEquals(pcm.length * 3, n, 6);
  }

  @Test
  void rejectsWhatItCannotEncode() {
    assertFalse(AudioEncoder.canEncode(new AudioFormat(AudioFormat.Encoding.OPUS, 16_000, 32)));
    assertTrue(AudioEncoder.canEncode(AudioFormat.parse("mp3_22050_32")));
    assertThrows(IllegalArgumentException.class,
        () -> AudioEncoder.create(AudioFormat.ULAW_8000, AudioFormat.PCM_16000));
    assertEquals(AudioFormat.PCM_48000, AudioEncoder.codecInput(AudioFormat.parse("opus_48000_64")));
    AudioEncoder e = AudioEncoder.create(AudioFormat.PCM_16000, AudioFormat.parse("mp3_44100_64"));
    e.finish();
    assertThrows(IllegalStateException.class, () -> e.encode(new byte[2]));
  }
}
