package io.voicewire.bench.soak;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What a soak run counts: sessions per kind, lost and repeated content, errors by kind, and
 * latency histograms (HdrHistogram {@link Recorder}s: wait-free recording from any session
 * thread, interval snapshots for the heap-over-time rows, a running total for the summary).
 *
 * <p>Thread safe: every method may be called from any thread.
 */
final class SoakStats {
  /** Largest latency a histogram tracks: 10 minutes, in microseconds. */
  static final long MAX_TRACKED_MICROS = TimeUnit.MINUTES.toMicros(10);

  /** A latency series: interval snapshots plus the total of the run. */
  static final class Latency {
    final String name;
    private final Recorder recorder = new Recorder(MAX_TRACKED_MICROS, 3);
    private final Histogram total = new Histogram(MAX_TRACKED_MICROS, 3);
    private Histogram interval;

    Latency(String name) {
      this.name = name;
    }

    void recordMicros(long micros) {
      recorder.recordValue(Math.min(Math.max(0, micros), MAX_TRACKED_MICROS));
    }

    void recordSinceNanos(long startNanos) {
      recordMicros((System.nanoTime() - startNanos) / 1_000);
    }

    /** Closes the current interval and returns its histogram (also added to the total). */
    synchronized Histogram nextInterval() {
      interval = recorder.getIntervalHistogram(interval);
      total.add(interval);
      return interval.copy();
    }

    /** The whole run so far (after the last {@link #nextInterval()}). */
    synchronized Histogram total() {
      return total.copy();
    }
  }

  final Latency ttsFirstAudio = new Latency("TTS stream-input: first text sent -> first audio");
  final Latency ttsTotal = new Latency("TTS stream-input: end() -> final audio (isFinal)");
  final Latency multiFirstAudio = new Latency("multi-context: first text -> first audio of a context");
  final Latency sttCommit = new Latency("STT realtime: commit sent -> committed transcript");
  final Latency canaryTts = new Latency("canary TTS: first text -> first audio");
  final Latency canaryStt = new Latency("canary STT: commit -> committed transcript");

  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final java.util.Queue<String> samples = new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** Most audit differences kept as examples for the report. */
  static final int MAX_SAMPLES = 16;

  Latency[] latencies() {
    return new Latency[] {ttsFirstAudio, ttsTotal, multiFirstAudio, sttCommit, canaryTts,
        canaryStt};
  }

  /** Adds {@code n} to the named counter (sessions, characters, lost, repeated, ...). */
  void add(String counter, long n) {
    counters.computeIfAbsent(counter, k -> new LongAdder()).add(n);
  }

  void inc(String counter) {
    add(counter, 1);
  }

  long get(String counter) {
    LongAdder a = counters.get(counter);
    return a == null ? 0 : a.sum();
  }

  /** Counts one error of {@code kind} (an error code, "timeout", "audit", an exception type). */
  void error(String kind) {
    errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  /** Keeps a short description of an audit difference (the first {@value #MAX_SAMPLES}). */
  void sample(String what) {
    if (samples.size() < MAX_SAMPLES) {
      samples.add(what);
    }
  }

  java.util.List<String> samples() {
    return java.util.List.copyOf(samples);
  }

  Map<String, Long> counters() {
    return snapshot(counters);
  }

  Map<String, Long> errors() {
    return snapshot(errors);
  }

  private static Map<String, Long> snapshot(Map<String, LongAdder> m) {
    Map<String, Long> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
