package io.voicewire.engine.local.internal;

import io.voicewire.audio.AudioConverter;
import io.voicewire.audio.AudioFormat;
import io.voicewire.speech.CommitPolicy;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.ModelInfo;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.SttListener;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.SttSession;
import io.voicewire.speech.TtsListener;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.TtsSession;
import io.voicewire.speech.VoiceInfo;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import io.voicewire.engine.local.Endpointing;
import io.voicewire.engine.local.SttLoad;
import io.voicewire.engine.local.internal.vad.SileroEndpointer;
import io.voicewire.engine.local.internal.vad.SileroNet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machinery behind {@code LocalSpeechProvider}: voices, the TTS worker pool, the decoder
 * pool, start-up and warm-up, and the sessions. Thread safe.
 */
public final class LocalEngine implements AutoCloseable {
  /** Most TTS sessions open at once; more fail with {@code resource_exhausted}. */
  public static final int MAX_OPEN_TTS_SESSIONS = 256;
  /** Most STT sessions open at once; more fail with {@code resource_exhausted}. */
  public static final int MAX_OPEN_STT_SESSIONS = 256;
  /**
   * TTS sessions of {@link #MAX_OPEN_TTS_SESSIONS} that one named tenant (an API key) may not
   * take: a tenant holds at most 192 sessions, and the rest stays for the other tenants.
   */
  public static final int TTS_SESSIONS_KEPT_FOR_OTHER_TENANTS = 64;
  /**
   * Real-time STT streams of {@link #sttCapacity()} that one named tenant may not take (while
   * the capacity is 2 or more): another tenant's stream is still admitted when one tenant has
   * filled the rest.
   */
  public static final int STT_STREAMS_KEPT_FOR_OTHER_TENANTS = 1;
  /** The protocol's STT auto-commit interval. */
  public static final long AUTO_COMMIT_MILLIS = CommitPolicy.AUTO_COMMIT_MILLIS;
  /** The voices the local engine can offer, in default order. */
  public static final List<String> KNOWN_VOICES = VoiceRegistry.KNOWN;

  static final String WARM_UP_TEXT = "The quick brown fox jumps over the lazy dog. Please call"
      + " me back when you get home tonight.";

  private static final Logger LOG = LoggerFactory.getLogger(LocalEngine.class);
  private static final List<ModelInfo> MODELS = List.of(
      new ModelInfo("voicewire_local_tts", "voicewire local TTS",
          "Offline synthesis with MaryTTS 5.2.1 (cmu-slt-hsmm) and FreeTTS 1.2.2 (kevin16). Any"
              + " TTS model_id is accepted and served by this model.", true, false, List.of("en")),
      new ModelInfo("voicewire_local_stt", "voicewire local STT",
          "Offline streaming recognition with CMU Sphinx4 (en-us acoustic and language models)."
              + " Any STT model_id is accepted and served by this model.", false, true,
          List.of("en")));

  private final EngineConfig config;
  private final VoiceRegistry voices;
  private final TtsScheduler scheduler;
  private final DecoderPool decoders;
  private final CompletableFuture<byte[]> warmUpClip = new CompletableFuture<>();
  /** The voices loaded and warmed; fails when the engine is closed before. */
  private final CompletableFuture<Void> startup = new CompletableFuture<>();
  /** Runs the start-up; {@link #close} waits for it (see {@link #STARTUP_STOP_MILLIS}). */
  private final Thread startupThread;
  private final CompletableFuture<Void> ready;
  private final Set<RealTtsSession> openTts = ConcurrentHashMap.newKeySet();
  private final Set<RealSttSession> openStt = ConcurrentHashMap.newKeySet();
  private final TenantQuota ttsQuota = new TenantQuota(TTS_SESSIONS_KEPT_FOR_OTHER_TENANTS);
  private final SttAdmission sttAdmission;
  private final AtomicLong sessionCounter = new AtomicLong();
  private final String idPrefix;
  private final ScheduledExecutorService timer;
  /** The VAD commit's network ({@link Endpointing#SILERO}), or null for the energy detector. */
  private final SileroNet endpointNet;
  private volatile boolean closed;

