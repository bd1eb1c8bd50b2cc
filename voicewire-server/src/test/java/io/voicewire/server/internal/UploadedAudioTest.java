package io.voicewire.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.audio.AudioEncoder;
import io.voicewire.audio.AudioFormat;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Tier (a): recognising and decoding compressed uploads, on in-memory files. */
class UploadedAudioTest {

  /** {@code seconds} of a 300 Hz tone at 24 kHz, encoded by core's encoder in {@code format}. */
  static byte[] encoded(String format, int seconds) {
    int rate = 24_000;
    byte[] pcm = new byte[rate * 2 * seconds];
    for (int i = 0; i < pcm.length / 2; i++) {
      short v = (short) (8000 * Math.sin(2 * Math.PI * 300 * i / rate));
      pcm[2 * i] = (byte) v;
      pcm[2 * i + 1] = (byte) (v >> 8);
    }
    AudioEncoder e = AudioEncoder.create(AudioFormat.PCM_24000, AudioFormat.parse(format));
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.writeBytes(e.encode(pcm));
    o.writeBytes(e.finish());
    return o.toByteArray();
  }

  @Test
  void mp3AndOggOpusAreDecodedToSixteenKilohertzPcm() throws Exception {
    for (String format : new String[] {"mp3_24000_48", "opus_48000_64"}) {
      byte[] pcm = UploadedAudio.decode(encoded(format, 3));
      double seconds = pcm.length / 32000.0;
      assertTrue(Math.abs(seconds - 3) < 0.15, format + ": " + seconds + " s");
    }
  }

  @Test
  void longerThanTheLimitIsRefusedWhileDecoding() {
    HttpProblem p = assertThrows(HttpProblem.class,
        () -> UploadedAudio.decode(encoded("mp3_24000_48", 3), 1));
    assertTrue(p.getMessage().contains("longer than 1 s (MAX_DECODED_SECONDS)"), p.getMessage());
  }

  @Test
  void whatIsNotMp3NorOggOpusIsLeftToTheCallerOrNamed() throws Exception {
    assertNull(UploadedAudio.decode("RIFF\0\0\0\0WAVEfmt ".getBytes(StandardCharsets.US_ASCII)));
    assertNull(UploadedAudio.decode(new byte[] {(byte) 0xff, (byte) 0xe0, 0, 0})); // bitrate 0
    assertNull(UploadedAudio.decode(new byte[0]));
    assertNull(UploadedAudio.decode("fLaC\0\0\0\0".getBytes(StandardCharsets.US_ASCII))); // Flac
    assertEquals("MP4/M4A", UploadedAudio.containerName(
        "\0\0\0\u0020ftypM4A ".getBytes(StandardCharsets.US_ASCII)));
    HttpProblem p = assertThrows(HttpProblem.class, () -> UploadedAudio.decode(
        "\0\0\0\u0020ftypM4A ".getBytes(StandardCharsets.US_ASCII)));
    assertTrue(p.getMessage().startsWith("MP4/M4A files are not supported"), p.getMessage());
    // an MP3 whose frames break off: a clear refusal, not a crash
    byte[] mp3 = encoded("mp3_24000_48", 1);
    byte[] broken = java.util.Arrays.copyOf(mp3, mp3.length);
    for (int i = 200; i < broken.length; i++) {
      broken[i] = (byte) (i * 31);
    }
    try {
      byte[] pcm = UploadedAudio.decode(broken);
      assertTrue(pcm.length < 32_000 * 2, "at most the good part: " + pcm.length);
    } catch (HttpProblem e) {
      assertTrue(e.getMessage().startsWith("Unsupported MP3 file") || e.getMessage().contains(
          "no audio"), e.getMessage());
    }
  }
}
