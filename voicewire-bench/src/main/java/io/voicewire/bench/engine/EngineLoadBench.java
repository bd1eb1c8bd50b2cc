package io.voicewire.bench.engine;

import io.voicewire.engine.local.LocalSpeechProvider;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsAudio;
import io.voicewire.speech.TtsListener;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.TtsSession;
import io.voicewire.testing.BenchSentences;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.HdrHistogram.Histogram;

/**
 * The local engine under load: 1, 2, 4, 6 and 8 concurrent sessions side by side in one run, so
 * that a shared machine's load weighs on every row alike (docs/bench-engine.md).
 *
 * <ul>
 *   <li>TTS: N sessions start together, each flushes three sentences; time from the send to each
 *       session's first audio, p50/p90/p99 over all rounds; and the gaps a player started at the
 *       first chunk would hear (sessions whose player waited ≥ {@value #GAP_MIN_MS} ms in silence
 *       for audio, and the longest total wait of one session);
 *   <li>STT: N streams paced in real time (20 ms chunks) of human read speech (Debian's
 *       pocketsphinx-testdata LibriVox clips when installed, else the engine's own voice), VAD
 *       commit after 0.5 s of silence: partial lag (wall clock minus the end of the newest word of
 *       the partial), first partial after the speech starts, end of VAD window → committed, WER,
 *       and the process CPU per second of audio;
 *   <li>capacity: the most streams for which partial lag p90 ≤ {@value #LAG_TARGET_MS} ms and
 *       commit p90 ≤ {@value #COMMIT_TARGET_MS} ms.
 * </ul>
 *
 * <p>Run: {@code ./voicewire bench engine [--streams 1,2,4,6,8] [--rounds 5] [--tts-workers N]
 * [--tts-only]}; {@code ./voicewire
 * bench engine --full [--quick]} runs {@link EngineBench} instead (recognition quality per profile,
 * heap). Not thread safe; one run per JVM.
 */
public final class EngineLoadBench {
  static final int LAG_TARGET_MS = 300;
  static final int COMMIT_TARGET_MS = 350;
  /** A session whose player waited this long in silence after its first audio counts as gapped. */
  static final int GAP_MIN_MS = 20;
  private static final Path LIBRIVOX = Path.of("/usr/share/pocketsphinx/test/data/librivox");
  private static final PrintStream OUT = System.out;

