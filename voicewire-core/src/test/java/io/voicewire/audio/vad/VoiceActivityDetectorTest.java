package io.voicewire.audio.vad;

import static io.voicewire.audio.vad.VadEvent.Type.SPEECH_END;
import static io.voicewire.audio.vad.VadEvent.Type.SPEECH_START;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.testing.Signals;
import io.voicewire.speech.VadParams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class VoiceActivityDetectorTest {
  static final long TOLERANCE_MS = 30;

  /** A timeline of segments: speech (true) or background only (false), each in ms. */
  record Segment(boolean speech, int ms) {}

  /** Background noise everywhere plus speech-like sound in the speech segments. */
  static float[] timeline(int rate, double speechRms, float[] background, Segment... segs) {
    List<float[]> parts = new ArrayList<>();
    long seed = 11;
    for (Segment s : segs) {
      int n = s.ms * rate / 1000;
      if (s.speech) {
        float[] sp = Signals.speechLike(110 + 10 * seed % 90, speechRms, rate, n, seed++);
        fade(sp, rate / 200); // 5 ms ramps: no clicks at the edges
        parts.add(sp);
      } else {
        parts.add(new float[n]);
      }
    }
    float[] x = Signals.concat(parts.toArray(new float[0][]));
    return Signals.mix(x, Arrays.copyOf(background, x.length));
  }

  static void fade(float[] x, int n) {
    for (int i = 0; i < n && i < x.length; i++) {
      float g = (float) i / n;
      x[i] *= g;
      x[x.length - 1 - i] *= g;
    }
  }

  static List<VadEvent> run(VoiceActivityDetector vad, float[] x, int chunkBytes) {
    byte[] pcm = Signals.pcm(x);
    List<VadEvent> out = new ArrayList<>();
    for (int off = 0; off < pcm.length; off += chunkBytes) {
      out.addAll(vad.process(Arrays.copyOfRange(pcm, off, Math.min(pcm.length, off + chunkBytes))));
    }
    return out;
  }

  static void assertEvents(List<VadEvent> actual, long tolerance, Object... typeAndMs) {
    assertEquals(typeAndMs.length / 2, actual.size(), "events " + actual);
    for (int i = 0; i < actual.size(); i++) {
      VadEvent e = actual.get(i);
      assertEquals(typeAndMs[2 * i], e.type(), "event " + i + " of " + actual);
      long want = ((Number) typeAndMs[2 * i + 1]).longValue();
      assertTrue(Math.abs(e.audioMs() - want) <= tolerance,
          "event " + i + " at " + e.audioMs() + " ms, want " + want + " ± " + tolerance + ": " + actual);
    }
  }

  @ParameterizedTest(name = "{0} Hz")
  @ValueSource(ints = {8000, 16000, 22050, 44100, 48000})
  void speechSilenceSpeechGivesExactEventTimes(int rate) {
    float[] bg = Signals.whiteNoise(0.001, rate * 7, 5); // −60 dBFS room noise
    float[] x = timeline(rate, 0.1, bg, new Segment(false, 500), new Segment(true, 1000),
        new Segment(false, 2000), new Segment(true, 1200), new Segment(false, 2000));
    VadParams p = new VadParams(0.5, 0.4, 100, 100);
    VoiceActivityDetector vad = new VoiceActivityDetector(rate, p);
    List<VadEvent> events = run(vad, x, rate / 50 * 2); // 20 ms chunks
    assertEvents(events, TOLERANCE_MS, SPEECH_START, 500, SPEECH_END, 1500, SPEECH_START, 3500,
        SPEECH_END, 4700);
    assertFalse(vad.inSpeech());
    assertEquals(6700, vad.audioMs());
  }

  @Test
  void eventsAreReportedAfterMinSpeechAndAfterTheSilenceThreshold() {
    int rate = 16000;
    float[] x = timeline(rate, 0.1, Signals.whiteNoise(0.001, rate * 4, 9),
        new Segment(false, 400), new Segment(true, 800), new Segment(false, 2000));
    VoiceActivityDetector vad = new VoiceActivityDetector(rate, new VadParams(1.0, 0.4, 200, 100));
    byte[] pcm = Signals.pcm(x);
    long startReportedAt = -1;
    long endReportedAt = -1;
    for (int off = 0; off < pcm.length; off += 160) { // 5 ms chunks
      for (VadEvent e : vad.process(Arrays.copyOfRange(pcm, off, off + 160))) {
        if (e.type() == SPEECH_START) {
          startReportedAt = vad.audioMs();
          assertTrue(vad.inSpeech());
        } else {
          endReportedAt = vad.audioMs();
          assertFalse(vad.inSpeech());
        }
      }
    }
    // start: min speech (200 ms) after the onset; end: the 1.0 s threshold after the offset
    assertTrue(Math.abs(startReportedAt - 600) <= TOLERANCE_MS, "start reported at " + startReportedAt);
    assertTrue(Math.abs(endReportedAt - 2200) <= TOLERANCE_MS, "end reported at " + endReportedAt);
  }

  @Test
  void pausesShorterThanTheThresholdDoNotSplitSpeech() {
    int rate = 16000;
    float[] x = timeline(rate, 0.1, Signals.whiteNoise(0.001, rate * 6, 2),
        new Segment(false, 300), new Segment(true, 700), new Segment(false, 400),
        new Segment(true, 600), new Segment(false, 1500));
    List<VadEvent> events = run(new VoiceActivityDetector(rate, new VadParams(0.5, 0.4, 100, 100)), x, 640);
    assertEvents(events, TOLERANCE_MS, SPEECH_START, 300, SPEECH_END, 2000);
    // with a 0.3 s threshold the 400 ms pause splits it
    List<VadEvent> split = run(new VoiceActivityDetector(rate, new VadParams(0.3, 0.4, 100, 100)), x, 640);
    assertEvents(split, TOLERANCE_MS, SPEECH_START, 300, SPEECH_END, 1000, SPEECH_START, 1400,
        SPEECH_END, 2000);
    // min_silence_duration_ms longer than the pause keeps it whole even with a 0.3 s threshold
    List<VadEvent> whole = run(new VoiceActivityDetector(rate, new VadParams(0.3, 0.4, 100, 500)), x, 640);
    assertEvents(whole, TOLERANCE_MS, SPEECH_START, 300, SPEECH_END, 2000);
  }

  @Test
  void soundShorterThanMinSpeechIsIgnored() {
    int rate = 16000;
    float[] blip = Signals.sine(440, 0.3, rate, rate * 60 / 1000);
    fade(blip, 32);
    float[] x = Signals.mix(Signals.concat(new float[rate / 2], blip, new float[rate]),
        Signals.whiteNoise(0.001, rate * 2, 4));
    assertEquals(List.of(), run(new VoiceActivityDetector(rate, new VadParams(0.5, 0.4, 100, 100)), x, 320));
    // the same blip is speech when min_speech_duration_ms is 50
    assertEvents(run(new VoiceActivityDetector(rate, new VadParams(0.5, 0.4, 50, 100)), x, 320),
        TOLERANCE_MS, SPEECH_START, 500, SPEECH_END, 560);
    // and a 20 ms click never is
    float[] click = Signals.sine(2000, 0.5, rate, rate / 50);
    float[] y = Signals.mix(Signals.concat(new float[rate / 2], click, new float[rate]),
        Signals.whiteNoise(0.001, rate * 2, 4));
    assertEquals(List.of(), run(new VoiceActivityDetector(rate, new VadParams(0.5, 0.1, 50, 50)), y, 320));
  }

  @ParameterizedTest(name = "{0} noise at {1} RMS, threshold {2}")
  @CsvSource({"white,0.0003,0.1", "white,0.003,0.1", "white,0.03,0.4", "white,0.3,0.1",
      "white,0.3,0.9", "pink,0.0003,0.1", "pink,0.003,0.4", "pink,0.03,0.1", "pink,0.3,0.4",
      "silence,0,0.1"})
  void steadyNoiseAndSilenceAreNotSpeech(String kind, double rms, double threshold) {
    int rate = 16000;
    float[] x = switch (kind) {
      case "white" -> Signals.whiteNoise(rms, rate * 20, 21);
      case "pink" -> Signals.pinkNoise(rms, rate * 20, 21);
      default -> new float[rate * 20];
    };
    VoiceActivityDetector vad = new VoiceActivityDetector(rate, new VadParams(0.3, threshold, 50, 50));
    assertEquals(List.of(), run(vad, x, 3200));
    assertEquals(20_000, vad.audioMs());
  }

  @ParameterizedTest(name = "{0} noise, SNR {1} dB, threshold {2}")
  @CsvSource({"white,20,0.4", "white,15,0.3", "white,12,0.2", "white,10,0.1", "pink,20,0.4", "pink,12,0.3",
      "pink,10,0.2"})
  void speechInNoiseIsFound(String kind, int snrDb, double threshold) {
    int rate = 16000;
    float[] x = speechInNoise(kind, snrDb, rate);
    List<VadEvent> events = run(new VoiceActivityDetector(rate, new VadParams(0.8, threshold, 100, 100)), x, 1600);
    // quiet onsets and tails drown in the noise: looser bounds
    assertEvents(events, 120, SPEECH_START, 1500, SPEECH_END, 3000, SPEECH_START, 5000,
        SPEECH_END, 6000);
  }

  @ParameterizedTest(name = "{0} noise")
  @ValueSource(strings = {"white", "pink"})
  void atSixDbSnrSegmentsShrinkButStayInsideTheSpeech(String kind) {
    int rate = 16000;
    List<VadEvent> events = run(new VoiceActivityDetector(rate, new VadParams(0.8, 0.2, 100, 100)),
        speechInNoise(kind, 6, rate), 1600);
    assertEquals(4, events.size(), events.toString());
    long[][] speech = {{1500, 3000}, {5000, 6000}};
    for (int i = 0; i < 2; i++) {
      long start = events.get(2 * i).audioMs();
      long end = events.get(2 * i + 1).audioMs();
      assertTrue(start >= speech[i][0] - TOLERANCE_MS && end <= speech[i][1] + TOLERANCE_MS
          && end - start >= 150, events.toString());
    }
  }

  static float[] speechInNoise(String kind, int snrDb, int rate) {
    double speechRms = 0.1;
    double noiseRms = speechRms / Math.pow(10, snrDb / 20.0);
    float[] bg = kind.equals("white") ? Signals.whiteNoise(noiseRms, rate * 7, 3)
        : Signals.pinkNoise(noiseRms, rate * 7, 3);
    return timeline(rate, speechRms, bg, new Segment(false, 1500), new Segment(true, 1500),
        new Segment(false, 2000), new Segment(true, 1000), new Segment(false, 1000));
  }

  @Test
  void lowerThresholdIsMoreSensitive() {
    int rate = 16000;
    // quiet speech 9 dB above a white noise floor
    double noise = 0.01;
    float[] x = timeline(rate, noise * Math.pow(10, 9 / 20.0), Signals.whiteNoise(noise, rate * 5, 8),
        new Segment(false, 2000), new Segment(true, 1500), new Segment(false, 1500));
    List<VadEvent> sensitive = run(new VoiceActivityDetector(rate, new VadParams(0.5, 0.1, 100, 100)), x, 320);
    List<VadEvent> strict = run(new VoiceActivityDetector(rate, new VadParams(0.5, 0.9, 100, 100)), x, 320);
    assertFalse(sensitive.isEmpty(), "threshold 0.1 should hear quiet speech");
    assertEquals(SPEECH_START, sensitive.get(0).type());
    assertEquals(List.of(), strict);
  }

  @Test
  void chunkSizeDoesNotChangeEvents() {
    int rate = 16000;
    float[] x = timeline(rate, 0.1, Signals.pinkNoise(0.003, rate * 5, 1), new Segment(false, 700),
        new Segment(true, 1300), new Segment(false, 1800), new Segment(true, 400), new Segment(false, 800));
    VadParams p = new VadParams(0.6, 0.4, 100, 100);
    List<VadEvent> ref = run(new VoiceActivityDetector(rate, p), x, 320);
    assertEquals(4, ref.size(), ref.toString());
    byte[] pcm = Signals.pcm(x);
    Random rnd = new Random(5);
    VoiceActivityDetector vad = new VoiceActivityDetector(rate, p);
    List<VadEvent> odd = new ArrayList<>();
    for (int off = 0; off < pcm.length; ) {
      int len = Math.min(pcm.length - off, 1 + rnd.nextInt(999)); // odd sizes split samples
      odd.addAll(vad.process(Arrays.copyOfRange(pcm, off, off + len)));
      off += len;
    }
    assertEquals(ref, odd);
  }

  @Test
  void resetStartsOver() {
    int rate = 16000;
    float[] x = timeline(rate, 0.1, Signals.whiteNoise(0.001, rate * 2, 6), new Segment(false, 300),
        new Segment(true, 800));
    VoiceActivityDetector vad = new VoiceActivityDetector(rate, new VadParams(0.5, 0.4, 100, 100));
    List<VadEvent> first = run(vad, x, 320);
    assertTrue(vad.inSpeech());
    vad.reset();
    assertFalse(vad.inSpeech());
    assertEquals(0, vad.audioMs());
    assertEquals(first, run(vad, x, 320));
  }

  @Test
  void argumentsAreValidated() {
    assertEquals("sampleRate must be in range [8000,48000]: 4000", assertThrows(
        IllegalArgumentException.class, () -> new VoiceActivityDetector(4000, VadParams.DEFAULT))
        .getMessage());
    assertEquals("params == null", assertThrows(NullPointerException.class,
        () -> new VoiceActivityDetector(16000, null)).getMessage());
  }
}
