package io.voicewire.bench.engine;

import io.voicewire.engine.local.LocalSpeechProvider;
import io.voicewire.speech.CommitStrategy;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.SttListener;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.SttSession;
import io.voicewire.speech.Transcript;
import io.voicewire.speech.TtsAudio;
import io.voicewire.speech.TtsListener;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.TtsSession;
import io.voicewire.speech.VadParams;
import io.voicewire.testing.BenchSentences;
import io.voicewire.testing.WordErrorRate;
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
import java.util.concurrent.CopyOnWriteArrayList;
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
 *       session's first audio, p50/p90/p99 over all rounds;
 *   <li>STT: N streams paced in real time (20 ms chunks) of human read speech (Debian's
 *       pocketsphinx-testdata LibriVox clips when installed, else the engine's own voice), VAD
 *       commit after 0.5 s of silence: partial lag (wall clock minus the end of the newest word of
 *       the partial), first partial after the speech starts, end of VAD window → committed, WER,
 *       and the process CPU per second of audio;
 *   <li>capacity: the most streams for which partial lag p90 ≤ {@value #LAG_TARGET_MS} ms and
 *       commit p90 ≤ {@value #COMMIT_TARGET_MS} ms.
 * </ul>
 *
 * <p>Run: {@code ./voicewire bench engine [--streams 1,2,4,6,8] [--rounds 5]}; {@code ./voicewire
 * bench engine --full [--quick]} runs {@link EngineBench} instead (recognition quality per profile,
 * heap). Not thread safe; one run per JVM.
 */
public final class EngineLoadBench {
  static final int LAG_TARGET_MS = 300;
  static final int COMMIT_TARGET_MS = 350;
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
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("--streams")) {
        counts = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
      } else if (args[i].equals("--rounds")) {
        rounds = Integer.parseInt(args[i + 1]);
      }
    }
    int max = Arrays.stream(counts).max().orElse(1);
    var os = ManagementFactory.getOperatingSystemMXBean();
    OUT.printf("# local engine under load (%d cores, max heap %d MB, %s; load average %.1f)%n%n",
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
        Runtime.version(), os.getSystemLoadAverage());
    long t0 = System.nanoTime();
    LocalSpeechProvider p = LocalSpeechProvider.builder().sttStreams(max).build();
    p.awaitReady(10, TimeUnit.MINUTES);
    OUT.printf("ready in %.1f s: %d model copies, %d STT lanes (default capacity on this machine:"
        + " %d streams)%n%n", (System.nanoTime() - t0) / 1e9, p.sttDecoders(), p.sttStreams(),
        LocalSpeechProvider.DEFAULT_STT_STREAMS_PER_CORE
            * Runtime.getRuntime().availableProcessors());

    List<Clip> clips = clips(p);
    OUT.println("## TTS: N sessions at once, each flushes 3 sentences (cmu-slt-hsmm, pcm_16000)");
    OUT.println();
    OUT.println("| sessions | first audio p50 | p90 | p99 | max | n | load avg |");
    OUT.println("|---|---|---|---|---|---|---|");
    for (int n : counts) {
      tts(p, n, rounds);
    }
    OUT.println();
    OUT.printf("## STT: N streams paced in real time (%s; VAD 0.5 s)%n%n", clips.get(0).source);
    OUT.println("| streams | partial lag p50 | p90 | first partial p50 | p90 | commit after VAD"
        + " window p50 | p90 | max | WER | CPU s per audio s | cores busy | load avg |");
    OUT.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
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

  private static byte[] synthesize(LocalSpeechProvider p, String text) throws Exception {
    ByteArrayOutputStream audio = new ByteArrayOutputStream();
    CountDownLatch done = new CountDownLatch(1);
    TtsSession s = p.openTts(TtsRequest.builder(LocalSpeechProvider.VOICE_SLT)
        .outputFormat(io.voicewire.audio.AudioFormat.PCM_16000).autoMode(true).build(),
        new TtsListener() {
          @Override
          public void onAudio(TtsAudio a) {
            audio.writeBytes(a.audio());
          }

          @Override
          public void onClosed(boolean complete) {
            done.countDown();
          }

          @Override
          public void onFailure(SpeechError error) {
            done.countDown();
          }
        });
    s.send(text + " ");
    s.end();
    done.await(2, TimeUnit.MINUTES);
    return audio.toByteArray();
  }

  // ---------------------------------------------------------------- TTS

  private static void tts(LocalSpeechProvider p, int n, int rounds) throws Exception {
    Histogram first = new Histogram(3);
    List<String> s = BenchSentences.ALL;
    for (int r = 0; r < rounds + 1; r++) {
      long[] firstNanos = new long[n];
      CountDownLatch done = new CountDownLatch(n);
      List<TtsSession> sessions = new ArrayList<>();
      for (int k = 0; k < n; k++) {
        int kk = k;
        sessions.add(p.openTts(TtsRequest.builder(LocalSpeechProvider.VOICE_SLT)
            .outputFormat(io.voicewire.audio.AudioFormat.PCM_16000).autoMode(true).build(),
            new TtsListener() {
              @Override
              public void onAudio(TtsAudio a) {
                if (firstNanos[kk] == 0 && a.audio().length > 0) {
                  firstNanos[kk] = System.nanoTime();
                }
              }

              @Override
              public void onClosed(boolean complete) {
                done.countDown();
              }

              @Override
              public void onFailure(SpeechError error) {
                done.countDown();
              }
            }));
      }
      long[] sent = new long[n];
      for (int k = 0; k < n; k++) {
        int b = (3 * (k + r)) % (s.size() - 2);
        sent[k] = System.nanoTime();
        sessions.get(k).send(s.get(b) + " " + s.get(b + 1) + " " + s.get(b + 2) + " ");
        sessions.get(k).end();
      }
      done.await(3, TimeUnit.MINUTES);
      if (r == 0) {
        continue; // warm-up round
      }
      for (int k = 0; k < n; k++) {
        if (firstNanos[k] > 0) {
          first.recordValue(Math.max(0, (firstNanos[k] - sent[k]) / 1000));
        }
      }
    }
    OUT.printf("| %d | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %d | %.1f |%n", n,
        first.getValueAtPercentile(50) / 1e3, first.getValueAtPercentile(90) / 1e3,
        first.getValueAtPercentile(99) / 1e3, first.getMaxValue() / 1e3, first.getTotalCount(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  // ---------------------------------------------------------------- STT

  /** Runs n paced streams at once; returns whether they met the real-time targets. */
  private static boolean stt(LocalSpeechProvider p, int n, List<Clip> clips) throws Exception {
    var os = (com.sun.management.OperatingSystemMXBean)
        ManagementFactory.getOperatingSystemMXBean();
    List<Paced> runs = new ArrayList<>();
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
      runs.add(new Paced(concat(parts), ref.toString(), starts));
    }
    long cpu0 = os.getProcessCpuTime();
    long wall0 = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      Paced run = runs.get(k);
      threads.add(Thread.ofPlatform().name("bench-stt-" + k).start(() -> run.run(p)));
    }
    for (Thread t : threads) {
      t.join(TimeUnit.MINUTES.toMillis(5));
    }
    double cpuS = (os.getProcessCpuTime() - cpu0) / 1e9;
    double wallS = (System.nanoTime() - wall0) / 1e9;
    Histogram lag = new Histogram(3);
    Histogram firstPartial = new Histogram(3);
    Histogram commit = new Histogram(3);
    double audioS = 0;
    int words = 0;
    int errors = 0;
    int failed = 0;
    for (Paced r : runs) {
      r.lagMillis.forEach(v -> lag.recordValue(Math.max(0, v)));
      r.firstPartialMillis.forEach(v -> firstPartial.recordValue(Math.max(0, v)));
      r.commitMillis.forEach(v -> commit.recordValue(Math.max(0, v)));
      audioS += r.audio.length / 32000.0;
      List<String> ref = WordErrorRate.words(r.ref);
      words += ref.size();
      errors += WordErrorRate.errors(ref, WordErrorRate.words(String.join(" ", r.texts)));
      failed += r.failure != null ? 1 : 0;
    }
    long lag90 = lag.getValueAtPercentile(90);
    long commit90 = commit.getValueAtPercentile(90);
    OUT.printf("| %d%s | %d ms | %d ms | %d ms | %d ms | %d ms | %d ms | %d ms | %.1f %% | %.2f |"
        + " %.2f | %.1f |%n", n, failed > 0 ? " (" + failed + " failed)" : "",
        lag.getValueAtPercentile(50), lag90, firstPartial.getValueAtPercentile(50),
        firstPartial.getValueAtPercentile(90), commit.getValueAtPercentile(50), commit90,
        commit.getMaxValue(), 100.0 * errors / Math.max(1, words), cpuS / audioS,
        cpuS / wallS, os.getSystemLoadAverage());
    return failed == 0 && lag90 <= LAG_TARGET_MS && commit90 <= COMMIT_TARGET_MS;
  }

  /** One real-time stream: sends 20 ms every 20 ms and times what comes back. */
  private static final class Paced implements SttListener {
    final byte[] audio;
    final String ref;
    final List<Long> lagMillis = new CopyOnWriteArrayList<>();
    final List<Long> firstPartialMillis = new CopyOnWriteArrayList<>();
    final List<Long> commitMillis = new CopyOnWriteArrayList<>();
    final List<String> texts = new CopyOnWriteArrayList<>();
    volatile SpeechError failure;
    private volatile long startNanos;
    private final long[] speechStartMs;
    private volatile boolean segmentHasPartial;
    private final CountDownLatch closed = new CountDownLatch(1);

    Paced(byte[] audio, String ref, long[] speechStartMs) {
      this.audio = audio;
      this.ref = ref;
      this.speechStartMs = speechStartMs;
    }

    private long wallOf(long ms) {
      return startNanos + ms * 1_000_000;
    }

    @Override
    public void onPartial(Transcript t) {
      long now = System.nanoTime();
      lagMillis.add((now - wallOf(t.audioEndMs())) / 1_000_000);
      int segment = texts.size();
      if (!segmentHasPartial && segment < speechStartMs.length) {
        segmentHasPartial = true; // after the clip's first sample was sent
        firstPartialMillis.add((now - wallOf(speechStartMs[segment])) / 1_000_000);
      }
    }

    @Override
    public void onCommitted(Transcript t) {
      commitMillis.add((System.nanoTime() - wallOf(t.audioEndMs())) / 1_000_000);
      texts.add(t.text());
      segmentHasPartial = false;
    }

    @Override
    public void onClosed() {
      closed.countDown();
    }

    @Override
    public void onFailure(SpeechError e) {
      failure = e;
      closed.countDown();
    }

    void run(LocalSpeechProvider p) {
      SttSession s = p.openStt(SttRequest.builder().commitStrategy(CommitStrategy.VAD)
          .vad(new VadParams(0.5, 0.4, 100, 100)).build(), this);
      int chunk = 640;
      startNanos = System.nanoTime();
      for (int i = 0, k = 1; i < audio.length && failure == null; i += chunk, k++) {
        s.sendAudio(Arrays.copyOfRange(audio, i, Math.min(audio.length, i + chunk)));
        long wait = startNanos + k * 20_000_000L - System.nanoTime();
        if (wait > 0) {
          try {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
      s.close();
      try {
        closed.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
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
