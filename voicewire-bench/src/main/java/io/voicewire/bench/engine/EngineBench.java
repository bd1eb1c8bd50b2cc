package io.voicewire.bench.engine;

import io.voicewire.audio.AudioConverter;
import io.voicewire.audio.AudioFormat;
import io.voicewire.engine.local.LocalSpeechProvider;
import io.voicewire.engine.local.RecognizerProfile;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.SttListener;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.SttSession;
import io.voicewire.speech.Transcript;
import io.voicewire.speech.TtsAudio;
import io.voicewire.speech.TtsListener;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.TtsSession;
import io.voicewire.testing.BenchSentences;
import io.voicewire.testing.WordErrorRate;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Measures the local engine and prints markdown tables (docs/bench-engine.md):
 * <ul>
 *   <li>TTS: time from a sentence becoming releasable to its first audio (warm, p50/p95), and the
 *       synthesis real-time factor, for each voice; the same TTFA while another session
 *       synthesizes a long text;
 *   <li>STT per recognizer profile: word error rate and real-time factor on the bench sentences
 *       spoken by each voice (and through 8 kHz μ-law), fed as fast as taken;
 *   <li>STT paced in real time with 1 to 3 concurrent streams: partial lag (wall clock minus the
 *       end of the newest word of the partial) and end-of-speech → committed latency (VAD);
 *   <li>heap: per recognizer, per active and per idle STT session.
 * </ul>
 * Run: {@code ./voicewire bench engine --full [--quick | --accurate-only]}:
 * {@code --quick} measures 8 sentences with the FAST profile only; {@code --accurate-only} only
 * the ACCURATE profile's recognition.
 */
public final class EngineBench {
  private static final PrintStream OUT = System.out;

  private EngineBench() {}

