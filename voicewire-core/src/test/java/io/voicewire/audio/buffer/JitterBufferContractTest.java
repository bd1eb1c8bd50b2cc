package io.voicewire.audio.buffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicewire.audio.AudioFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link JitterBuffer} implementation passes (STYLE.md point 16): subclass it
 * with a factory. Covers the lifecycle, the never-block/never-throw rules, both overflow
 * policies, argument checks, and every shared vector.
 */
public abstract class JitterBufferContractTest {
  protected long now;
  protected final LongSupplier clock = () -> now;

  /** Creates the implementation under test. */
  protected abstract JitterBuffer newBuffer(JitterBufferConfig config, LongSupplier clockMillis);

  JitterBuffer pcm16k(OverflowPolicy policy, int maxBufferedMs) {
    return newBuffer(JitterBufferConfig.of(AudioFormat.PCM_16000, policy)
        .withDelays(60, 400, 20).withMaxBufferedMillis(maxBufferedMs), clock);
  }

  static byte[] audio(int ms, int value) {
    byte[] b = new byte[ms * 32];
    for (int i = 0; i < b.length; i += 2) {
      b[i] = (byte) value;
      b[i + 1] = (byte) (value >> 8);
    }
    return b;
  }

  @Test
  void emptyBufferReadsSilenceAndNeverThrows() {
    JitterBuffer b = pcm16k(OverflowPolicy.BACKPRESSURE, 1000);
    byte[] out = new byte[640];
    Arrays.fill(out, (byte) 7);
    assertEquals(0, b.read(out, 0, 640));
    assertArrayEquals(new byte[640], out);
    assertEquals(JitterBuffer.State.BUFFERING, b.state());
    assertEquals(0, b.stats().underruns(), "pre-roll silence is not an underrun");
  }

  @Test
  void silenceIsWrittenInTheBufferEncoding() {
    JitterBuffer u = newBuffer(JitterBufferConfig.of(AudioFormat.ULAW_8000, OverflowPolicy.BACKPRESSURE), clock);
    JitterBuffer a = newBuffer(JitterBufferConfig.of(AudioFormat.ALAW_8000, OverflowPolicy.BACKPRESSURE), clock);
    byte[] out = new byte[80];
    u.read(out, 0, 80);
    assertTrue(allEqual(out, (byte) 0xFF));
    a.read(out, 0, 80);
    assertTrue(allEqual(out, (byte) 0xD5));
  }

  @Test
  void preRollsToTheTargetThenPlaysInOrder() {
    JitterBuffer b = pcm16k(OverflowPolicy.BACKPRESSURE, 1000);
    byte[] out = new byte[640];
    assertTrue(b.offer(audio(40, 1)));
    assertEquals(0, b.read(out, 0, 640)); // 40 ms < 60 ms target
    assertTrue(b.offer(audio(20, 2)));
    assertEquals(640, b.read(out, 0, 640));
    assertEquals(JitterBuffer.State.PLAYING, b.state());
    assertTrue(allEqual(out, (byte) 1, (byte) 0));
    assertEquals(40, b.bufferedMillis());
  }

  @Test
  void underrunPlaysWhatIsLeftThenSilenceAndRebuffers() {
    JitterBuffer b = pcm16k(OverflowPolicy.BACKPRESSURE, 1000);
    byte[] out = new byte[640];
    b.offer(audio(70, 3));
    b.read(out, 0, 640);
    b.read(out, 0, 640);
    b.read(out, 0, 640);
    assertEquals(JitterBuffer.State.PLAYING, b.state());
    assertEquals(320, b.read(out, 0, 640)); // 10 ms left of 20
    assertTrue(allEqual(Arrays.copyOfRange(out, 320, 640), (byte) 0));
    assertEquals(JitterBuffer.State.BUFFERING, b.state());
    assertEquals(1, b.stats().underruns());
    assertEquals(10, b.stats().underrunMillis());
  }

  @Test
  void backpressureRefusesAndKeepsEverything() {
    JitterBuffer b = pcm16k(OverflowPolicy.BACKPRESSURE, 400);
    assertTrue(b.offer(audio(300, 1)));
    assertFalse(b.offer(audio(200, 2)));
    assertEquals(300, b.bufferedMillis());
    assertEquals(1, b.stats().overruns());
    assertEquals(0, b.stats().droppedMillis());
    assertTrue(b.offer(audio(100, 2)));
    assertEquals(400, b.bufferedMillis());
  }

