package io.voicewire.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FramerTest {

  static byte[] ramp(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 7 + i / 256);
    }
    return b;
  }

  @Test
  void fixedFramesFromRandomPiecesConcatenateToTheInput() {
    byte[] in = ramp(16000 * 2 + 101); // 1 s and a bit of pcm_16000
    Framer f = new Framer(AudioFormat.PCM_16000, 20, false);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    Random rnd = new Random(1);
    List<byte[]> frames = new ArrayList<>();
    for (int off = 0; off < in.length; ) {
      int n = Math.min(in.length - off, rnd.nextInt(1500));
      frames.addAll(f.push(Arrays.copyOfRange(in, off, off + n)));
      off += n;
    }
    assertEquals(50, frames.size());
    for (byte[] fr : frames) {
      assertEquals(640, fr.length);
      all.writeBytes(fr);
    }
    byte[] rest = f.flush();
    assertEquals(100, rest.length); // 101 bytes left: the half sample is dropped
    all.writeBytes(rest);
    assertArrayEquals(Arrays.copyOf(in, in.length - 1), all.toByteArray());
  }

  @Test
  void progressiveFramesDoubleUpToTheFrameLength() {
    Framer f = new Framer(AudioFormat.ULAW_8000, 200, true);
    List<byte[]> frames = f.push(new byte[8000]); // 1 s
    int[] sizes = frames.stream().mapToInt(b -> b.length).toArray();
    // 20, 40, 80, 160, 200, 200, 200 ms = 900 ms; 100 ms stay buffered
    assertArrayEquals(new int[] {160, 320, 640, 1280, 1600, 1600, 1600}, sizes);
    assertEquals(800, f.buffered());
    assertEquals(800, f.flush().length);
    assertEquals(160, f.push(new byte[200]).get(0).length); // flush restarted the schedule
  }

  @Test
  void oddRatesNeverDrift() {
    Framer f = new Framer(AudioFormat.PCM_22050, 10, false);
    List<byte[]> frames = f.push(new byte[22050 * 2]);
    assertEquals(100, frames.size());
    int samples = 0;
    for (byte[] fr : frames) {
      int s = fr.length / 2;
      assertEquals(true, s == 220 || s == 221, "frame of " + s);
      samples += s;
    }
    assertEquals(22050, samples);
    assertEquals(0, f.buffered());
  }

  @Test
  void shortFrameLengthWithProgressive() {
    Framer f = new Framer(AudioFormat.PCM_8000, 10, true);
    assertEquals(160, f.nextFrameBytes());
    assertEquals(10, f.nextFrameMillis());
  }

  @Test
  void argumentsAreValidated() {
    assertEquals("frameMillis must be in range [1,10000]: 0", assertThrows(
        IllegalArgumentException.class, () -> new Framer(AudioFormat.PCM_16000, 0, false)).getMessage());
    assertEquals("cannot frame mp3_44100_128: opaque format", assertThrows(
        IllegalArgumentException.class,
        () -> new Framer(AudioFormat.parse("mp3_44100_128"), 20, false)).getMessage());
  }
}
