package io.voicewire.bench.engine;

import io.voicewire.engine.local.LocalSpeechProvider;
import io.voicewire.speech.CommitStrategy;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.SttListener;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.SttSession;
import io.voicewire.speech.Transcript;
import io.voicewire.speech.VadParams;
import io.voicewire.testing.WordErrorRate;
import org.HdrHistogram.Histogram;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One STT stream paced in real time: sends 20 ms of 16 kHz audio every 20 ms (VAD commit after
 * 0.5 s of silence) and times what comes back against the wall clock of the audio sent. Its
 * lists are written by the session's listener thread and read after {@link #run} returns.
 */
final class PacedStream implements SttListener {
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

  PacedStream(byte[] audio, String ref, long[] speechStartMs) {
    this.audio = audio;
    this.ref = ref;
    this.speechStartMs = speechStartMs;
  }

  /**
   * What a set of finished streams measured together: lag of partials, time to a segment's first
   * partial and to its commit (ms), how many partials and commits, seconds of audio, reference
   * words, word errors and failed streams.
   */
  record Totals(Histogram lag, Histogram firstPartial, Histogram commit, int partials,
      int commits, double audioSeconds, int words, int errors, int failed) {
    /** The totals of {@code runs}, after each {@link #run} returned. */
    static Totals of(List<PacedStream> runs) {
      Histogram lag = new Histogram(3);
      Histogram firstPartial = new Histogram(3);
      Histogram commit = new Histogram(3);
      int partials = 0;
      int commits = 0;
      double audioS = 0;
      int words = 0;
      int errors = 0;
      int failed = 0;
      for (PacedStream r : runs) {
        r.lagMillis.forEach(v -> lag.recordValue(Math.max(0, v)));
        r.firstPartialMillis.forEach(v -> firstPartial.recordValue(Math.max(0, v)));
        r.commitMillis.forEach(v -> commit.recordValue(Math.max(0, v)));
        partials += r.lagMillis.size();
        commits += r.commitMillis.size();
        audioS += r.audio.length / 32000.0;
        words += r.referenceWords();
        errors += r.wordErrors();
        failed += r.failure != null ? 1 : 0;
      }
      return new Totals(lag, firstPartial, commit, partials, commits, audioS, words, errors,
          failed);
    }
  }

  /** Words in the reference text. */
  int referenceWords() {
    return WordErrorRate.words(ref).size();
  }

  /** Word errors of the committed text against the reference. */
  int wordErrors() {
    return WordErrorRate.errors(WordErrorRate.words(ref),
        WordErrorRate.words(String.join(" ", texts)));
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