  /** Starts loading and warming up in the background; returns at once. */
  public LocalEngine(EngineConfig config) {
    this.config = config;
    this.voices = new VoiceRegistry(config.voices());
    this.scheduler = new TtsScheduler(voices::awaitLoaded, config.ttsWorkers());
    this.decoders = config.sttDecoders() > 0
        ? new DecoderPool(config.sttDecoders(),
            Math.ceilDiv(config.sttStreams(), config.sttDecoders()), config.maxWaitingStt(),
            config.profile().configResource(), warmUpClip)
        : null;
    this.sttAdmission = new SttAdmission(config, decoders);
    this.idPrefix = "local-" + Long.toHexString(config.random().nextLong() & 0xFFFFFFFFFFFFL);
    this.endpointNet = endpointNet(config.endpointing());
    this.startupThread = Thread.ofPlatform().daemon().name("voicewire-local-startup").start(() -> {
      try {
        startUp();
        startup.complete(null);
      } catch (Throwable t) {
        startup.completeExceptionally(t);
      }
    });
    this.ready = decoders == null ? startup
        : CompletableFuture.allOf(startup, decoders.ready());
    this.timer = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name("voicewire-local-timer").factory());
    timer.scheduleWithFixedDelay(this::checkIdle, IDLE_CHECK_MILLIS, IDLE_CHECK_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  private static SileroNet endpointNet(Endpointing e) {
    if (e != Endpointing.SILERO) {
      return null;
    }
    if (!SileroEndpointer.available()) {
      LOG.warn("this build carries no Silero VAD model ({}): VAD commits use the energy detector",
          SileroEndpointer.MODEL_RESOURCE);
      return null;
    }
    return SileroEndpointer.bundled();
  }

  /** How often STT sessions are checked for passes that stopped receiving audio. */
  static final long IDLE_CHECK_MILLIS = 500;
  /** How long {@link #close} waits for a start-up under way to end the step it is in. */
  static final long STARTUP_STOP_MILLIS = 15_000;

  private void checkIdle() {
    long now = config.nanoClock().getAsLong();
    for (RealSttSession s : openStt) {
      try {
        s.checkIdle(now);
      } catch (RuntimeException e) {
        LOG.warn("idle check failed", e);
      }
    }
  }

  /** Loads and warms the voices; stops between steps once the engine is closed. */
  private void startUp() {
    long t0 = System.nanoTime();
    voices.loadAll(() -> closed);
    LOG.info("local voices loaded in {} ms: {}", (System.nanoTime() - t0) / 1_000_000,
        voices.ids());
    byte[] clip = null;
    for (String id : config.warmUp() ? voices.ids() : List.<String>of()) {
      VoiceEngine v = voices.loading(id).getNow(null);
      if (closed) {
        break;
      }
      if (v == null) {
        continue;
      }
      try {
        Synthesizer s = v.newSynthesizer();
        int rounds = 3;
        for (int i = 0; i < rounds; i++) {
          byte[] pcm = synthesizeAll(s, v.sampleRate(), WARM_UP_TEXT);
          if (clip == null && i == rounds - 1 && decoders != null) {
            clip = pcm;
          }
        }
      } catch (Exception e) {
        LOG.warn("warm-up of voice {} failed", id, e);
      }
    }
    if (config.warmUp() && !closed) {
      TextNormalizer.warmUp();
    }
    warmUpClip.complete(config.warmUp() ? clip : null);
    for (String id : voices.ids()) {
      if (voices.loading(id).isCompletedExceptionally()) {
        voices.loading(id).join(); // rethrows: the engine is not fully ready
      }
    }
  }

  /** Synthesizes {@code text} whole and returns it as 16 kHz PCM (warm-up; tests). */
  static byte[] synthesizeAll(Synthesizer s, int rate, String text) throws Exception {
    AudioConverter c = AudioConverter.create(new AudioFormat(AudioFormat.Encoding.PCM_S16LE, rate,
        0), AudioFormat.PCM_16000);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    s.synthesize(text, 1.0, new Synthesizer.Sink() {
      @Override
      public void timing(SentenceTiming timing) {}

      @Override
      public boolean audio(byte[] pcm, int off, int len) {
        out.writeBytes(c.convert(java.util.Arrays.copyOfRange(pcm, off, off + len)));
        return true;
      }
    });
    out.writeBytes(c.flush());
    return out.toByteArray();
  }

  /** True once every voice and decoder is loaded and warmed. */
  public boolean isReady() {
    return ready.isDone() && !ready.isCompletedExceptionally();
  }

  /**
   * Waits until {@link #isReady()}; returns false on timeout, throws the start-up failure.
   */
  public boolean awaitReady(long timeout, TimeUnit unit) throws InterruptedException {
    try {
      ready.get(timeout, unit);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("the local engine failed to start: " + e.getCause(),
          e.getCause());
    }
  }

  public List<VoiceInfo> voices() {
    return voices.infos();
  }

  public List<ModelInfo> models() {
    return MODELS;
  }

  /** Number of STT decoding lanes in the pool. */
  public int sttDecoders() {
    return decoders == null ? 0 : decoders.size();
  }

  /** Copies of the recognizer's models loaded. */
  public int sttModelSets() {
    return decoders == null ? 0 : decoders.modelSets();
  }

  /** TTS worker threads. */
  public int ttsWorkers() {
    return scheduler.workers();
  }

  public TtsSession openTts(TtsRequest request, TtsListener listener) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(listener, "listener == null");
    SerialLane lane = new SerialLane(config.callbackExecutor());
    SpeechError unsupported = Unsupported.tts(request);
    if (unsupported != null) {
      return RealTtsSession.failed(request, listener, lane, unsupported);
    }
    String voiceId = request.voiceId();
    VoiceEngine voice = voices.get(voiceId);
    if (voice == null && config.unknownVoiceUsesDefault() && voices.defaultVoiceId() != null) {
      voice = voices.get(voices.defaultVoiceId());
    }
    if (voice == null) {
      return RealTtsSession.failed(request, listener, lane, new SpeechError(ErrorCode.UNSUPPORTED,
          "voice '" + voiceId + "' is not offered by the local engine; voices: "
              + String.join(", ", voices.ids())));
    }
    if (closed) {
      return RealTtsSession.failed(request, listener, lane, closedError());
    }
    if (openTts.size() >= MAX_OPEN_TTS_SESSIONS) {
      return RealTtsSession.failed(request, listener, lane, new SpeechError(
          ErrorCode.RESOURCE_EXHAUSTED, "the local engine already has " + MAX_OPEN_TTS_SESSIONS
              + " text-to-speech sessions open"));
    }
    String tenant = request.tenant();
    int held = ttsQuota.tryTake(tenant, MAX_OPEN_TTS_SESSIONS);
    if (held >= 0) {
      return RealTtsSession.failed(request, listener, lane, new SpeechError(
          ErrorCode.RESOURCE_EXHAUSTED, "this key already has " + held + " text-to-speech"
              + " sessions open in the local engine, its share: " + TTS_SESSIONS_KEPT_FOR_OTHER_TENANTS
              + " of " + MAX_OPEN_TTS_SESSIONS + " are kept for other keys"
              + " (TTS_SESSIONS_KEPT_FOR_OTHER_TENANTS)"));
    }
    RealTtsSession[] holder = new RealTtsSession[1];
    RealTtsSession s = new RealTtsSession(request, listener, voice, scheduler, lane,
        config.nanoClock(), () -> {
          if (openTts.remove(holder[0])) {
            ttsQuota.release(tenant);
          }
        });
    holder[0] = s;
    openTts.add(s);
    return s;
  }