  @Test
  void dropOldestKeepsTheNewestAudio() {
    JitterBuffer b = pcm16k(OverflowPolicy.DROP_OLDEST, 400);
    assertTrue(b.offer(audio(300, 1)));
    assertTrue(b.offer(audio(200, 2)));
    assertEquals(400, b.bufferedMillis());
    assertEquals(100, b.stats().droppedMillis());
    assertEquals(1, b.stats().overruns());
    byte[] out = new byte[200 * 32];
    b.read(out, 0, out.length);
    assertTrue(allEqual(out, (byte) 1, (byte) 0), "the 200 ms of the first chunk that were kept");
    b.read(out, 0, out.length);
    assertTrue(allEqual(out, (byte) 2, (byte) 0));
  }

  @Test
  void endDrainsWithoutTargetThenEnds() {
    JitterBuffer b = pcm16k(OverflowPolicy.BACKPRESSURE, 1000);
    b.offer(audio(30, 4));
    assertTrue(b.end());
    assertFalse(b.end(), "second end() is a wrong-state call");
    assertFalse(b.offer(audio(10, 4)), "offer after end() is refused");
    byte[] out = new byte[640];
    assertEquals(640, b.read(out, 0, 640));
    assertEquals(320, b.read(out, 0, 640));
    assertEquals(JitterBuffer.State.ENDED, b.state());
    assertEquals(0, b.stats().underruns());
    assertEquals(0, b.read(out, 0, 640));
  }

  @Test
  void argumentsAreChecked() {
    JitterBuffer b = pcm16k(OverflowPolicy.BACKPRESSURE, 400);
    assertEquals("chunk of 3 bytes is not a whole number of 2-byte samples",
        assertThrows(IllegalArgumentException.class, () -> b.offer(new byte[3])).getMessage());
    assertEquals("read of 5 bytes is not a whole number of 2-byte samples",
        assertThrows(IllegalArgumentException.class, () -> b.read(new byte[8], 0, 5)).getMessage());
    assertEquals("chunk of 12802 bytes exceeds the capacity of 12800 bytes (maxBufferedMillis=400)",
        assertThrows(IllegalArgumentException.class, () -> b.offer(new byte[12802])).getMessage());
    assertTrue(b.offer(new byte[0]), "an empty chunk is accepted and changes nothing");
    assertEquals(0, b.bufferedMillis());
  }

  @Test
  void targetFollowsMeasuredJitterWithinBounds() {
    JitterBuffer b = pcm16k(OverflowPolicy.BACKPRESSURE, 3000);
    assertEquals(60, b.targetMillis());
    b.offer(audio(20, 1), 0, 640, 0);
    b.offer(audio(20, 1), 0, 640, 20);
    b.offer(audio(20, 1), 0, 640, 150); // 110 ms late
    assertEquals(130, b.targetMillis());
    b.offer(audio(20, 1), 0, 640, 1000); // 850 ms late: a pause, not jitter
    assertEquals(60, b.targetMillis());
    b.offer(audio(20, 1), 0, 640, 1390); // 370 ms later than the previous one
    assertEquals(390, b.targetMillis());
    b.offer(audio(20, 1), 0, 640, 1790); // rise 750 ms over the window: capped
    assertEquals(400, b.targetMillis());
  }

  @Test
  void everySharedVectorPasses() throws IOException {
    for (Path file : JitterVectorTest.vectorFiles()) {
      JsonNode v = JitterVectorDriver.JSON.readTree(file.toFile());
      assertEquals(v.get("expect"), JitterVectorDriver.run(v, this::newBuffer), file.toString());
    }
  }

  static boolean allEqual(byte[] b, byte v) {
    for (byte x : b) {
      if (x != v) {
        return false;
      }
    }
    return true;
  }

  static boolean allEqual(byte[] b, byte even, byte odd) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] != ((i & 1) == 0 ? even : odd)) {
        return false;
      }
    }
    return true;
  }
}
