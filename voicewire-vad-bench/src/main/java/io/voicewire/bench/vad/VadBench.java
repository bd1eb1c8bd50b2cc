package io.voicewire.bench.vad;

import io.voicewire.audio.vad.VadEvent;
import io.voicewire.audio.vad.SpeechEndpointer;
import io.voicewire.audio.vad.VoiceActivityDetector;
import io.voicewire.engine.local.internal.vad.SileroEndpointer;
import io.voicewire.engine.local.internal.vad.SileroNet;
import io.voicewire.speech.VadParams;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Energy VAD (voicewire-core) against the engine's Silero VAD v5 endpointer (same protocol
 * parameters: {@code vad_threshold} 0.4, the silence window, 100 ms minimum speech and silence) on
 * human speech with background noise:
 * commits that end an utterance where it ends (correct), too early inside speech (split),
 * on noise alone (noise), or not at all (missed), and CPU per second of audio.
 *
 * <p>Usage: {@code VadBench --model silero_vad_v5.onnx [--snr clean,20,10,5,0]
 * [--noise white,pink,brown,hum,gusty] [--silence 0.5,1.5] [CLIP...]}. Clips are 16 kHz mono
 * 16-bit WAV or RAW; without any, the 14 human-speech clips of Debian's pocketsphinx-testdata. Each stream is: 1 s of noise, then every clip followed by a gap of
 * (silence window + 1.5 s), the noise laid over all of it at the given SNR (speech power over
 * noise power).
 */
public final class VadBench {
  /** Tolerance before the reference end of speech within which a commit still counts as correct. */
  static final long END_TOLERANCE_MS = 500;
  static final long LEAD_MS = 1000;
  /** Debian's pocketsphinx-testdata: human speech the engine's tuning set does not include all of. */
  static final String DEBIAN_TEST_DATA = "/usr/share/pocketsphinx/test/data";
  static final List<String> DEFAULT_CLIPS = List.of(
      "librivox/sense_and_sensibility_01_austen_64kb-0870.wav",
      "librivox/sense_and_sensibility_01_austen_64kb-0880.wav",
      "librivox/sense_and_sensibility_01_austen_64kb-0890.wav",
      "librivox/sense_and_sensibility_01_austen_64kb-0920.wav",
      "librivox/sense_and_sensibility_01_austen_64kb-0930.wav",
      "cards/001.wav", "cards/002.wav", "cards/003.wav", "cards/004.wav", "cards/005.wav",
      "goforward.raw", "numbers.raw", "something.raw", "tidigits/dhd.2934z.raw");
  static final long GAP_EXTRA_MS = 1500;

  private VadBench() {}