  public SttSession openStt(SttRequest request, SttListener listener) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(listener, "listener == null");
    SerialLane lane = new SerialLane(config.callbackExecutor());
    String id = idPrefix + "-" + Long.toHexString(sessionCounter.incrementAndGet());
    String tenant = request.tenant();
    RealSttSession[] holder = new RealSttSession[1];
    RealSttSession s;
    synchronized (openStt) {
      SpeechError refused = closed ? closedError() : sttAdmission.refusal(request, openStt);
      if (refused != null) {
        return RealSttSession.failed(id, request, listener, lane, refused);
      }
      DecodePace pace = sttAdmission.admitted(tenant, () -> othersSpeaking(tenant));
      s = new RealSttSession(id, request, listener, decoders, lane, config.nanoClock(), pace,
          endpointNet, () -> {
        if (openStt.remove(holder[0])) {
          sttAdmission.ended(tenant, pace);
        }
      });
      holder[0] = s;
      openStt.add(s);
    }
    s.start();
    return s;
  }

  /**
   * STT sessions admitted at once: with the default configuration, as many as the measured
   * decoding cost lets the cores serve in real time ({@link DecodeCost}), at most one per lane;
   * with an explicit {@code sttStreams}, that many. A session is counted until its terminal
   * event, which comes only once its decoding stopped.
   */
  public int sttCapacity() {
    return sttAdmission.capacity();
  }

  /** The recognizer's measured load ({@link SttLoad}). */
  public SttLoad sttLoad() {
    return RealtimeRoom.load(decoders);
  }

  /**
   * Decoding CPU seconds per audio second (the lanes' own CPU): the moving estimate admission
   * uses, and the plain mean of everything decoded so far (the prior before any).
   */
  public double[] sttCpuPerAudioSecond() {
    return decoders == null ? new double[2] : new double[] {decoders.cost().cpuPerAudioSecond(),
        decoders.cost().meanCpuPerAudioSecond()};
  }

  /** STT sessions counted against {@link #sttCapacity()}. */
  public int sttOpen() {
    return openStt.size();
  }

  /** STT decoders busy / jobs waiting, for metrics and tests. */
  public int sttBusy() {
    return decoders == null ? 0 : decoders.busy();
  }

  /**
   * Bytes of audio buffer the open STT sessions hold (lead-in rings and queued passes), by the
   * engine's own accounting; for metrics and tests.
   */
  public long sttHeldAudioBytes() {
    long n = 0;
    for (RealSttSession s : List.copyOf(openStt)) {
      n += s.heldAudioBytes();
    }
    return n;
  }

  /**
   * Whether an open STT session of another tenant than {@code tenant} is speaking
   * ({@link DecodePace#spokeWithin}): what holds a session's decoding ahead of real time back.
   */
  private boolean othersSpeaking(String tenant) {
    long now = config.nanoClock().getAsLong();
    for (RealSttSession s : openStt) {
      if (!Objects.equals(tenant, s.request().tenant()) && s.pace().spokeWithin(now)) {
        return true;
      }
    }
    return false;
  }

  /** Audio the decoders have read for {@code tenant}'s open STT sessions, ms; for tests. */
  public double sttDecodedMillis(String tenant) {
    double ms = 0;
    for (RealSttSession s : List.copyOf(openStt)) {
      if (Objects.equals(tenant, s.request().tenant())) {
        ms += s.pace().takenMillis();
      }
    }
    return ms;
  }

  public int sttWaiting() {
    return decoders == null ? 0 : decoders.waiting();
  }

  private static SpeechError closedError() {
    return new SpeechError(ErrorCode.ERROR, "the local engine is closed");
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    // a start-up still under way stops at its next step and lends no clip to the decoders
    startup.completeExceptionally(new IllegalStateException(
        "the local engine was closed before it was ready"));
    warmUpClip.complete(null);
    for (RealTtsSession s : List.copyOf(openTts)) {
      s.fail(closedError());
    }
    for (RealSttSession s : List.copyOf(openStt)) {
      s.fail(closedError());
    }
    timer.shutdownNow();
    scheduler.close();
    if (decoders != null) {
      decoders.close();
    }
    awaitStartupStopped();
  }

  /**
   * Waits for a start-up under way to stop at its next step: no engine thread outlives close.
   * MaryTTS's own JVM hook prints "MARY system is not running" if the process exits while MaryTTS
   * is starting, e.g. when {@code voicewire serve} finds its port taken ({@code PortInUseIT}).
   */
  private void awaitStartupStopped() {
    if (Thread.currentThread() == startupThread) {
      return;
    }
    try {
      if (!startupThread.join(Duration.ofMillis(STARTUP_STOP_MILLIS))) {
        LOG.warn("the local engine's start-up did not stop within {} ms of close",
            STARTUP_STOP_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
