package io.voicewire.engine.local.internal;

import edu.cmu.sphinx.decoder.ResultListener;
import edu.cmu.sphinx.frontend.util.StreamDataSource;
import edu.cmu.sphinx.recognizer.Recognizer;
import edu.cmu.sphinx.result.Result;
import edu.cmu.sphinx.result.WordResult;
import edu.cmu.sphinx.util.props.PropertySheet;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One decoding lane of the {@link DecoderPool}: a recognizer with its own search and front end
 * over its {@link ModelSet}'s shared models, and the job it is serving. It takes the set's models
 * in slices, in turn with the set's other lanes ({@link ModelSet.SliceStream}).
 *
 * <p>Not thread safe: confined to its lane's thread (the recognizer's result callbacks come on
 * that thread too).
 */
final class DecoderLane implements ResultListener {
  /** Numbers passes across all lanes, so that each has its own sample numbers. */
  private static final AtomicLong PASSES = new AtomicLong();
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final ModelSet set;
  private final StreamDataSource source;
  private final SampleOffset offset;
  private final Recognizer recognizer;
  private final ReusingSearchManager search;
  private final CmnPrior cmn;
  private DecoderPool.Job current;

  DecoderLane(ModelSet set, int lane) {
    this.set = set;
    set.turns().acquire(null);
    try {
      recognizer = set.recognizer(lane);
      source = set.dataSource(lane);
      offset = set.sampleOffset(lane);
      search = set.searchManager(lane);
      recognizer.addResultListener(this);
      recognizer.allocate();
      cmn = new CmnPrior(set.liveCmn(lane));
    } finally {
      set.turns().release();
    }
  }

  /** The lane's search (its frame count, for tests). */
  ReusingSearchManager search() {
    return search;
  }

  /** The lane's cepstral-mean prior. */
  CmnPrior cmn() {
    return cmn;
  }

  /**
   * Decodes the buzz (always: it initializes the front end), then the speech clip, if any (it
   * warms the JIT up), and sets the cepstral-mean prior of every job ({@link CmnPrior#DEFAULT},
   * whatever the clip).
   */
  void warmUp(byte[] clip) {
    decodeAndDiscard(Noise.buzz(DecoderPool.SAMPLE_RATE));
    if (clip != null) {
      decodeAndDiscard(clip);
    }
    cmn.useDefault();
  }

  /** Decodes the buzz (it initializes the front end) and sets the prior. */
  void warmUpFrontEnd() {
    decodeAndDiscard(Noise.buzz(DecoderPool.SAMPLE_RATE));
    cmn.useDefault();
  }

  /**
   * Decodes a session's job, starting from the warm-up's cepstral mean, and reports the lane's
   * CPU time for the audio it read to {@code cost}.
   */
  void serve(DecoderPool.Job job, DecodeCost cost) {
    cmn.restore();
    long cpu0 = THREADS.getCurrentThreadCpuTime();
    BiasedLanguageModel.use(job.bias());
    try {
      decode(job);
    } finally {
      BiasedLanguageModel.use(LmBias.NONE);
    }
    cost.record(THREADS.getCurrentThreadCpuTime() - cpu0,
        job.audio().consumed() / (2.0 * DecoderPool.SAMPLE_RATE));
  }

  private void decodeAndDiscard(byte[] audio) {
    AudioPipe p = new AudioPipe(audio.length);
    p.write(audio);
    p.finish();
    decode(discarding(p));
  }

  /** A job that decodes {@code audio} for nothing (warm-up) and drops what it finds. */
  static DecoderPool.Job discarding(AudioPipe audio) {
    return outsideSessions(audio, text -> { }, error -> { });
  }

  /**
   * A job of no session (no tenant, no pace, no bias) that decodes {@code audio} and hands each
   * utterance's text to {@code utterances}, a failure to {@code failed}.
   */
  static DecoderPool.Job outsideSessions(AudioPipe audio,
      java.util.function.Consumer<String> utterances,
      java.util.function.Consumer<Throwable> failed) {
    return new DecoderPool.Job() {
      @Override
      public AudioPipe audio() {
        return audio;
      }

      @Override
      public void partial(String text, long lastWordEndMs) {}

      @Override
      public void utterance(String text, List<DecoderPool.TimedWord> words) {
        utterances.accept(text);
      }

      @Override
      public void done() {}

      @Override
      public void failed(Throwable error) {
        failed.accept(error);
      }
    };
  }

  void decode(DecoderPool.Job job) {
    current = job;
    ModelTurns models = set.turns();
    DecodePace.Urgency urgency = DecodePace.Urgency.of(job.pace(), job.audio());
    job.pace().waitedForTurn(models.acquire(job.tenant(), urgency));
    try {
      job.started();
      offset.startPass(PASSES.incrementAndGet());
      ModelSet.SliceStream audio = new ModelSet.SliceStream(job.audio(), models, job.tenant(),
          job.pace(), urgency);
      source.setInputStream(audio);
      search.beforeEachFrame(audio::yieldIfDue);
      Result r;
      while ((r = recognizer.recognize()) != null) {
        List<DecoderPool.TimedWord> words = words(r, offset.offsetMs());
        job.utterance(text(words), words);
      }
    } finally {
      search.beforeEachFrame(null);
      current = null;
      models.release();
    }
    job.done();
  }

  @Override
  public void newResult(Result result) {
    DecoderPool.Job job = current;
    if (job == null || result.isFinal()) {
      return;
    }
    List<DecoderPool.TimedWord> words = words(result, offset.offsetMs());
    job.partial(text(words), words.isEmpty() ? -1 : words.get(words.size() - 1).endMs());
  }

  @Override
  public void newProperties(PropertySheet ps) {}

  private static List<DecoderPool.TimedWord> words(Result r, long offsetMs) {
    List<DecoderPool.TimedWord> out = new ArrayList<>();
    for (WordResult w : r.getTimedBestResult(false)) {
      String s = w.getWord().getSpelling();
      if (w.getWord().isFiller() || s.startsWith("<") || s.startsWith("[")) {
        continue;
      }
      out.add(new DecoderPool.TimedWord(s, w.getTimeFrame().getStart() - offsetMs,
          w.getTimeFrame().getEnd() - offsetMs, w.getConfidence()));
    }
    return out;
  }

  private static String text(List<DecoderPool.TimedWord> words) {
    StringBuilder sb = new StringBuilder();
    for (DecoderPool.TimedWord w : words) {
      if (!sb.isEmpty()) {
        sb.append(' ');
      }
      sb.append(w.text());
    }
    return sb.toString();
  }
}
