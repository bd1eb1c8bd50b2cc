package io.voicewire.engine.local.internal.vad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.voicewire.audio.vad.VadEvent;
import io.voicewire.speech.VadParams;
import io.voicewire.audio.Wav;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The bundled Silero network as the VAD commit's endpointer, on recorded human speech (Debian's
 * pocketsphinx-testdata) under white noise: one end of speech per utterance, where the utterance
 * ends, none in noise alone, and the same events whatever the chunking.
 */
class SileroEndpointerTest {
  private static final Path DATA = Path.of("/usr/share/pocketsphinx/test/data");
  private static final String[] CLIPS = {
      "librivox/sense_and_sensibility_01_austen_64kb-0880.wav", "cards/004.wav",
      "librivox/sense_and_sensibility_01_austen_64kb-0920.wav"};
  private static final int GAP_MS = 2000;

  @Test
  void modelIsBundledAndReadable() {
    assertTrue(SileroEndpointer.available(), "the build put the model into the jar");
    float[] silence = new float[SileroNet.WINDOW * 10];
    for (float p : SileroEndpointer.bundled().copy().probabilities(silence)) {
      assertTrue(p < 0.1, "digital silence is not speech: " + p);
    }
  }

  @Test
  void oneEndPerUtteranceInNoiseAndNoneInNoiseAlone() throws IOException {
    Stream s = stream(10); // 10 dB SNR: the energy detector splits two of these three (bench-vad.md)
    List<VadEvent> events = run(s.pcm, 640, new VadParams(0.5, 0.4, 100, 100));
    List<Long> ends = events.stream().filter(e -> e.type() == VadEvent.Type.SPEECH_END)
        .map(VadEvent::audioMs).toList();
    assertEquals(CLIPS.length, ends.size(), "ends " + ends + " for utterances " + s.spans);
    for (int i = 0; i < CLIPS.length; i++) {
      long[] span = s.spans.get(i);
      long end = ends.get(i);
      assertTrue(end > span[1] - 600 && end < span[1] + 500,
          "utterance " + i + " " + java.util.Arrays.toString(span) + " ended at " + end);
    }
    assertEquals(CLIPS.length, events.stream()
        .filter(e -> e.type() == VadEvent.Type.SPEECH_START).count(), "starts " + events);
  }

  @Test
  void eventsDoNotDependOnChunking() throws IOException {
    Stream s = stream(10);
    VadParams p = new VadParams(0.5, 0.4, 100, 100);
    assertEquals(run(s.pcm, 640, p), run(s.pcm, 333, p)); // odd sizes split samples
  }

  @Test
  void theSilenceWindowDecidesWhetherAPauseEndsSpeech() throws IOException {
    Stream s = stream(20);
    long endsShort = count(run(s.pcm, 640, new VadParams(0.5, 0.4, 100, 100)));
    long endsLong = count(run(s.pcm, 640, new VadParams(3.0, 0.4, 100, 100)));
    assertEquals(CLIPS.length, endsShort);
    assertEquals(1, endsLong, "2 s gaps are shorter than a 3 s window: one segment");
  }

  private static long count(List<VadEvent> events) {
    return events.stream().filter(e -> e.type() == VadEvent.Type.SPEECH_END).count();
  }

  private static List<VadEvent> run(byte[] pcm, int chunk, VadParams params) {
    SileroEndpointer vad = new SileroEndpointer(SileroEndpointer.bundled(), params);
    List<VadEvent> out = new ArrayList<>();
    for (int off = 0; off < pcm.length; off += chunk) {
      out.addAll(vad.process(java.util.Arrays.copyOfRange(pcm, off, Math.min(pcm.length, off + chunk))));
    }
    // flush: feed silence long enough for the last end of speech
    out.addAll(vad.process(new byte[32 * 4000]));
    return out;
  }

  private record Stream(byte[] pcm, List<long[]> spans) {}

  /** The clips with 2 s gaps, white noise at {@code snrDb} below the clips' mean power. */
  private static Stream stream(double snrDb) throws IOException {
    assumeTrue(Files.isDirectory(DATA), "pocketsphinx-testdata is installed by ./voicewire test");
    List<short[]> clips = new ArrayList<>();
    double power = 0;
    long n = 0;
    for (String c : CLIPS) {
      byte[] b = Wav.read(DATA.resolve(c)).pcm16le();
      short[] x = new short[b.length / 2];
      for (int i = 0; i < x.length; i++) {
        x[i] = (short) ((b[2 * i] & 0xff) | b[2 * i + 1] << 8);
        power += (double) x[i] * x[i];
      }
      n += x.length;
      clips.add(x);
    }
    double noiseRms = Math.sqrt(power / n / Math.pow(10, snrDb / 10));
    Random r = new Random(42);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<long[]> spans = new ArrayList<>();
    int pos = GAP_MS * 16;
    writeNoise(out, GAP_MS * 16, null, r, noiseRms);
    for (short[] c : clips) {
      spans.add(new long[] {pos / 16, (pos + c.length) / 16});
      writeNoise(out, c.length, c, r, noiseRms);
      writeNoise(out, GAP_MS * 16, null, r, noiseRms);
      pos += c.length + GAP_MS * 16;
    }
    return new Stream(out.toByteArray(), spans);
  }

  private static void writeNoise(ByteArrayOutputStream out, int samples, short[] over, Random r,
      double rms) {
    for (int i = 0; i < samples; i++) {
      double v = (over == null ? 0 : over[i]) + r.nextGaussian() * rms;
      int s = (int) Math.max(-32768, Math.min(32767, Math.round(v)));
      out.write(s & 0xff);
      out.write((s >> 8) & 0xff);
    }
  }
}
