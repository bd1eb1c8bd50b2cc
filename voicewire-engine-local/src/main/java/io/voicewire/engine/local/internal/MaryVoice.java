package io.voicewire.engine.local.internal;

import io.voicewire.audio.Pcm16;
import io.voicewire.speech.VoiceInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sound.sampled.AudioInputStream;
import marytts.LocalMaryInterface;
import marytts.server.MaryProperties;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A MaryTTS 5.2.1 HMM voice (cmu-slt-hsmm). Each sentence runs in two steps on the same
 * {@link LocalMaryInterface}: text to {@code ACOUSTPARAMS} (front end plus the voice's duration
 * and F0 models), then {@code ACOUSTPARAMS} to audio. Between the two, the phone and pause
 * durations of the document are scaled by the requested speed and rounded to whole vocoder frames;
 * the vocoder honours them (the voice has {@code useAcousticModels = true}), so the timing handed
 * to the sink is the timing of the audio, frame for frame.
 *
 * <p>The vocoder runs in a thread of its own and the audio stream can be read while it is being
 * made (profile: the vocoder is about three quarters of the CPU, parameter generation an eighth;
 * docs/bench-engine.md). It must be read to its end, or that thread blocks forever: a cancelled
 * sentence's stream is drained and discarded by a short-lived virtual thread.
 */
final class MaryVoice implements VoiceEngine {
  /** The first read is small so that the first chunk of audio leaves early. */
  static final int FIRST_READ_MILLIS = 30;
  private static final int DRAIN_BYTES = 4096;

  private final String name;
  private final VoiceInfo info;
  private volatile int sampleRate;
  private volatile double frameMillis;

  MaryVoice(String name, VoiceInfo info) {
    this.name = name;
    this.info = info;
    this.sampleRate = info.nativeSampleRate();
  }

  /** The cmu-slt-hsmm voice. */
  static MaryVoice cmuSltHsmm() {
    return new MaryVoice("cmu-slt-hsmm", new VoiceInfo("cmu-slt-hsmm", "SLT (MaryTTS HSMM)",
        "premade", Map.of("accent", "american", "gender", "female", "language", "en",
            "engine", "marytts-5.2.1"),
        "US English female voice, statistical parametric (HSMM) synthesis with MaryTTS 5.2.1;"
            + " natural-sounding, about 12x faster than real time.", 48_000));
  }

  @Override
  public VoiceInfo info() {
    return info;
  }

  @Override
  public int sampleRate() {
    return sampleRate;
  }

  @Override
  public void load() throws Exception {
    LocalMaryInterface mary = new LocalMaryInterface(); // starts MaryTTS once per JVM (~2 s)
    if (!mary.getAvailableVoices().contains(name)) {
      throw new IllegalStateException("MaryTTS voice " + name + " is not on the classpath; found "
          + mary.getAvailableVoices());
    }
    sampleRate = MaryProperties.getInteger("voice." + name + ".samplingRate", sampleRate);
    int framePeriod = MaryProperties.getInteger("voice." + name + ".framePeriod", 240);
    frameMillis = framePeriod * 1000.0 / sampleRate;
  }

  /** Its start grows with the sentence (parameter generation over the whole utterance). */
  @Override
  public boolean cutsFirstPhrase() {
    return true;
  }

  @Override
  public Synthesizer newSynthesizer() throws Exception {
    LocalMaryInterface mary = new LocalMaryInterface();
    mary.setVoice(name);
    return new MarySynthesizer(mary, sampleRate, frameMillis);
  }

  /**
   * One worker's MaryTTS instance, already set to the voice, with the voice's sample rate and
   * frame period. Not thread safe: one per worker thread.
   */
  record MarySynthesizer(LocalMaryInterface mary, int sampleRate, double frameMillis)
      implements Synthesizer {
    @Override
    public SentenceAudio start(String sentence, double speed) throws Exception {
      mary.setInputType("TEXT");
      mary.setOutputType("ACOUSTPARAMS");
      Document doc = mary.generateXML(sentence);
      SentenceTiming timing = retime(doc, speed, frameMillis);
      if (timing.durationMs() <= 0) {
        return Synthesizer.inMemory(timing, new byte[0]);
      }
      mary.setInputType("ACOUSTPARAMS");
      mary.setOutputType("AUDIO");
      AudioInputStream ais = mary.generateAudio(doc);
      javax.sound.sampled.AudioFormat f = ais.getFormat();
      if (f.getSampleSizeInBits() != 16 || f.getChannels() != 1
          || Math.round(f.getSampleRate()) != sampleRate) {
        drain(ais);
        throw new IOException("MaryTTS produced " + f + ", expected 16-bit mono at " + sampleRate);
      }
      return new MarySentenceAudio(timing, ais, sampleRate * 2 * FIRST_READ_MILLIS / 1000);
    }
  }

  /**
   * The audio of one sentence as Mary's vocoder thread makes it. That thread hands its samples
   * over through a small bounded queue (1,024 samples), so while nobody reads, it waits and costs
   * no CPU: a sentence put aside by the scheduler holds a parked thread, not a core.
   */
  private static final class MarySentenceAudio implements Synthesizer.SentenceAudio {
    private final SentenceTiming timing;
    private final AudioInputStream ais;
    private final boolean bigEndian;
    private int firstBytes;
    private boolean done;