  public static void main(String[] args) throws Exception {
    Path model = null;
    List<String> snrs = List.of("clean", "20", "10", "5", "0");
    List<NoiseKind> noises = List.of(NoiseKind.values());
    List<Double> silences = List.of(0.5, 1.5);
    List<Path> clips = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--model" -> model = Path.of(args[++i]);
        case "--snr" -> snrs = List.of(args[++i].split(","));
        case "--noise" -> noises = java.util.Arrays.stream(args[++i].split(","))
            .map(s -> NoiseKind.valueOf(s.toUpperCase(Locale.ROOT))).toList();
        case "--silence" -> silences = java.util.Arrays.stream(args[++i].split(","))
            .map(Double::valueOf).toList();
        default -> clips.add(Path.of(args[i]));
      }
    }
    if (clips.isEmpty()) {
      clips.addAll(DEFAULT_CLIPS.stream().map(c -> Path.of(DEBIAN_TEST_DATA, c)).toList());
    }
    if (model == null || !Files.isRegularFile(model)) {
      System.err.println("usage: VadBench --model silero_vad_v5.onnx [--snr ..] [--noise ..] "
          + "[--silence ..] CLIP...");
      System.exit(2);
    }
    List<float[]> audio = new ArrayList<>();
    for (Path c : clips) {
      audio.add(SpeechClips.load(c));
    }
    System.out.printf(Locale.ROOT, "%d clips, %.1f s of speech%n", audio.size(),
        audio.stream().mapToInt(a -> a.length).sum() / 16000.0);
    System.out.println("| silence window | noise | SNR | detector | correct | cut short | missed | split | on noise | end error p50 | CPU µs per audio s |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    SileroNet net = SileroNet.load(model);
    for (double silence : silences) {
      for (NoiseKind noise : noises) {
        for (String snr : snrs) {
          if (snr.equals("clean") && noise != noises.get(0)) {
            continue;
          }
          Stream s = Stream.build(audio, silence, noise, snr);
          VadParams params = new VadParams(silence, 0.4, 100, 100);
          VadParams sensitive = new VadParams(silence, 0.3, 100, 100);
          String n = snr.equals("clean") ? "none" : noise.name().toLowerCase(Locale.ROOT);
          row(silence, n, snr, "energy 0.4",
              s.score(detect(s.samples, new VoiceActivityDetector(16000, params))), s);
          row(silence, n, snr, "energy 0.3",
              s.score(detect(s.samples, new VoiceActivityDetector(16000, sensitive))), s);
          row(silence, n, snr, "silero 0.4",
              s.score(detect(s.samples, new SileroEndpointer(net, params))), s);
        }
      }
    }
  }

  private static void row(double silence, String noise, String snr, String det, Tally t, Stream s) {
    System.out.printf(Locale.ROOT, "| %.1f s | %s | %s | %s | %d/%d | %d | %d | %d | %d | %d ms | %.0f |%n",
        silence, noise, snr.equals("clean") ? "—" : snr + " dB", det, t.correct, s.clips.size(),
        t.cutShort, t.missed, t.split, t.noise, t.endErrorP50,
        t.cpuNanos / 1000.0 / (s.samples.length / 16000.0));
  }

  /** Feeds the stream in 20 ms chunks, as a client sends, and collects the segments. */
  private static Timed detect(float[] samples, SpeechEndpointer vad) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long c0 = mx.getCurrentThreadCpuTime();
    List<Segment> segs = new ArrayList<>();
    long start = -1;
    byte[] chunk = new byte[640];
    for (int off = 0; off + 320 <= samples.length; off += 320) {
      for (int i = 0; i < 320; i++) {
        int v = Math.max(-32768, Math.min(32767, Math.round(samples[off + i] * 32768f)));
        chunk[2 * i] = (byte) v;
        chunk[2 * i + 1] = (byte) (v >> 8);
      }
      for (VadEvent e : vad.process(chunk)) {
        if (e.type() == VadEvent.Type.SPEECH_START) {
          start = e.audioMs();
        } else {
          segs.add(new Segment(start, e.audioMs()));
        }
      }
    }
    return new Timed(segs, mx.getCurrentThreadCpuTime() - c0);
  }

  /** A detected speech segment, in ms of the stream. */
  record Segment(long startMs, long endMs) {}

  record Timed(List<Segment> segments, long cpuNanos) {}

  /** Counts for one detector on one stream. */
  static final class Tally {
    int correct;
    int missed;
    int split;
    int noise;
    int cutShort;
    long endErrorP50;
    long cpuNanos;
  }

  /** One test stream: the clips laid out with gaps, noise mixed in, and the reference extents. */
  static final class Stream {
    final float[] samples;
    final List<long[]> clips = new ArrayList<>(); // reference speech [start, end] in stream ms

    private Stream(float[] samples) {
      this.samples = samples;
    }

    static Stream build(List<float[]> audio, double silence, NoiseKind noise, String snr) {
      long gap = Math.round(silence * 1000) + GAP_EXTRA_MS;
      int total = (int) (LEAD_MS * 16);
      for (float[] a : audio) {
        total += a.length + (int) (gap * 16);
      }
      float[] out = new float[total];
      List<long[]> refs = new ArrayList<>();
      int pos = (int) (LEAD_MS * 16);
      double speechPower = 0;
      long speechSamples = 0;
      for (float[] a : audio) {
        System.arraycopy(a, 0, out, pos, a.length);
        long[] ext = SpeechClips.extentMs(a);
        refs.add(new long[] {pos / 16 + ext[0], pos / 16 + ext[1]});
        for (int i = (int) (ext[0] * 16); i < Math.min(a.length, ext[1] * 16); i++) {
          speechPower += a[i] * a[i];
          speechSamples++;
        }
        pos += a.length + (int) (gap * 16);
      }
      if (!snr.equals("clean")) {
        float[] n = noise.generate(total, 42);
        double rms = Math.sqrt(speechPower / speechSamples / Math.pow(10, Double.parseDouble(snr) / 10));
        for (int i = 0; i < total; i++) {
          out[i] = (float) Math.max(-1, Math.min(1, out[i] + n[i] * rms));
        }
      }
      Stream s = new Stream(out);
      s.clips.addAll(refs);
      return s;
    }

    Tally score(Timed detected) {
      Tally t = new Tally();
      t.cpuNanos = detected.cpuNanos();
      List<Long> errors = new ArrayList<>();
      List<List<Segment>> ending = new ArrayList<>();
      for (int i = 0; i < clips.size(); i++) {
        ending.add(new ArrayList<>());
      }
      for (Segment seg : detected.segments()) {
        int owner = -1;
        for (int i = 0; i < clips.size(); i++) {
          long next = i + 1 < clips.size() ? clips.get(i + 1)[0] : Long.MAX_VALUE;
          if (seg.endMs() > clips.get(i)[0] && seg.endMs() <= next) {
            owner = i;
          }
        }
        boolean overlaps = false;
        for (long[] c : clips) {
          overlaps |= seg.startMs() < c[1] && seg.endMs() > c[0];
        }
        if (!overlaps || owner < 0) {
          t.noise++;
        } else {
          ending.get(owner).add(seg);
        }
      }
      for (int i = 0; i < clips.size(); i++) {
        List<Segment> e = ending.get(i);
        if (e.isEmpty()) {
          t.missed++;
          continue;
        }
        t.split += e.size() - 1;
        long end = e.get(e.size() - 1).endMs();
        if (end >= clips.get(i)[1] - END_TOLERANCE_MS) {
          t.correct++;
          errors.add(Math.abs(end - clips.get(i)[1]));
        } else {
          t.cutShort++;
        }
      }
      errors.sort(null);
      t.endErrorP50 = errors.isEmpty() ? -1 : errors.get(errors.size() / 2);
      return t;
    }
  }
}