  public static void main(String[] args) throws Exception {
    boolean quick = Arrays.asList(args).contains("--quick");
    boolean accurateOnly = Arrays.asList(args).contains("--accurate-only");
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    OUT.printf("# local engine bench (%d cores, max heap %d MB, %s)%n%n",
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
        Runtime.version());
    List<String> sentences = quick ? BenchSentences.ALL.subList(0, 8) : BenchSentences.ALL;

    long t0 = System.nanoTime();
    LocalSpeechProvider fast = LocalSpeechProvider.builder()
        .recognizerProfile(RecognizerProfile.FAST).build();
    fast.awaitReady(10, TimeUnit.MINUTES);
    OUT.printf("start-up (build → ready, 2 voices, %d decoders, warmed): %.1f s; JVM start →"
        + " ready %.1f s; load average %.2f%n%n", fast.sttDecoders(),
        (System.nanoTime() - t0) / 1e9, (System.currentTimeMillis() - jvmStart) / 1e3,
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

    // clips for recognition: every sentence by each voice
    List<byte[]> slt = new ArrayList<>();
    List<byte[]> kevin = new ArrayList<>();
    for (String s : sentences) {
      slt.add(synth(fast, LocalSpeechProvider.VOICE_SLT, s).pcm);
      kevin.add(synth(fast, LocalSpeechProvider.VOICE_KEVIN, s).pcm);
    }

    if (!accurateOnly) {
      ttsSection(fast, sentences, quick);
      sttSection(fast, RecognizerProfile.FAST, sentences, slt, kevin, true);
      pacedSection(fast, RecognizerProfile.FAST, slt,
          quick ? new int[] {1, 2} : new int[] {1, 1, 2, 2, 3});
      heapSection(fast, slt);
    }
    fast.close();
    if (!quick) {
      long heap0 = usedHeap();
      LocalSpeechProvider accurate = LocalSpeechProvider.builder().voices(List.of())
          .recognizerProfile(RecognizerProfile.ACCURATE).build();
      accurate.awaitReady(10, TimeUnit.MINUTES);
      OUT.printf("## Heap per recognizer%n%n- %d decoders, no voices, loaded and warmed: %.0f MB"
          + " per decoder%n%n", accurate.sttDecoders(),
          (usedHeap() - heap0) / (double) accurate.sttDecoders() / (1 << 20));
      sttSection(accurate, RecognizerProfile.ACCURATE, sentences, slt, kevin, false);
      pacedSection(accurate, RecognizerProfile.ACCURATE, slt, new int[] {1});
      accurate.close();
    }
    OUT.printf("%nload average at the end: %.2f%n",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    System.exit(0);
  }

  // ---------------------------------------------------------------- TTS

  private static void ttsSection(LocalSpeechProvider p, List<String> sentences, boolean quick)
      throws Exception {
    OUT.println("## TTS (warm; one sentence per session, auto_mode, pcm_16000)");
    OUT.println();
    OUT.println("| voice | sentences | TTFA p50 | TTFA p95 | TTFA max | synthesis RTF p50 |"
        + " RTF p95 | audio |");
    OUT.println("|---|---|---|---|---|---|---|---|");
    for (String voice : List.of(LocalSpeechProvider.VOICE_SLT, LocalSpeechProvider.VOICE_KEVIN)) {
      for (String s : sentences.subList(0, 4)) {
        synth(p, voice, s); // warm-up round
      }
      Histogram ttfa = new Histogram(3);
      List<Double> rtf = new ArrayList<>();
      double audioS = 0;
      int rounds = quick ? 1 : 2;
      for (int r = 0; r < rounds; r++) {
        for (String s : sentences) {
          Synth x = synth(p, voice, s);
          ttfa.recordValue(x.ttfaMicros);
          rtf.add(x.totalMillis / x.audioMillis);
          audioS += x.audioMillis / 1000;
        }
      }
      Collections.sort(rtf);
      OUT.printf("| %s | %d | %.1f ms | %.1f ms | %.1f ms | %.3f | %.3f | %.0f s |%n", voice,
          rtf.size(), ttfa.getValueAtPercentile(50) / 1e3, ttfa.getValueAtPercentile(95) / 1e3,
          ttfa.getMaxValue() / 1e3, pct(rtf, 50), pct(rtf, 95), audioS);
    }
    // fairness: a short sentence's TTFA while a long text keeps a session busy
    Histogram busy = new Histogram(3);
    for (int i = 0; i < (quick ? 4 : 8); i++) {
      CountDownLatch longDone = new CountDownLatch(1);
      TtsSession longS = p.openTts(TtsRequest.builder(LocalSpeechProvider.VOICE_SLT)
          .autoMode(true).build(), new TtsListener() {
            @Override
            public void onClosed(boolean complete) {
              longDone.countDown();
            }
          });
      longS.send(String.join(" ", sentences) + " ");
      longS.end();
      Thread.sleep(300);
      Synth x = synth(p, LocalSpeechProvider.VOICE_SLT, sentences.get(i % sentences.size()));
      busy.recordValue(x.ttfaMicros);
      longS.close();
      longDone.await(30, TimeUnit.SECONDS);
    }
    OUT.printf("%nTTFA of a new session while another synthesizes %d sentences (cmu-slt-hsmm):"
        + " p50 %.1f ms, max %.1f ms (n=%d)%n%n", sentences.size(),
        busy.getValueAtPercentile(50) / 1e3, busy.getMaxValue() / 1e3, busy.getTotalCount());
  }

  private record Synth(long ttfaMicros, double totalMillis, double audioMillis, byte[] pcm) {}

  /** One sentence through a fresh session; TTFA from the send that makes it releasable. */
  private static Synth synth(LocalSpeechProvider p, String voice, String text) throws Exception {
    AudioFormat f = AudioFormat.PCM_16000;
    ByteArrayOutputStream audio = new ByteArrayOutputStream();
    long[] first = {-1};
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    TtsSession s = p.openTts(TtsRequest.builder(voice).outputFormat(f).autoMode(true).build(),
        new TtsListener() {
          @Override
          public void onAudio(TtsAudio a) {
            if (first[0] < 0 && a.audio().length > 0) {
              first[0] = System.nanoTime();
            }
            audio.writeBytes(a.audio());
          }

          @Override
          public void onClosed(boolean complete) {
            done.complete(complete);
          }

          @Override
          public void onFailure(SpeechError error) {
            done.completeExceptionally(new IllegalStateException(error.toString()));
          }
        });
    long t0 = System.nanoTime();
    s.send(text + " ");
    s.end();
    done.get(2, TimeUnit.MINUTES);
    long t1 = System.nanoTime();
    byte[] pcm = audio.toByteArray();
    return new Synth((first[0] - t0) / 1000, (t1 - t0) / 1e6, f.millisForBytes(pcm.length), pcm);
  }

  // ---------------------------------------------------------------- STT, as fast as taken

  private static void sttSection(LocalSpeechProvider p, RecognizerProfile profile,
      List<String> sentences, List<byte[]> slt, List<byte[]> kevin, boolean all)
      throws Exception {
    OUT.printf("## STT %s (%s), one stream fed as fast as taken, manual commit%n%n", profile,
        profile.configResource());
    OUT.println("| speech | sentences | words | WER | RTF p50 | RTF p95 |");
    OUT.println("|---|---|---|---|---|---|");
    row(p, "cmu-slt-hsmm, 16 kHz", sentences, slt, AudioFormat.PCM_16000);
    if (all) {
      row(p, "kevin16, 16 kHz", sentences, kevin, AudioFormat.PCM_16000);
      row(p, "cmu-slt-hsmm via ulaw_8000", sentences, slt, AudioFormat.ULAW_8000);
    }
    OUT.println();
  }

  private static void row(LocalSpeechProvider p, String label, List<String> refs,
      List<byte[]> clips, AudioFormat f) throws Exception {
    int words = 0;
    int errors = 0;
    List<Double> rtf = new ArrayList<>();
    for (int i = 0; i < refs.size(); i++) {
      byte[] pcm = concat(silence(300), clips.get(i), silence(300));
      byte[] in = f.equals(AudioFormat.PCM_16000) ? pcm : convert(pcm, f);
      long t0 = System.nanoTime();
      Transcript t = recognizeFast(p, in, f);
      double ms = (System.nanoTime() - t0) / 1e6;
      rtf.add(ms / f.millisForBytes(in.length));
      List<String> r = WordErrorRate.words(refs.get(i));
      words += r.size();
      errors += WordErrorRate.errors(r, WordErrorRate.words(t.text()));
    }
    Collections.sort(rtf);
    OUT.printf("| %s | %d | %d | %.1f %% | %.2f | %.2f |%n", label, refs.size(), words,
        100.0 * errors / words, pct(rtf, 50), pct(rtf, 95));
  }

  private static Transcript recognizeFast(LocalSpeechProvider p, byte[] audio, AudioFormat f)
      throws Exception {
    CompletableFuture<Transcript> c = new CompletableFuture<>();
    try (SttSession s = p.openStt(SttRequest.builder().audioFormat(f).build(), new SttListener() {
      @Override
      public void onCommitted(Transcript t) {
        c.complete(t);
      }

      @Override
      public void onFailure(SpeechError e) {
        c.completeExceptionally(new IllegalStateException(e.toString()));
      }
    })) {
      int chunk = f.bytesForMillis(100);
      for (int i = 0; i < audio.length; i += chunk) {
        s.sendAudio(Arrays.copyOfRange(audio, i, Math.min(audio.length, i + chunk)));
      }
      s.commit();
      return c.get(2, TimeUnit.MINUTES);
    }
  }

  // ---------------------------------------------------------------- STT, paced

  private static void pacedSection(LocalSpeechProvider p, RecognizerProfile profile,
      List<byte[]> slt, int[] streamCounts) throws Exception {
    OUT.printf("## STT %s paced in real time (20 ms chunks, VAD commit, silence 0.5 s)%n%n",
        profile);
    OUT.println("| streams | partials | partial lag p50 | p95 | max | partials/s |"
        + " commits | end of VAD window → committed p50 | max | WER |");
    OUT.println("|---|---|---|---|---|---|---|---|---|---|");
    List<String> refs = BenchSentences.ALL;
    for (int n : streamCounts) {
      List<PacedStream> runs = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      for (int k = 0; k < n; k++) {
        // stream k speaks 4 sentences with 1.2 s pauses
        int base = (4 * k) % (slt.size() - 3);
        List<byte[]> parts = new ArrayList<>();
        StringBuilder ref = new StringBuilder();
        parts.add(silence(500));
        for (int j = 0; j < 4; j++) {
          parts.add(slt.get(base + j));
          parts.add(silence(1200));
          ref.append(refs.get(base + j)).append(' ');
        }
        PacedStream run = new PacedStream(concat(parts.toArray(new byte[0][])), ref.toString(),
            new long[0]);
        runs.add(run);
        threads.add(Thread.ofPlatform().name("bench-feed-" + k).start(() -> run.run(p)));
      }
      for (Thread t : threads) {
        t.join(TimeUnit.MINUTES.toMillis(3));
      }
      PacedStream.Totals t = PacedStream.Totals.of(runs);
      OUT.printf("| %d | %d | %d ms | %d ms | %d ms | %.1f | %d | %d ms | %d ms | %.1f %% |%n", n,
          t.partials(), t.lag().getValueAtPercentile(50), t.lag().getValueAtPercentile(95),
          t.lag().getMaxValue(), t.partials() / t.audioSeconds(), t.commits(),
          t.commit().getValueAtPercentile(50), t.commit().getMaxValue(),
          100.0 * t.errors() / t.words());
    }
    OUT.println();
  }

  // ---------------------------------------------------------------- heap

  private static void heapSection(LocalSpeechProvider p, List<byte[]> slt) throws Exception {
    OUT.println("## Heap (used after GC)");
    OUT.println();
    long base = usedHeap();
    OUT.printf("- whole provider (2 voices + %d warmed decoders), idle: %d MB%n", p.sttDecoders(),
        base >> 20);
    // idle sessions: silence only, no decoder held
    List<SttSession> idle = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      SttSession s = p.openStt(SttRequest.builder().build(), new SttListener() {});
      s.sendAudio(silence(1000));
      idle.add(s);
    }
    long withIdle = usedHeap();
    OUT.printf("- per idle STT session (50 open, 1 s of silence each): %.0f KB%n",
        (withIdle - base) / 50.0 / 1024);
    idle.forEach(SttSession::close);
    // active sessions: the same sessions before and while speaking (each holding a decoder)
    List<SttSession> active = new ArrayList<>();
    for (int i = 0; i < p.sttDecoders(); i++) {
      SttSession s = p.openStt(SttRequest.builder().build(), new SttListener() {});
      s.sendAudio(silence(1000));
      active.add(s);
    }
    long before = usedHeap();
    for (int i = 0; i < active.size(); i++) {
      byte[] a = slt.get(i);
      for (int j = 0; j < a.length; j += 3200) {
        active.get(i).sendAudio(Arrays.copyOfRange(a, j, Math.min(a.length, j + 3200)));
      }
    }
    Thread.sleep(2000); // the decoders are mid-utterance: no end of speech was sent
    long withActive = usedHeap();
    OUT.printf("- per active STT session (speaking, decoder held, mid-utterance; pass buffer,"
        + " search state): %.0f KB%n", (withActive - before) / (double) active.size() / 1024);
    active.forEach(SttSession::close);
    OUT.println();
  }

  private static long usedHeap() throws InterruptedException {
    Runtime r = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return r.totalMemory() - r.freeMemory();
  }

  // ---------------------------------------------------------------- helpers

  private static double pct(List<Double> sorted, double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  private static byte[] convert(byte[] pcm16k, AudioFormat to) {
    AudioConverter c = AudioConverter.create(AudioFormat.PCM_16000, to);
    return concat(c.convert(pcm16k), c.flush());
  }

  private static byte[] silence(int ms) {
    return new byte[32 * ms];
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] b : parts) {
      out.writeBytes(b);
    }
    return out.toByteArray();
  }
}
