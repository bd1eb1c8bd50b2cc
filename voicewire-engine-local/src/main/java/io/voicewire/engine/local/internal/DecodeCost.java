package io.voicewire.engine.local.internal;

/**
 * The measured CPU cost of speech decoding, in CPU seconds per second of audio, and the number of
 * streams it lets the engine serve in real time.
 *
 * <p>Every decoding lane reports, after each pass of a session, the CPU time its thread spent and
 * the audio it decoded ({@link #record}). The estimate is an exponential average over about
 * {@link #WINDOW_AUDIO_SECONDS} of decoded audio, starting from {@link #PRIOR_CPU_PER_AUDIO_SECOND}
 * (measured on human read speech, docs/bench-engine.md), so the capacity follows the machine and
 * the speech the engine really gets: 5 streams on 2 cores for human read speech (0.31–0.34
 * CPU-s per audio second), up to the lanes for the engine's own synthetic speech, which costs less. A stream is counted as if it
 * spoke all the time: a real-time guarantee cannot rely on callers pausing.
 *
 * <p>Thread safe.
 */
final class DecodeCost {
  /**
   * Decoding CPU seconds per audio second assumed before any session was decoded: the `FAST`
   * profile on the held-out LibriVox clips, lane thread CPU (docs/bench-engine.md).
   */
  static final double PRIOR_CPU_PER_AUDIO_SECOND = 0.35;
  /** Seconds of decoded audio over which the measured cost is averaged. */
  static final double WINDOW_AUDIO_SECONDS = 60;
  /**
   * Share of the cores that real-time streams may take together; the rest is for the JVM (GC,
   * JIT), the network and the audio conversion around the decoding.
   */
  static final double REALTIME_CPU_SHARE = 0.9;
  /** Passes shorter than this are not measured (their cost is mostly the pass's set-up). */
  static final double MIN_SAMPLE_AUDIO_SECONDS = 0.5;

  private final int cores;
  private double cpuPerAudioSecond = PRIOR_CPU_PER_AUDIO_SECOND; // guarded by this
  private double audioSeconds; // guarded by this
  private double cpuSeconds; // guarded by this

  /** @param cores the processors the decoding lanes may use */
  DecodeCost(int cores) {
    this.cores = cores;
  }

  /** One pass decoded: {@code cpuNanos} of the lane's CPU for {@code audioSeconds} of audio. */
  synchronized void record(long cpuNanos, double audioSeconds) {
    if (audioSeconds < MIN_SAMPLE_AUDIO_SECONDS || cpuNanos < 0) {
      return;
    }
    double sample = cpuNanos / 1e9 / audioSeconds;
    double weight = audioSeconds / (audioSeconds + WINDOW_AUDIO_SECONDS);
    cpuPerAudioSecond += (sample - cpuPerAudioSecond) * weight;
    this.audioSeconds += audioSeconds;
    this.cpuSeconds += cpuNanos / 1e9;
  }

  /** The current estimate, CPU seconds per audio second. */
  synchronized double cpuPerAudioSecond() {
    return cpuPerAudioSecond;
  }

  /** Audio seconds measured so far (0: the estimate is still the prior). */
  synchronized double measuredAudioSeconds() {
    return audioSeconds;
  }

  /** The plain mean over everything measured (the prior when nothing was), for benchmarks. */
  synchronized double meanCpuPerAudioSecond() {
    return audioSeconds == 0 ? PRIOR_CPU_PER_AUDIO_SECOND : cpuSeconds / audioSeconds;
  }

  int cores() {
    return cores;
  }

  /** Streams that fit in real time at the current estimate, at least 1, at most {@code lanes}. */
  int streams(int lanes) {
    int fit = (int) Math.floor(cores * REALTIME_CPU_SHARE / cpuPerAudioSecond());
    return Math.max(1, Math.min(lanes, fit));
  }
}
