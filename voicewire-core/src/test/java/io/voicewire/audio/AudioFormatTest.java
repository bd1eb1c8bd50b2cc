package io.voicewire.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AudioFormatTest {

  @Test
  void everyKnownNameParsesAndPrintsBack() {
    for (String name : AudioFormat.KNOWN_NAMES) {
      assertEquals(name, AudioFormat.parse(name).wireName());
    }
    assertEquals(AudioFormat.PCM_16000, AudioFormat.parse("  PCM_16000 "));
    AudioFormat mp3 = AudioFormat.parse("mp3_44100_128");
    assertEquals(AudioFormat.Encoding.MP3, mp3.encoding());
    assertEquals(128, mp3.bitrateKbps());
    assertFalse(mp3.isDecodable());
  }

  @Test
  void unknownNameListsTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AudioFormat.parse("pcm_11025"));
    assertTrue(e.getMessage().startsWith("unknown audio format 'pcm_11025'; known: mp3_22050_32, "),
        e.getMessage());
    for (String name : AudioFormat.KNOWN_NAMES) {
      assertTrue(e.getMessage().contains(name), name);
    }
    assertThrows(IllegalArgumentException.class, () -> AudioFormat.parse(""));
    assertThrows(IllegalArgumentException.class, () -> AudioFormat.parse("pcm"));
    assertEquals("wireName == null",
        assertThrows(NullPointerException.class, () -> AudioFormat.parse(null)).getMessage());
  }

  @Test
  void durationsAndSizes() {
    assertEquals(640, AudioFormat.PCM_16000.bytesForMillis(20));
    assertEquals(160, AudioFormat.ULAW_8000.bytesForMillis(20));
    assertEquals(882, AudioFormat.PCM_22050.bytesForMillis(20));
    assertEquals(440, AudioFormat.PCM_22050.bytesForMillis(10)); // 220.5 samples, rounded down
    assertEquals(44.1 * 2, AudioFormat.PCM_44100.bytesPerMillis(), 1e-9);
    assertEquals(20.0, AudioFormat.PCM_48000.millisForBytes(1920), 1e-9);
    assertEquals(2, AudioFormat.PCM_8000.frameSize());
    assertEquals(AudioFormat.PCM_24000, AudioFormat.PCM_16000.withSampleRate(24000));
    assertEquals("mp3_44100_128 is opaque to voicewire", assertThrows(
        UnsupportedOperationException.class,
        () -> AudioFormat.parse("mp3_44100_128").bytesPerSecond()).getMessage());
  }

  @Test
  void constructorValidates() {
    assertEquals("sampleRate <= 0: 0", assertThrows(IllegalArgumentException.class,
        () -> new AudioFormat(AudioFormat.Encoding.PCM_S16LE, 0, 0)).getMessage());
    assertEquals("bitrateKbps 0 does not fit MP3", assertThrows(IllegalArgumentException.class,
        () -> new AudioFormat(AudioFormat.Encoding.MP3, 44100, 0)).getMessage());
  }
}
