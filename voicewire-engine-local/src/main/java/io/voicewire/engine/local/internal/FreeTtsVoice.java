package io.voicewire.engine.local.internal;

import com.sun.speech.freetts.Item;
import com.sun.speech.freetts.Relation;
import com.sun.speech.freetts.Utterance;
import com.sun.speech.freetts.UtteranceProcessor;
import com.sun.speech.freetts.Voice;
import com.sun.speech.freetts.audio.AudioPlayer;
import com.sun.speech.freetts.en.us.cmu_us_kal.KevinVoiceDirectory;
import io.voicewire.audio.Pcm16;
import io.voicewire.speech.VoiceInfo;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sound.sampled.AudioFormat;

/**
 * FreeTTS 1.2.2 kevin16: an old diphone voice, about a thousand times faster than real time. A
 * sentence is synthesized whole into memory (a few milliseconds), then read from there with
 * the timing FreeTTS planned (its {@code Segment} relation), stretched to the audio it really
 * produced. FreeTTS writes big-endian PCM; it is swapped here.
 */
final class FreeTtsVoice implements VoiceEngine {
  private static final String NAME = "kevin16";
  private static final int RATE = 16_000;
  private static final VoiceInfo INFO = new VoiceInfo(NAME, "Kevin (FreeTTS)", "premade",
      Map.of("accent", "american", "gender", "male", "language", "en", "engine", "freetts-1.2.2"),
      "US English male diphone voice (FreeTTS 1.2.2); robotic but instant, about 1000x faster"
          + " than real time.", RATE);

  @Override
  public VoiceInfo info() {
    return INFO;
  }

  @Override
  public int sampleRate() {
    return RATE;
  }

  @Override
  public void load() throws Exception {
    newVoice().deallocate();
  }

  @Override
  public Synthesizer newSynthesizer() {
    return new FreeTtsSynthesizer(newVoice());
  }

  /**
   * FreeTTS's lexicon loader ({@code LetterToSoundImpl}) parses into static state: two voices
   * allocated at once on two threads fail with an {@code IndexOutOfBoundsException} or a corrupt
   * letter-to-sound table. Every allocation in the JVM takes this lock.
   */
  private static final Object ALLOCATION = new Object();

  private static Voice newVoice() {
    // the jar's voice list is empty; name the directory directly instead of a system property
    for (Voice v : new KevinVoiceDirectory().getVoices()) {
      if (v.getName().equals(NAME)) {
        synchronized (ALLOCATION) {
          v.allocate();
        }
        return v;
      }
    }
    throw new IllegalStateException("FreeTTS voice " + NAME + " not found");
  }

  /** Not thread safe: one per worker thread. */
  static final class FreeTtsSynthesizer implements Synthesizer, UtteranceProcessor {
    private final Voice voice;
    private final float baseStretch;
    private final Collector collector = new Collector();
    private final List<SentenceTiming> utterances = new ArrayList<>();

    @SuppressWarnings("unchecked")
    FreeTtsSynthesizer(Voice voice) {
      this.voice = voice;
      this.baseStretch = voice.getDurationStretch();
      voice.setAudioPlayer(collector);
      voice.getUtteranceProcessors().add(this); // after the durator: the segment times are set
    }

    @Override
    public SentenceAudio start(String sentence, double speed) {
      collector.clear();
      utterances.clear();
      voice.setDurationStretch((float) (baseStretch / speed));
      voice.speak(sentence);
      byte[] pcm = Pcm16.swapEndian(collector.audio.toByteArray());
      // stretch each utterance's planned timing to its real audio, and append them
      List<SentenceTiming.Token> tokens = new ArrayList<>();
      double offset = 0;
      for (int u = 0; u < utterances.size(); u++) {
        SentenceTiming t = utterances.get(u);
        double realMs = u < collector.utteranceBytes.size()
            ? collector.utteranceBytes.get(u) * 1000.0 / (2 * RATE) : t.durationMs();
        double k = t.durationMs() > 0 ? realMs / t.durationMs() : 1;
        for (SentenceTiming.Token tok : t.tokens()) {
          List<SentenceTiming.Word> words = new ArrayList<>();
          for (SentenceTiming.Word w : tok.words()) {
            double[] e = w.edgesMs();
            for (int i = 0; i < e.length; i++) {
              e[i] = offset + e[i] * k;
            }
            words.add(new SentenceTiming.Word(w.text(), e));
          }
          tokens.add(new SentenceTiming.Token(tok.orig(), words));
        }
        offset += realMs;
      }
      return Synthesizer.inMemory(new SentenceTiming(tokens, pcm.length * 1000.0 / (2 * RATE)),
          pcm);
    }

