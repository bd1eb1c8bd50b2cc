package io.voicewire.audio.vad;

import io.voicewire.speech.VadParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Finds where speech starts and ends in a stream of 16-bit mono PCM, for VAD commits of
 * speech-to-text sessions ({@code commit_strategy=vad}).
 *
 * <h2>Algorithm</h2>
 *
 * <p><b>1. Frames.</b> The input is cut into 10 ms analysis frames; frame {@code k} covers samples
 * {@code [floor(k·rate/100), floor((k+1)·rate/100))}, so frame times never drift. Chunks of any
 * size (even odd byte counts) may be pushed; incomplete frames wait for more input.
 *
 * <p><b>2. Features.</b> Each frame is filtered to the speech band, 150–4,000 Hz (2nd-order
 * Butterworth high-pass and, at rates above 10 kHz, low-pass; this removes DC, hum, rumble and
 * hiss, most of the power of pink and white noise, while keeping the formants) and measured:
 * <ul>
 *   <li>energy {@code E = 10·log10(mean(y²))} in dBFS (−100 for digital silence);
 *   <li>zero-crossing rate {@code Z}, in crossings per second, counted with hysteresis: the
 *       signal must swing from below {@code −g} to above {@code +g} (or back), where {@code g}
 *       is the RMS amplitude of the current noise floor, so background noise riding on a
 *       louder sound adds no crossings of its own.
 * </ul>
 *
 * <p><b>3. Adaptive noise floor (minimum statistics).</b> The frame power is smoothed,
 * {@code S = (S + P) / 2}, and the noise floor {@code F} is the minimum of {@code S} (in dB) over
 * the last {@value #FLOOR_WINDOW_MS} ms, kept as minima of 100 ms blocks. Speech has pauses
 * (between syllables, for breath) that the minimum falls into, while stationary noise is
 * absorbed into the floor within that window, whatever its level. A stream that begins with
 * noise is calibrated from its first frame; noise that begins suddenly after digital silence
 * counts as sound until the window has passed over its start.
 *
 * <p><b>4. Frame decision.</b> With {@code t} = {@link VadParams#threshold()} (0.1–0.9, lower is
 * more sensitive), a frame is <i>active</i> when
 * <pre>
 *   E ≥ F + margin(t)   and   E ≥ absMin(t)   and   (Z ≤ {@value #ZCR_MAX_PER_SEC}/s  or  E ≥ F + margin(t) + {@value #HISS_EXTRA_DB} dB)
 *   margin(t) = 2 + 20·t dB        (0.1 → 4 dB, default 0.4 → 10 dB, 0.9 → 20 dB)
 *   absMin(t) = −70 + 20·t dBFS    (0.4 → −62 dBFS)
 * </pre>
 * Hiss-like sound (fricatives, breath, bursts of broadband noise) crosses far more often than
 * voiced speech (200–2,500 crossings per second), so it counts only when clearly louder than the
 * floor. Detection degrades gracefully with noise: at 10–12 dB SNR and {@code t ≤ 0.3} segments
 * are still found within about 100 ms; at 6 dB quiet syllables at their edges are lost.
 *
 * <p><b>5. Runs.</b> A run of consecutive active frames shorter than {@value #MIN_RUN_MS} ms (a
 * click) is ignored; the frames of longer runs are <i>speech frames</i>.
 *
 * <p><b>6. Segments</b> ({@link SpeechSegments}, the rules every endpointer shares). Durations are
 * taken from the {@link VadParams}:
 * <ul>
 *   <li>Outside speech, the first speech frame opens a candidate at its start time {@code s}.
 *       The candidate is dropped when {@code minSilenceDurationMs} pass without a speech frame.
 *       Once its speech frames add up to {@code minSpeechDurationMs},
 *       {@link VadEvent.Type#SPEECH_START} is emitted with {@code audioMs = s}.
 *   <li>In speech, every speech frame moves the speech end {@code e} to the frame's end. When
 *       {@code max(silenceThresholdSecs·1000, minSilenceDurationMs)} ms have passed since
 *       {@code e} without a speech frame, {@link VadEvent.Type#SPEECH_END} is emitted with
 *       {@code audioMs = e}. Silences shorter than that, and hence every silence shorter than
 *       {@code minSilenceDurationMs}, never interrupt speech.
 * </ul>
 * So a start is reported about {@code minSpeechDurationMs} (+ 30 ms) after it happened, and an
 * end {@code silenceThresholdSecs} after it happened; event times are exact to one frame.
 *
 * <p>This class is not thread safe; use one per stream. {@link #process(byte[])} does not
 * allocate except for its result list.
 *
 * <pre>{@code
 * VoiceActivityDetector vad = new VoiceActivityDetector(16_000, VadParams.DEFAULT);
 * for (VadEvent e : vad.process(pcmChunk)) {
 *   if (e.type() == VadEvent.Type.SPEECH_END) commit();
 * }
 * }</pre>
 */
public final class VoiceActivityDetector implements SpeechEndpointer {
  /** Analysis frame length. */
  public static final int FRAME_MS = 10;
  /** Window of the noise-floor minimum. */
  public static final int FLOOR_WINDOW_MS = 1500;
  /** Block of the minimum tracker. */
  static final int FLOOR_BLOCK_MS = 100;
  /** Shortest run of active frames that counts as speech. */
  public static final int MIN_RUN_MS = 30;
  /** Zero crossings per second above which a frame looks like hiss. */
  public static final int ZCR_MAX_PER_SEC = 3000;
  /** Extra level a hiss-like frame needs to count as active. */
  public static final int HISS_EXTRA_DB = 6;
  /** High-pass corner of the speech band (removes DC, hum, rumble and most of pink noise). */
  public static final int BAND_LOW_HZ = 150;
  /** Low-pass corner of the speech band (applied when the rate allows; removes hiss). */
  public static final int BAND_HIGH_HZ = 4000;
  /** Energy reported for digital silence. */
  static final double SILENCE_DB = -100;

  private static final int BLOCKS = FLOOR_WINDOW_MS / FLOOR_BLOCK_MS;
  private static final int FRAMES_PER_BLOCK = FLOOR_BLOCK_MS / FRAME_MS;
  private static final int MIN_RUN_FRAMES = MIN_RUN_MS / FRAME_MS;

  private final int sampleRate;
  private final VadParams params;
  private final double marginDb;
  private final double absMinDb;

  // framing
  private final float[] frame;
  private int frameFill;
  private int frameLen;
  private int pendingByte = -1;
  private long frameIndex;
  // speech-band filter
  private final SpeechBand band;
  private boolean zcrPositive;
  // noise floor
  private double smoothPower;
  private final double[] blockMin = new double[BLOCKS];
  private int blocksFilled;
  private int blockPos;
  private double curBlockMin;
  private int curBlockFrames;
  private double floorDb;
  private double lastEnergyDb = SILENCE_DB;
  private double lastZcr;
  // runs and segments
  private int runFrames;
  private long runStartMs;
  private final SpeechSegments segments;

  /**
   * A detector for {@code sampleRate} Hz mono 16-bit little-endian PCM.
   *
   * @throws IllegalArgumentException when the rate is not 8,000–48,000 Hz
   */
  public VoiceActivityDetector(int sampleRate, VadParams params) {
    if (sampleRate < 8000 || sampleRate > 48000) {
      throw new IllegalArgumentException("sampleRate must be in range [8000,48000]: " + sampleRate);
    }
    this.params = Objects.requireNonNull(params, "params == null");
    this.sampleRate = sampleRate;
    this.marginDb = 2 + 20 * params.threshold();
    this.absMinDb = -70 + 20 * params.threshold();
    this.segments = new SpeechSegments(params);
    this.band = new SpeechBand(sampleRate);
    this.frame = new float[sampleRate / 100 + 1];
    reset();
  }

  /** Forgets everything: time restarts at 0, the noise floor is re-learned. */
  public void reset() {
    frameFill = 0;
    pendingByte = -1;
    frameIndex = 0;
    frameLen = frameLength(0);
    band.reset();
    zcrPositive = true;
    smoothPower = -1;
    blocksFilled = 0;
    blockPos = 0;
    curBlockMin = Double.POSITIVE_INFINITY;
    curBlockFrames = 0;
    floorDb = SILENCE_DB;
    lastEnergyDb = SILENCE_DB;
    lastZcr = 0;
    runFrames = 0;
    runStartMs = 0;
    segments.reset();
  }

  /** Analyses the next piece of audio; returns the boundaries found in it (often none). */
  public List<VadEvent> process(byte[] pcm16le) {
    Objects.requireNonNull(pcm16le, "pcm16le == null");
    List<VadEvent> events = new ArrayList<>(2);
    int i = 0;
    if (pendingByte >= 0 && pcm16le.length > 0) {
      push((short) (pendingByte | (pcm16le[0] << 8)), events);
      pendingByte = -1;
      i = 1;
    }
    for (; i + 1 < pcm16le.length; i += 2) {
      push((short) ((pcm16le[i] & 0xFF) | (pcm16le[i + 1] << 8)), events);
    }
    if (i < pcm16le.length) {
      pendingByte = pcm16le[i] & 0xFF;
    }
    return events;
  }

  /** True between a {@code SPEECH_START} and the following {@code SPEECH_END}. */
  public boolean inSpeech() {
    return segments.inSpeech();
  }

  /** Milliseconds of audio analysed (whole frames) since the start or the last reset. */
  public long audioMs() {
    return frameIndex * FRAME_MS;
  }

  /** The current noise-floor estimate in dBFS. */
  public double noiseFloorDbfs() {
    return floorDb;
  }

  /** The energy of the last analysed frame in dBFS (after DC removal). */
  public double lastFrameEnergyDbfs() {
    return lastEnergyDb;
  }

  /** The zero-crossing rate of the last analysed frame, in crossings per second. */
  public double lastFrameZeroCrossingsPerSec() {
    return lastZcr;
  }

  /** The parameters. */
  public VadParams params() {
    return params;
  }

  private int frameLength(long k) {
    return (int) ((k + 1) * sampleRate / 100 - k * sampleRate / 100);
  }

  private void push(short s, List<VadEvent> events) {
    frame[frameFill++] = s / 32768f;
    if (frameFill == frameLen) {
      analyse(events);
      frameFill = 0;
      frameIndex++;
      frameLen = frameLength(frameIndex);
    }
  }

  private void analyse(List<VadEvent> events) {
    int n = frameLen;
    double sum = 0;
    int crossings = 0;
    boolean positive = zcrPositive;
    // hysteresis of the noise floor's RMS amplitude: noise riding on a louder signal does not
    // add crossings of its own
    double gate = Math.pow(10, floorDb / 20);
    for (int i = 0; i < n; i++) {
      double y = band.filter(frame[i]);
      sum += y * y;
      if (positive ? y < -gate : y > gate) {
        positive = !positive;
        crossings++;
      }
    }
    zcrPositive = positive;
    double power = sum / n;
    double energyDb = power > 1e-10 ? 10 * Math.log10(power) : SILENCE_DB;
    double zcr = (double) crossings * sampleRate / n;
    lastEnergyDb = energyDb;
    lastZcr = zcr;

    // noise floor: minimum of smoothed power over the window
    smoothPower = smoothPower < 0 ? power : 0.5 * (smoothPower + power);
    double smoothDb = smoothPower > 1e-10 ? 10 * Math.log10(smoothPower) : SILENCE_DB;
    curBlockMin = Math.min(curBlockMin, smoothDb);
    if (++curBlockFrames == FRAMES_PER_BLOCK) {
      blockMin[blockPos] = curBlockMin;
      blockPos = (blockPos + 1) % BLOCKS;
      blocksFilled = Math.min(BLOCKS, blocksFilled + 1);
      curBlockMin = Double.POSITIVE_INFINITY;
      curBlockFrames = 0;
    }
    double f = curBlockMin;
    for (int b = 0; b < blocksFilled; b++) {
      f = Math.min(f, blockMin[b]);
    }
    floorDb = f;

    double over = energyDb - floorDb;
    boolean active = energyDb >= absMinDb && over >= marginDb
        && (zcr <= ZCR_MAX_PER_SEC || over >= marginDb + HISS_EXTRA_DB);
    step(active, events);
  }

  private void step(boolean active, List<VadEvent> events) {
    long startMs = frameIndex * FRAME_MS;
    long endMs = startMs + FRAME_MS;
    if (active) {
      if (runFrames == 0) {
        runStartMs = startMs;
      }
      runFrames++;
      if (runFrames == MIN_RUN_FRAMES) {
        // the run becomes speech from its start
        segments.speech(runStartMs, endMs, MIN_RUN_MS, events);
      } else if (runFrames > MIN_RUN_FRAMES) {
        segments.speech(startMs, endMs, FRAME_MS, events);
      }
    } else {
      runFrames = 0;
    }
    segments.elapsed(endMs, events); // silence since the last speech frame's end
  }

  /**
   * The speech band: 2nd-order Butterworth high-pass at {@link #BAND_LOW_HZ} and, above
   * 10 kHz sampling, 2nd-order Butterworth low-pass at {@link #BAND_HIGH_HZ} (RBJ biquads,
   * direct form I).
   */
  static final class SpeechBand {
    private final double[] hp;
    private final double[] lp;
    private final double[] state = new double[8];

    SpeechBand(int rate) {
      hp = biquad(rate, BAND_LOW_HZ, true);
      lp = rate > 10_000 ? biquad(rate, BAND_HIGH_HZ, false) : null;
    }

    /** {@code {b0, b1, b2, a1, a2}} normalised by a0, Q = 1/√2. */
    static double[] biquad(int rate, double f0, boolean highPass) {
      double w = 2 * Math.PI * f0 / rate;
      double cos = Math.cos(w);
      double alpha = Math.sin(w) / (2 * Math.sqrt(0.5));
      double a0 = 1 + alpha;
      double b1 = highPass ? -(1 + cos) : 1 - cos;
      double b0 = highPass ? (1 + cos) / 2 : (1 - cos) / 2;
      return new double[] {b0 / a0, b1 / a0, b0 / a0, -2 * cos / a0, (1 - alpha) / a0};
    }

    double filter(double x) {
      double y = run(hp, 0, x);
      return lp == null ? y : run(lp, 4, y);
    }

    private double run(double[] c, int s, double x) {
      double y = c[0] * x + c[1] * state[s] + c[2] * state[s + 1] - c[3] * state[s + 2]
          - c[4] * state[s + 3];
      state[s + 1] = state[s];
      state[s] = x;
      state[s + 3] = state[s + 2];
      state[s + 2] = y;
      return y;
    }

    void reset() {
      java.util.Arrays.fill(state, 0);
    }
  }
}
