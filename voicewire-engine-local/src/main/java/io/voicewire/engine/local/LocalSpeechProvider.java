package io.voicewire.engine.local;

import io.voicewire.engine.local.internal.EngineConfig;
import io.voicewire.engine.local.internal.LocalEngine;
import io.voicewire.speech.ModelInfo;
import io.voicewire.speech.SpeechProvider;
import io.voicewire.speech.SttListener;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.CommitPolicy;
import io.voicewire.speech.SttSession;
import io.voicewire.speech.TtsListener;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.TtsSession;
import io.voicewire.speech.VoiceInfo;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The offline speech engine: MaryTTS and FreeTTS voices for text to speech, CMU Sphinx4 for speech
 * to text, behind the {@link SpeechProvider} SPI. Nothing leaves the machine.
 *
 * <pre>{@code
 * LocalSpeechProvider local = LocalSpeechProvider.create();   // loads in the background
 * local.awaitReady(30, TimeUnit.SECONDS);                       // optional
 * TtsSession tts = local.openTts(TtsRequest.builder(LocalSpeechProvider.VOICE_SLT).build(), l);
 * }</pre>
 *
 * <h2>Start-up</h2>
 * Building a provider returns at once; the voices and the speech decoders load and warm up on
 * background threads (several seconds; {@link #isReady()} turns true when done). Sessions opened
 * before that are served as soon as the engine they need is loaded.
 *
 * <h2>Resources</h2>
 * <ul>
 *   <li>TTS: a pool of worker threads (by default one per core) shared by all sessions; sessions
 *       take turns sentence by sentence, and sessions waiting for their first audio go first.
 *   <li>STT: a fixed number of copies of the Sphinx models (by default one per core, at most two),
 *       each about 150 MB of heap, and {@link Builder#sttStreams(int) sttStreams} decoding lanes
 *       spread over them (by default {@value #DEFAULT_STT_STREAMS_PER_CORE} per core). The lanes of
 *       a copy decode in turns of a few tens of milliseconds, so all speaking sessions progress
 *       together. The engine admits as many STT sessions as its cores decode in real time at
 *       the decoding cost it measures, and fewer while its model copies measure no real-time
 *       room for one more ({@link #sttLoad()}), or exactly {@code sttStreams} when that is set;
 *       one more fails at once with {@code resource_exhausted}. A session counts until its terminal event, which
 *       {@link SttSession#cancel()} delivers only once its decoding has stopped.
 *   <li>Heap: size it explicitly, at most 1 GiB is assumed. The defaults (both voices, two
 *       model copies, six lanes) hold about 400 MB live: ~150 MB per copy, ~0.3 MB per lane,
 *       ~60 MB for MaryTTS, ~20 MB for FreeTTS; a speaking STT session adds at most the 20 s of
 *       audio it may have queued, an idle one ~0.1 MB. {@code -Xmx1g} is the
 *       tested setting ({@code -Xmx768m} is the least for the defaults). Without a cap Sphinx's
 *       allocation churn grows the heap to gigabytes.
 * </ul>
 *
 * <p>One instance is meant to be shared by the whole application; it is thread safe. Close it to
 * stop its threads; open sessions then fail.
 */
public final class LocalSpeechProvider implements SpeechProvider {
  /** The MaryTTS HSMM voice (female, US English, 48 kHz), the default voice. */
  public static final String VOICE_SLT = "cmu-slt-hsmm";
  /** The FreeTTS diphone voice (male, US English, 16 kHz), instant to synthesize. */
  public static final String VOICE_KEVIN = "kevin16";
  /** A speech-to-text segment is committed automatically after this much audio. */
  public static final long AUTO_COMMIT_MILLIS = LocalEngine.AUTO_COMMIT_MILLIS;
  /**
   * Decoding lanes per core by default: the most STT sessions served at once when
   * {@link Builder#sttStreams(int)} is not set; how many of them are admitted is set by the
   * measured decoding cost.
   */
  public static final int DEFAULT_STT_STREAMS_PER_CORE = 3;

  /** Default for {@link Builder#maxWaitingStt(int)}. */
  public static final int DEFAULT_MAX_WAITING_STT = 4;

  private final LocalEngine engine;

  private LocalSpeechProvider(EngineConfig config) {
    this.engine = new LocalEngine(config);
  }

  /** A provider with every voice, default pool sizes and the {@link RecognizerProfile#FAST} recognizer. */
  public static LocalSpeechProvider create() {
    return builder().build();
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "local";
  }

  @Override
  public boolean isReady() {
    return engine.isReady();
  }

  /**
   * Waits until the engine is loaded and warmed up.
   *
   * @return false when {@code timeout} passed first
   * @throws IllegalStateException when loading failed (e.g. a model missing from the classpath)
   */
  public boolean awaitReady(long timeout, TimeUnit unit) throws InterruptedException {
    return engine.awaitReady(timeout, unit);
  }

  @Override
  public List<VoiceInfo> voices() {
    return engine.voices();
  }

  @Override
  public List<ModelInfo> models() {
    return engine.models();
  }

  /** Copies of the recognizer's models loaded ({@link Builder#sttDecoders(int)}). */
  public int sttDecoders() {
    return engine.sttModelSets();
  }

  /**
   * STT sessions served at once now ({@link Builder#sttStreams(int)}, or by default what the
   * measured decoding cost allows): one more is refused with {@code resource_exhausted} until
   * one of them has ended.
   */
  public int sttStreams() {
    return engine.sttCapacity();
  }

  /**
   * The recognizer's measured load: each model copy's recent busy share (its real-time factor)
   * and queueing, the decoding cost per audio second, and whether one more speaking stream fits
   * in real time now (what admission checks beyond one stream per copy).
   */
  public SttLoad sttLoad() {
    return engine.sttLoad();
  }

  /** For testing: the engine behind this provider. */
  LocalEngine engine() {
    return engine;
  }

  /** Number of TTS worker threads. */
  public int ttsWorkers() {
    return engine.ttsWorkers();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Any {@code model_id} is accepted. An unknown voice, or an MP3/Opus output format, fails the
   * session with {@code unsupported} through the listener.
   */
  @Override
  public TtsSession openTts(TtsRequest request, TtsListener listener) {
    return engine.openTts(request, listener);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Any {@code model_id} is accepted; a {@code language_code} other than English fails the
   * session with {@code unsupported}. {@code keyterms} and {@code previous_text} are ignored.
   * The engine recognizes; the commit rules (VAD commit, auto-commit) are the core
   * {@link CommitPolicy}'s, applied here for direct users (the server applies the same policy
   * to any provider, and it is applied once).
   */
  @Override
  public SttSession openStt(SttRequest request, SttListener listener) {
    return CommitPolicy.apply(engine.openStt(request, listener));
  }

  @Override
  public void close() {
    engine.close();
  }

  /** Builds a {@link LocalSpeechProvider}. Not thread safe. */
  public static final class Builder {
    private List<String> voices = List.of(VOICE_SLT, VOICE_KEVIN);
    private int ttsWorkers = Runtime.getRuntime().availableProcessors();
    private int sttDecoders = Math.min(2, Runtime.getRuntime().availableProcessors());
    private int maxWaitingStt = DEFAULT_MAX_WAITING_STT;
    private int sttStreams = DEFAULT_STT_STREAMS_PER_CORE
        * Runtime.getRuntime().availableProcessors();
    private boolean sttStreamsByCost = true;
    private RecognizerProfile profile = RecognizerProfile.FAST;
    private Endpointing endpointing = Endpointing.SILERO;
    private boolean warmUp = true;
    private boolean unknownVoiceUsesDefault;
    private Executor callbackExecutor;
    private LongSupplier nanoClock = System::nanoTime;
    private Random random;

    private Builder() {}

    /**
     * The voices to load, the first being the default: {@code cmu-slt-hsmm} and/or
     * {@code kevin16} (default: both, in that order). May be empty (no TTS).
     */
    public Builder voices(List<String> voiceIds) {
      Objects.requireNonNull(voiceIds, "voiceIds == null");
      List<String> copy = new ArrayList<>();
      for (String v : voiceIds) {
        Objects.requireNonNull(v, "voice id == null");
        if (!LocalEngine.KNOWN_VOICES.contains(v)) {
          throw new IllegalArgumentException("unknown local voice '" + v + "'; known: "
              + String.join(", ", LocalEngine.KNOWN_VOICES));
        }
        if (copy.contains(v)) {
          throw new IllegalArgumentException("voice listed twice: " + v);
        }
        copy.add(v);
      }
      this.voices = List.copyOf(copy);
      return this;
    }

    /** TTS worker threads, 1–64; default one per core. */
    public Builder ttsWorkers(int n) {
      if (n < 1 || n > 64) {
        throw new IllegalArgumentException("ttsWorkers must be in range [1,64]: " + n);
      }
      this.ttsWorkers = n;
      return this;
    }

    /**
     * Copies of the recognizer's models (about 150 MB of heap each), 0–16 (0 disables STT);
     * default one per core, at most 2. The {@link #sttStreams(int) streams} are spread over them.
     */
    public Builder sttDecoders(int n) {
      if (n < 0 || n > 16) {
        throw new IllegalArgumentException("sttDecoders must be in range [0,16]: " + n);
      }
      this.sttDecoders = n;
      return this;
    }

    /**
     * The STT sessions served at once, 1–64, fixed. Each gets a decoding lane of its own, and the
     * lanes of one model copy take turns on it in short slices, so all streams progress together;
     * a session beyond this is refused with {@code resource_exhausted}. Not set (the default),
     * the engine has {@value #DEFAULT_STT_STREAMS_PER_CORE} lanes per core and admits as many
     * streams as the cores can decode in real time at the decoding cost it measures on the
     * speech it gets (5 on 2 cores for human read speech; docs/bench-engine.md).
     */
    public Builder sttStreams(int n) {
      if (n < 1 || n > 64) {
        throw new IllegalArgumentException("sttStreams must be in range [1,64]: " + n);
      }
      this.sttStreams = n;
      this.sttStreamsByCost = false;
      return this;
    }

    /**
     * Stretches of speech that may wait for a busy recognizer, 0–1000; default
     * {@value #DEFAULT_MAX_WAITING_STT}. A session whose speech finds the queue full fails with
     * {@code resource_exhausted}.
     */
    public Builder maxWaitingStt(int n) {
      if (n < 0 || n > 1000) {
        throw new IllegalArgumentException("maxWaitingStt must be in range [0,1000]: " + n);
      }
      this.maxWaitingStt = n;
      return this;
    }

    /** The recognizer's beam profile; default {@link RecognizerProfile#FAST}. */
    public Builder recognizerProfile(RecognizerProfile p) {
      this.profile = Objects.requireNonNull(p, "profile == null");
      return this;
    }

    /**
     * The end-of-speech detector of {@code commit_strategy=vad} commits; default
     * {@link Endpointing#SILERO}.
     */
    public Builder endpointing(Endpointing e) {
      this.endpointing = Objects.requireNonNull(e, "endpointing == null");
      return this;
    }

    /** Whether to warm the engines up at start (default true; tests of lifecycle may skip it). */
    public Builder warmUp(boolean on) {
      this.warmUp = on;
      return this;
    }

    /**
     * Serve voice ids the engine does not know (such as ElevenLabs ids) with the default voice,
     * instead of failing the session with {@code unsupported}. Default false.
     */
    public Builder unknownVoiceUsesDefault(boolean on) {
      this.unknownVoiceUsesDefault = on;
      return this;
    }

    /**
     * Runs listener events (serially per session). Default: a virtual thread per event batch.
     * Its tasks must not be run on the calling thread while it holds a lock.
     */
    public Builder callbackExecutor(Executor e) {
      this.callbackExecutor = Objects.requireNonNull(e, "executor == null");
      return this;
    }

    /** A monotonic clock in nanoseconds (default {@code System::nanoTime}); for tests. */
    public Builder nanoClock(LongSupplier clock) {
      this.nanoClock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** The source of session ids (default a {@link SecureRandom}); for tests. */
    public Builder random(Random r) {
      this.random = Objects.requireNonNull(r, "random == null");
      return this;
    }

    /** Builds the provider and starts loading in the background. */
    public LocalSpeechProvider build() {
      Executor ex = callbackExecutor != null ? callbackExecutor
          : Executors.newThreadPerTaskExecutor(
              Thread.ofVirtual().name("voicewire-local-events-", 0).factory());
      return new LocalSpeechProvider(new EngineConfig(voices, ttsWorkers, sttDecoders,
          sttStreams, sttStreamsByCost, maxWaitingStt, profile, endpointing, warmUp, unknownVoiceUsesDefault, ex, nanoClock,
          random != null ? random : new SecureRandom()));
    }
  }
}
