package io.voicewire.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.testing.Ffmpeg;
import io.voicewire.testing.Signals;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link AudioDecoder} against ffmpeg on what {@link AudioEncoder} streams, and the encoder's
 * timeline ({@link AudioEncoder#nextInputPosition()}) against where a tone really starts.
 */
class AudioDecoderTest {
  /** Silence before the tone, ms. */
  private static final int ONSET_MS = 400;
  /** How far the decoded tone onset may be from where the encoder's timeline puts it, ms. */
  private static final double ONSET_TOLERANCE_MS = 3;

  /** {@code ONSET_MS} of silence, then 0.8 s of a 440 Hz tone, at {@code rate}. */
  static byte[] silenceThenTone(int rate) {
    float[] tone = Signals.sine(440, 0.3, rate, rate * 4 / 5);
    float[] all = new float[rate * ONSET_MS / 1000 + tone.length];
    System.arraycopy(tone, 0, all, all.length - tone.length, tone.length);
    byte[] b = new byte[all.length * 2];
    Pcm16.fromFloat(all, 0, all.length, b, 0);
    return b;
  }

  /** The first sample of the first 1 ms window louder than a quarter of the tone's RMS. */
  static int onset(short[] s, int rate) {
    int w = rate / 1000;
    double threshold = 0.3 * 32767 / Math.sqrt(2) / 4;
    for (int i = 0; i + w <= s.length; i++) {
      double sum = 0;
      for (int j = i; j < i + w; j++) {
        sum += (double) s[j] * s[j];
      }
      if (Math.sqrt(sum / w) > threshold) {
        return i + w / 2;
      }
    }
    return -1;
  }

  @ParameterizedTest
  @ValueSource(strings = {"mp3_22050_32", "mp3_24000_48", "mp3_44100_32", "mp3_44100_128", "mp3_44100_192",
      "opus_48000_32", "opus_48000_128", "wav_16000", "wav_44100", "pcm_32000", "ulaw_8000"})
  void decodesTheStreamChunkByChunkLikeFfmpegAndTheEncoderKnowsWhereEachSampleLands(String name)
      throws Exception {
    AudioFormat target = AudioFormat.parse(name);
    AudioFormat in = AudioEncoder.codecInput(target);
    byte[] pcm = silenceThenTone(in.sampleRate());
    AudioEncoder e = AudioEncoder.create(in, target);
    ByteArrayOutputStream encoded = new ByteArrayOutputStream();
    int onsetSample = in.sampleRate() * ONSET_MS / 1000;
    long onsetAt = -1;
    for (int p = 0; p < pcm.length; p += 4_002) {
      int end = Math.min(pcm.length, p + 4_002);
      if (p < onsetSample * 2 && end > onsetSample * 2) {
        encoded.writeBytes(e.encode(Arrays.copyOfRange(pcm, p, onsetSample * 2)));
        onsetAt = e.nextInputPosition();
        encoded.writeBytes(e.encode(Arrays.copyOfRange(pcm, onsetSample * 2, end)));
      } else {
        encoded.writeBytes(e.encode(Arrays.copyOfRange(pcm, p, end)));
      }
    }
    encoded.writeBytes(e.finish());
    byte[] bytes = encoded.toByteArray();
    if (target.encoding() == AudioFormat.Encoding.MP3) { // the frames' own rate, not a lower one
      int srIndex = (bytes[2] >> 2) & 3;
      boolean mpeg1 = (bytes[1] & 0x18) == 0x18;
      assertEquals(target.sampleRate(), (mpeg1 ? new int[] {44100, 48000, 32000}
          : new int[] {22050, 24000, 16000})[srIndex], name + ": the MPEG header's rate");
    }
    // raw PCM and G.711 have no header for ffmpeg to probe: the converter is their reference
    byte[] raw = target.isDecodable() ? AudioConverter.create(target, in).convert(bytes) : null;
    short[] ref = raw != null ? Pcm16.toShorts(raw, 0, raw.length)
        : Ffmpeg.decode(bytes, in.sampleRate());
    assertEquals(ref.length, e.decodedSamples(), 1, name + ": decodedSamples is ffmpeg's length");

    AudioDecoder d = AudioDecoder.create(target);
    assertEquals(in, d.output());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int p = 0; p < bytes.length; p += 97) { // cuts frames, pages and the WAVE header
      out.writeBytes(d.decode(Arrays.copyOfRange(bytes, p, Math.min(bytes.length, p + 97))));
    }
    out.writeBytes(d.finish());
    assertThrows(IllegalStateException.class, () -> d.decode(new byte[1]));
    byte[] decoded = out.toByteArray();
    short[] ours = Pcm16.toShorts(decoded, 0, decoded.length);
    assertEquals(ref.length, ours.length, 1, name + ": decoded length, ours vs ffmpeg");
    double ratio = Ffmpeg.rms(ours) / Ffmpeg.rms(pcm);
    assertTrue(ratio > 0.8 && ratio < 1.15, name + ": level ratio " + ratio);

    // chunks of many frames, and the whole stream at once, decode to the same samples: before,
    // mpglib's frames beyond the first of a chunk waited for the next chunk, and the last
    // chunk's were never decoded (8 KiB chunks of mp3_44100_128 lost their last ~200 ms)
    for (int chunk : new int[] {8192, bytes.length}) {
      AudioDecoder big = AudioDecoder.create(target);
      ByteArrayOutputStream o = new ByteArrayOutputStream();
      for (int p = 0; p < bytes.length; p += chunk) {
        o.writeBytes(big.decode(Arrays.copyOfRange(bytes, p, Math.min(bytes.length, p + chunk))));
      }
      o.writeBytes(big.finish());
      assertArrayEquals(decoded, o.toByteArray(), name + ": in chunks of " + chunk + " bytes");
    }

    double rate = in.sampleRate() / 1000.0;
    assertEquals(onsetAt / rate, onset(ref, in.sampleRate()) / rate, ONSET_TOLERANCE_MS,
        name + ": ffmpeg's tone onset vs the encoder's timeline, ms");
    assertEquals(onsetAt / rate, onset(ours, in.sampleRate()) / rate, ONSET_TOLERANCE_MS,
        name + ": our tone onset vs the encoder's timeline, ms");
  }

  /**
   * Files from another encoder (ffmpeg): their format is told by their first bytes, and an MP3's
   * leading ID3v2 tag, however the stream is cut, is skipped, not decoded as audio.
   */
  @Test
  void filesAreRecognisedByTheirFirstBytesAndAnId3TagIsSkipped() throws Exception {
    byte[] pcm = silenceThenTone(16000);
    byte[] header = Wav.streamingHeader(16000);
    byte[] wavFile = Arrays.copyOf(header, header.length + pcm.length);
    System.arraycopy(pcm, 0, wavFile, header.length, pcm.length);
    wavFile = Wav.withSizes(wavFile);
    byte[] tagged = Ffmpeg.encode(wavFile, "mp3", "-ar", "22050", "-metadata",
        "title=" + "x".repeat(3000)); // an ID3 tag larger than a chunk
    assertEquals('I', tagged[0], "ffmpeg wrote an ID3 tag");
    assertEquals(new AudioFormat(AudioFormat.Encoding.MP3, 22050, 128),
        AudioDecoder.detect(tagged));
    byte[] ogg = Ffmpeg.encode(wavFile, "ogg", "-c:a", "libopus");
    assertEquals(AudioFormat.Encoding.OPUS, AudioDecoder.detect(ogg).encoding());
    assertEquals(null, AudioDecoder.detect(wavFile));
    assertEquals(null, AudioDecoder.detect(Ffmpeg.encode(wavFile, "ogg", "-c:a", "libvorbis")));
    assertEquals(null, AudioDecoder.detect(new byte[] {'I', 'D'}));
    byte[] whole = decodeInChunks(tagged, tagged.length);
    short[] ref = Ffmpeg.decode(tagged, 22050);
    assertTrue(whole.length / 2 >= ref.length && whole.length / 2 <= ref.length + 2 * 1152 + 529,
        "ours " + whole.length / 2 + " samples, ffmpeg " + ref.length);
    for (int chunk : new int[] {1, 7, 97, 4096}) {
      assertArrayEquals(whole, decodeInChunks(tagged, chunk), "in chunks of " + chunk);
    }
  }

  /**
   * An MP3 file with a LAME tag (what lame and ffmpeg write) announces its encoder delay and its
   * length: decoded, it is trimmed to the samples encoded, sample for sample where ffmpeg puts
   * them, so a word's time in a transcript of an uploaded MP3 is its time in any player (it was
   * late by the delay, 69 ms at 16 kHz). A file without the tag keeps the delay, as ffmpeg does.
   */
  @ParameterizedTest
  @ValueSource(ints = {16000, 22050, 44100})
  void aLameTaggedFileIsTrimmedToTheSamplesEncodedLikeFfmpeg(int rate) throws Exception {
    byte[] pcm = silenceThenTone(rate);
    byte[] header = Wav.streamingHeader(rate);
    byte[] wavFile = Wav.withSizes(concat(header, pcm));
    byte[] tagged = Ffmpeg.encode(wavFile, "mp3", "-c:a", "libmp3lame", "-b:a", "64k");
    short[] ref = Ffmpeg.decode(tagged, rate);
    assertEquals(pcm.length / 2, ref.length, 1, rate + ": ffmpeg trims to the samples encoded");
    for (int chunk : new int[] {1, 97, 4096, tagged.length}) {
      byte[] ours = decodeInChunks(tagged, chunk);
      assertEquals(ref.length, ours.length / 2, rate + ": our length, chunks of " + chunk);
      short[] s = Pcm16.toShorts(ours, 0, ours.length);
      assertEquals(onset(ref, rate), onset(s, rate), rate / 1000.0,
          rate + ": tone onset against ffmpeg's, samples");
      assertEquals(ONSET_MS, onset(s, rate) * 1000.0 / rate, 2.0,
          rate + ": tone onset against the source's, ms");
    }
    byte[] untagged = Ffmpeg.encode(wavFile, "mp3", "-c:a", "libmp3lame", "-b:a", "64k",
        "-write_xing", "0");
    byte[] ours = decodeInChunks(untagged, 4096);
    short[] s = Pcm16.toShorts(ours, 0, ours.length);
    assertEquals(onset(Ffmpeg.decode(untagged, rate), rate), onset(s, rate), rate / 1000.0,
        rate + ": without the tag, the onset where ffmpeg has it (delay kept)");
    assertTrue(onset(s, rate) > rate * ONSET_MS / 1000 + 1000,
        rate + ": without the tag the delay stays: onset " + onset(s, rate));
  }

  private static byte[] decodeInChunks(byte[] file, int chunk) {
    AudioDecoder d = AudioDecoder.create(AudioDecoder.detect(file));
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (int p = 0; p < file.length; p += chunk) {
      o.writeBytes(d.decode(Arrays.copyOfRange(file, p, Math.min(file.length, p + chunk))));
    }
    o.writeBytes(d.finish());
    return o.toByteArray();
  }

  @Test
  void badStreamsFailClearlyAndUnknownFormatsAreRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> AudioDecoder.create(AudioFormat.parse("opus_48000_64")).decode(new byte[64]));
    assertThrows(IllegalArgumentException.class,
        () -> AudioDecoder.create(AudioFormat.parse("wav_16000")).decode(new byte[64]));
    assertFalse(AudioDecoder.canDecode(new AudioFormat(AudioFormat.Encoding.OPUS, 16_000, 32)));
    assertThrows(IllegalArgumentException.class,
        () -> AudioDecoder.create(new AudioFormat(AudioFormat.Encoding.OPUS, 16_000, 32)));
  }

  @Test
  void aWholeWavFileGetsItsSizes() throws Exception {
    AudioEncoder e = AudioEncoder.create(AudioFormat.PCM_16000, AudioFormat.parse("wav_16000"));
    byte[] pcm = silenceThenTone(16_000);
    byte[] file = Wav.withSizes(concat(e.encode(pcm), e.finish()));
    Wav.WavAudio a = Wav.read(new java.io.ByteArrayInputStream(file));
    assertEquals(16_000, a.sampleRate());
    assertEquals(pcm.length, a.pcm16le().length);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] o = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, o, a.length, b.length);
    return o;
  }
}