    /** Records the planned timing of each utterance (called by FreeTTS). */
    @Override
    public void processUtterance(Utterance u) {
      List<SentenceTiming.Token> tokens = new ArrayList<>();
      Relation tokRel = u.getRelation(Relation.TOKEN);
      double lastEnd = 0;
      for (Item t = tokRel == null ? null : tokRel.getHead(); t != null; t = t.getNext()) {
        List<SentenceTiming.Word> words = new ArrayList<>();
        for (Item w = t.getDaughter(); w != null; w = w.getNext()) {
          List<Double> edges = new ArrayList<>();
          Item ws = w.getItemAs(Relation.SYLLABLE_STRUCTURE);
          for (Item syl = ws == null ? null : ws.getDaughter(); syl != null; syl = syl.getNext()) {
            for (Item seg = syl.getDaughter(); seg != null; seg = seg.getNext()) {
              Item s = seg.getItemAs(Relation.SEGMENT);
              if (s == null) {
                continue;
              }
              Item prev = s.getPrevious();
              double start = prev == null ? 0 : prev.getFeatures().getFloat("end") * 1000.0;
              double end = s.getFeatures().getFloat("end") * 1000.0;
              if (edges.isEmpty()) {
                edges.add(start);
              }
              edges.add(end);
              lastEnd = end;
            }
          }
          if (edges.isEmpty()) {
            edges.add(lastEnd);
          }
          double[] a = new double[edges.size()];
          for (int i = 0; i < a.length; i++) {
            a[i] = edges.get(i);
          }
          words.add(new SentenceTiming.Word(w.getFeatures().getString("name"), a));
        }
        String punc = t.getFeatures().isPresent("punc") ? t.getFeatures().getString("punc") : "";
        if (!punc.isEmpty()) {
          words.add(new SentenceTiming.Word(punc, new double[] {lastEnd}));
        }
        if (!words.isEmpty()) {
          tokens.add(new SentenceTiming.Token(t.getFeatures().getString("name"), words));
        }
      }
      Relation segRel = u.getRelation(Relation.SEGMENT);
      double total = segRel == null || segRel.getTail() == null ? 0
          : segRel.getTail().getFeatures().getFloat("end") * 1000.0;
      utterances.add(new SentenceTiming(tokens, total));
    }
  }

  /** Collects FreeTTS's output in memory, and the byte count of each utterance. */
  private static final class Collector implements AudioPlayer {
    final ByteArrayOutputStream audio = new ByteArrayOutputStream();
    final List<Integer> utteranceBytes = new ArrayList<>();
    private int utteranceStart;
    private AudioFormat format;

    void clear() {
      audio.reset();
      utteranceBytes.clear();
      utteranceStart = 0;
    }

    @Override
    public void setAudioFormat(AudioFormat f) {
      format = f;
    }

    @Override
    public AudioFormat getAudioFormat() {
      return format;
    }

    @Override
    public void pause() {}

    @Override
    public void resume() {}

    @Override
    public void reset() {}

    @Override
    public boolean drain() {
      return true;
    }

    @Override
    public void begin(int size) {
      utteranceStart = audio.size();
    }

    @Override
    public boolean end() {
      utteranceBytes.add(audio.size() - utteranceStart);
      return true;
    }

    @Override
    public void cancel() {}

    @Override
    public void close() {}

    @Override
    public float getVolume() {
      return 1f;
    }

    @Override
    public void setVolume(float v) {}

    @Override
    public long getTime() {
      return 0;
    }

    @Override
    public void resetTime() {}

    @Override
    public void startFirstSampleTimer() {}

    @Override
    public boolean write(byte[] b) {
      return write(b, 0, b.length);
    }

    @Override
    public boolean write(byte[] b, int off, int len) {
      audio.write(b, off, len);
      return true;
    }

    @Override
    public void showMetrics() {}
  }
}