    MarySentenceAudio(SentenceTiming timing, AudioInputStream ais, int firstBytes) {
      this.timing = timing;
      this.ais = ais;
      this.bigEndian = ais.getFormat().isBigEndian();
      this.firstBytes = firstBytes & ~1;
    }

    @Override
    public SentenceTiming timing() {
      return timing;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (done) {
        return -1;
      }
      // the first read is small so that the first chunk leaves early
      int want = Math.min(len, firstBytes > 0 ? firstBytes : len) & ~1;
      int n;
      // MaryTTS's stream returns only 16 KiB from readAllBytes(); a plain read loop gets it all
      while ((n = ais.read(b, off, want)) == 0) {
        // keep reading
      }
      if (n < 0) {
        done = true;
        ais.close();
        return -1;
      }
      firstBytes = 0;
      if (bigEndian) {
        byte[] swapped = Pcm16.swapEndian(java.util.Arrays.copyOfRange(b, off, off + n));
        System.arraycopy(swapped, 0, b, off, n);
      }
      return n;
    }

    @Override
    public void abandon() {
      if (!done) {
        done = true;
        drain(ais);
      }
    }
  }

  /** Reads {@code ais} to its end on a virtual thread so that Mary's vocoder thread can finish. */
  private static void drain(AudioInputStream ais) {
    Thread.ofVirtual().name("voicewire-marytts-drain").start(() -> {
      byte[] b = new byte[DRAIN_BYTES];
      try (ais) {
        while (ais.read(b) != -1) {
          // discard
        }
      } catch (IOException | RuntimeException e) {
        // the vocoder thread has ended one way or another; nothing to report
      }
    });
  }

  /**
   * Scales every phone ({@code ph/@d}) and pause ({@code boundary/@duration}) of an
   * {@code ACOUSTPARAMS} document by {@code 1/speed}, rounds each to whole vocoder frames (at least
   * one frame per phone), writes them back, and returns the resulting timing. Tokens inside an
   * {@code <mtu orig="42">} form one token with the {@code orig} text.
   */
  static SentenceTiming retime(Document doc, double speed, double frameMillis) {
    Walker w = new Walker(speed, frameMillis);
    w.walk(doc.getDocumentElement());
    return new SentenceTiming(w.tokens, w.cursor);
  }

  private static final class Walker {
    final double speed;
    final double frameMillis;
    final List<SentenceTiming.Token> tokens = new ArrayList<>();
    double cursor;
    String mtuOrig;
    List<SentenceTiming.Word> mtuWords;

    Walker(double speed, double frameMillis) {
      this.speed = speed;
      this.frameMillis = frameMillis;
    }

    void walk(Element e) {
      String tag = localName(e);
      switch (tag) {
        case "mtu" -> {
          if (mtuWords != null) {
            children(e);
            return;
          }
          mtuOrig = e.getAttribute("orig");
          mtuWords = new ArrayList<>();
          children(e);
          if (!mtuWords.isEmpty()) {
            tokens.add(new SentenceTiming.Token(mtuOrig, mtuWords));
          }
          mtuWords = null;
          mtuOrig = null;
        }
        case "t" -> {
          SentenceTiming.Word word = word(e);
          if (mtuWords != null) {
            mtuWords.add(word);
          } else {
            tokens.add(new SentenceTiming.Token(word.text(), List.of(word)));
          }
        }
        case "boundary" -> {
          String d = e.getAttribute("duration");
          if (!d.isEmpty()) {
            double ms = frames(Double.parseDouble(d) / speed, 0);
            e.setAttribute("duration", format(ms));
            cursor += ms;
          }
        }
        default -> children(e);
      }
    }

    private SentenceTiming.Word word(Element t) {
      StringBuilder text = new StringBuilder();
      for (Node c = t.getFirstChild(); c != null; c = c.getNextSibling()) {
        if (c.getNodeType() == Node.TEXT_NODE) {
          text.append(c.getNodeValue());
        }
      }
      List<Double> edges = new ArrayList<>();
      edges.add(cursor);
      phones(t, edges);
      double[] a = new double[edges.size()];
      for (int i = 0; i < a.length; i++) {
        a[i] = edges.get(i);
      }
      return new SentenceTiming.Word(text.toString().strip(), a);
    }

    private void phones(Element e, List<Double> edges) {
      for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
        if (c instanceof Element ce) {
          if (localName(ce).equals("ph")) {
            String d = ce.getAttribute("d");
            double ms = frames(d.isEmpty() ? frameMillis : Double.parseDouble(d) / speed, 1);
            ce.setAttribute("d", format(ms));
            cursor += ms;
            edges.add(cursor);
          } else {
            phones(ce, edges);
          }
        }
      }
    }

    private double frames(double ms, int minFrames) {
      return Math.max(minFrames, Math.round(ms / frameMillis)) * frameMillis;
    }

    private void children(Element e) {
      for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
        if (c instanceof Element ce) {
          walk(ce);
        }
      }
    }
  }

  private static String localName(Element e) {
    return e.getLocalName() != null ? e.getLocalName() : e.getTagName();
  }

  private static String format(double ms) {
    return ms == Math.rint(ms) ? Long.toString((long) ms) : Double.toString(ms);
  }
}