  private EngineLoadBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--full")) {
      EngineBench.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    int[] counts = {1, 2, 4, 6, 8};
    int rounds = 5;
    int ttsWorkers = Runtime.getRuntime().availableProcessors();
    boolean stt = !Arrays.asList(args).contains("--tts-only");
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("--streams")) {
        counts = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
      } else if (args[i].equals("--rounds")) {
        rounds = Integer.parseInt(args[i + 1]);
      } else if (args[i].equals("--tts-workers")) {
        ttsWorkers = Integer.parseInt(args[i + 1]);
      }
    }
    int max = Arrays.stream(counts).max().orElse(1);
    var os = ManagementFactory.getOperatingSystemMXBean();
    OUT.printf("# local engine under load (%d cores, max heap %d MB, %s; load average %.1f)%n%n",
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
        Runtime.version(), os.getSystemLoadAverage());
    long t0 = System.nanoTime();
    LocalSpeechProvider p = LocalSpeechProvider.builder().sttStreams(max).ttsWorkers(ttsWorkers)
        .sttDecoders(stt ? Math.min(2, Runtime.getRuntime().availableProcessors()) : 0).build();
    p.awaitReady(10, TimeUnit.MINUTES);
    OUT.printf("ready in %.1f s: %d model copies, %d STT lanes (default capacity on this machine:"
        + " %d streams)%n%n", (System.nanoTime() - t0) / 1e9, p.sttDecoders(), p.sttStreams(),
        LocalSpeechProvider.DEFAULT_STT_STREAMS_PER_CORE
            * Runtime.getRuntime().availableProcessors());

    List<Clip> clips = clips(p);
    OUT.printf("## TTS: N sessions at once, each flushes 3 sentences (cmu-slt-hsmm, pcm_16000,"
        + " %d workers)%n", p.ttsWorkers());
    OUT.println();
    OUT.println("| sessions | first audio p50 | p90 | p99 | max | n | with a gap | longest gap"
        + " | load avg |");
    OUT.println("|---|---|---|---|---|---|---|---|---|");
    for (int n : counts) {
      tts(p, n, rounds);
    }
    OUT.println();
    if (!stt) {
      p.close();
      System.exit(0);
    }
    OUT.printf("## STT: N streams paced in real time (%s; VAD 0.5 s)%n%n", clips.get(0).source);
    OUT.println("| streams | partial lag p50 | p90 | first partial p50 | p90 | commit after VAD"
        + " window p50 | p90 | max | WER | CPU s per audio s | cores busy | copies busy |"
        + " waiting | room | load avg |");
    OUT.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    int capacity = 0;
    for (int n : counts) {
      if (stt(p, n, clips) && n > capacity) {
        capacity = n;
      }
    }
    OUT.printf("%ncapacity (partial lag p90 ≤ %d ms and commit p90 ≤ %d ms): %d streams%n",
        LAG_TARGET_MS, COMMIT_TARGET_MS, capacity);
    OUT.printf("load average at the end: %.1f%n", os.getSystemLoadAverage());
    p.close();
    System.exit(0);
  }

  private record Clip(byte[] pcm, String text, String source) {}

  /** LibriVox read speech when installed, else the engine's own voice. */
  private static List<Clip> clips(LocalSpeechProvider p) throws Exception {
    List<Clip> out = new ArrayList<>();
    Path ids = LIBRIVOX.resolve("transcription");
    if (Files.isReadable(ids)) {
      try (Stream<Path> wavs = Files.list(LIBRIVOX)) {
        for (Path w : wavs.filter(f -> f.toString().endsWith(".wav")).sorted().toList()) {
          String id = w.getFileName().toString().replace(".wav", "");
          String text = Files.readAllLines(ids).stream().filter(l -> l.contains("(" + id + ")"))
              .map(l -> l.replaceAll("\\(.*\\)", "").replaceAll("</?s>", "").strip())
              .findFirst().orElse(null);
          if (text != null) {
            out.add(new Clip(readWav16k(w), text, "LibriVox read speech"));
          }
        }
      }
    }
    if (out.isEmpty()) {
      for (String s : BenchSentences.ALL.subList(0, 5)) {
        out.add(new Clip(synthesize(p, s), s, "cmu-slt-hsmm speech"));
      }
    }
    return out;
  }

  private static byte[] readWav16k(Path wav) throws Exception {
    AudioFormat f16 = new AudioFormat(16_000f, 16, 1, true, false);
    try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile());
        AudioInputStream pcm = AudioSystem.getAudioInputStream(f16, in)) {
      return readAll(pcm);
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    for (int n; (n = in.read(buf)) != -1; ) {
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  /** A TTS session that collects its audio and the time of its first audio. */
  private static final class TtsProbe implements TtsListener {
    final ByteArrayOutputStream audio = new ByteArrayOutputStream();
    final CountDownLatch done;
    volatile long firstNanos;
    final TtsSession session;
    // a player's view, on the listener's thread: audio received, time it fell silent waiting
    private double audioMs;
    private double gapMs;

    TtsProbe(LocalSpeechProvider p, CountDownLatch done) {
      this.done = done;
      this.session = p.openTts(TtsRequest.builder(LocalSpeechProvider.VOICE_SLT)
          .outputFormat(io.voicewire.audio.AudioFormat.PCM_16000).autoMode(true).build(), this);
    }

    @Override
    public void onAudio(TtsAudio a) {
      long now = System.nanoTime();
      if (firstNanos == 0 && a.audio().length > 0) {
        firstNanos = now;
      } else if (firstNanos != 0) {
        // a player started at the first chunk has played this much; beyond the audio it had, it
        // waited in silence (and plays on later by as much)
        double silent = (now - firstNanos) / 1e6 - gapMs - audioMs;
        if (silent > 0) {
          gapMs += silent;
        }
      }
      audioMs += a.audio().length / 32.0; // pcm_16000
      synchronized (audio) {
        audio.writeBytes(a.audio());
      }
    }

    /** Milliseconds a player of this session's audio waited in silence after it had started. */
    double gapMs() {
      return gapMs;
    }

    @Override
    public void onClosed(boolean complete) {
      done.countDown();
    }

    @Override
    public void onFailure(SpeechError error) {
      done.countDown();
    }
  }

  private static byte[] synthesize(LocalSpeechProvider p, String text) throws Exception {
    TtsProbe t = new TtsProbe(p, new CountDownLatch(1));
    t.session.send(text + " ");
    t.session.end();
    t.done.await(2, TimeUnit.MINUTES);
    synchronized (t.audio) {
      return t.audio.toByteArray();
    }
  }

  // ---------------------------------------------------------------- TTS

  private static void tts(LocalSpeechProvider p, int n, int rounds) throws Exception {
    Histogram first = new Histogram(3);
    int withGap = 0;
    double maxGap = 0;
    List<String> s = BenchSentences.ALL;
    for (int r = 0; r < rounds + 1; r++) {
      CountDownLatch done = new CountDownLatch(n);
      List<TtsProbe> sessions = new ArrayList<>();
      for (int k = 0; k < n; k++) {
        sessions.add(new TtsProbe(p, done));
      }
      long[] sent = new long[n];
      for (int k = 0; k < n; k++) {
        int b = (3 * (k + r)) % (s.size() - 2);
        sent[k] = System.nanoTime();
        sessions.get(k).session.send(s.get(b) + " " + s.get(b + 1) + " " + s.get(b + 2) + " ");
        sessions.get(k).session.end();
      }
      done.await(3, TimeUnit.MINUTES);
      if (r == 0) {
        continue; // warm-up round
      }
      for (int k = 0; k < n; k++) {
        long f = sessions.get(k).firstNanos;
        if (f > 0) {
          first.recordValue(Math.max(0, (f - sent[k]) / 1000));
        }
        double gap = sessions.get(k).gapMs();
        withGap += gap >= GAP_MIN_MS ? 1 : 0;
        maxGap = Math.max(maxGap, gap);
      }
    }
    OUT.printf("| %d | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %d | %d | %.0f ms | %.1f |%n", n,
        first.getValueAtPercentile(50) / 1e3, first.getValueAtPercentile(90) / 1e3,
        first.getValueAtPercentile(99) / 1e3, first.getMaxValue() / 1e3, first.getTotalCount(),
        withGap, maxGap, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  // ---------------------------------------------------------------- STT

  /** Runs n paced streams at once; returns whether they met the real-time targets. */
  private static boolean stt(LocalSpeechProvider p, int n, List<Clip> clips) throws Exception {
    var os = (com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean();
    List<PacedStream> runs = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      List<byte[]> parts = new ArrayList<>(List.of(silence(500)));
      StringBuilder ref = new StringBuilder();
      long[] starts = new long[3];
      long at = 500;
      for (int j = 0; j < 3; j++) {
        Clip c = clips.get((k + j) % clips.size());
        starts[j] = at;
        parts.add(c.pcm());
        parts.add(silence(1200));
        at += c.pcm().length / 32 + 1200;
        ref.append(c.text()).append(' ');
      }
      runs.add(new PacedStream(concat(parts), ref.toString(), starts));
    }
    long cpu0 = os.getProcessCpuTime();
    long wall0 = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      PacedStream run = runs.get(k);
      threads.add(Thread.ofPlatform().name("bench-stt-" + k).start(() -> run.run(p)));
    }
    LoadSampler load = new LoadSampler(p);
    for (Thread t : threads) {
      t.join(TimeUnit.MINUTES.toMillis(5));
    }
    load.stop();
    double cpuS = (os.getProcessCpuTime() - cpu0) / 1e9;
    double wallS = (System.nanoTime() - wall0) / 1e9;
    PacedStream.Totals t = PacedStream.Totals.of(runs);
    Histogram lag = t.lag();
    Histogram firstPartial = t.firstPartial();
    Histogram commit = t.commit();
    long lag90 = lag.getValueAtPercentile(90);
    long commit90 = commit.getValueAtPercentile(90);
    int failed = t.failed();
    OUT.printf("| %d%s | %d ms | %d ms | %d ms | %d ms | %d ms | %d ms | %d ms | %.1f %% | %.2f |"
        + " %.2f | %s | %s | %s | %.1f |%n", n, failed > 0 ? " (" + failed + " failed)" : "",
        lag.getValueAtPercentile(50), lag90, firstPartial.getValueAtPercentile(50),
        firstPartial.getValueAtPercentile(90), commit.getValueAtPercentile(50), commit90,
        commit.getMaxValue(), 100.0 * t.errors() / Math.max(1, t.words()), cpuS / t.audioSeconds(),
        cpuS / wallS, load.busy(), load.waiting(), load.room(), os.getSystemLoadAverage());
    return failed == 0 && lag90 <= LAG_TARGET_MS && commit90 <= COMMIT_TARGET_MS;
  }

  /**
   * Samples the recognizer's measured load ({@link LocalSpeechProvider#sttLoad()}) every
   * {@value #SAMPLE_MILLIS} ms during an STT row: mean busy share of each model copy (its
   * real-time factor), mean lanes waiting for a copy, and the share of samples in which the
   * engine's admission would have found room for one more speaking stream.
   */
  private static final class LoadSampler {
    static final int SAMPLE_MILLIS = 250;
    private final double[] busy = new double[8];
    private final double[] waiting = new double[8];
    private int copies;
    private int samples;
    private int room;
    private final Thread thread;

    LoadSampler(LocalSpeechProvider p) {
      thread = Thread.ofPlatform().daemon().name("bench-stt-load").start(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          var l = p.sttLoad();
          synchronized (this) {
            copies = Math.min(busy.length, l.busyShare().length);
            for (int i = 0; i < copies; i++) {
              busy[i] += l.busyShare()[i];
              waiting[i] += l.meanWaiting()[i];
            }
            samples++;
            room += l.realtimeRoom() ? 1 : 0;
          }
          try {
            Thread.sleep(SAMPLE_MILLIS);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
    }

    void stop() throws InterruptedException {
      thread.interrupt();
      thread.join(5_000);
    }

    synchronized String busy() {
      return means(busy, 100, "%.0f %%");
    }

    synchronized String waiting() {
      return means(waiting, 1, "%.2f");
    }

    synchronized String room() {
      return String.format("%.0f %%", 100.0 * room / Math.max(1, samples));
    }

    private String means(double[] sums, double scale, String format) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < copies; i++) {
        sb.append(i > 0 ? " / " : "")
            .append(String.format(format, scale * sums[i] / Math.max(1, samples)));
      }
      return sb.toString();
    }
  }

  private static byte[] silence(int ms) {
    return new byte[ms * 32];
  }

  private static byte[] concat(List<byte[]> parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    parts.forEach(out::writeBytes);
    return out.toByteArray();
  }
}
