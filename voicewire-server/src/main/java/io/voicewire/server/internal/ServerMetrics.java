package io.voicewire.server.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.Recorder;

/**
 * The server's metrics, kept in a Micrometer {@link PrometheusMeterRegistry} and rendered in the
 * Prometheus text format by {@link #toPrometheus()}: sessions (active and total) by kind,
 * WebSocket messages and audio bytes by kind and direction, errors by protocol error type, HTTP
 * responses by status, the heap, and three latency summaries in microseconds: TTS time to first
 * audio, STT audio-to-partial and STT end-of-audio-to-committed. The replica's own gauges
 * ({@link ReplicaMetrics}) are registered in the same registry.
 *
 * <p>Exported names are those of the hand-written exposition this replaced (docs/server.md has
 * the mapping); values are written as Prometheus floating-point numbers ({@code 1.0}).
 *
 * <p>Thread safe; recording is lock-free and may happen on any thread: Micrometer's counters, and
 * for the latencies an HdrHistogram {@link Recorder} (wait-free) whose values reach the Micrometer
 * summary when the metrics are read ({@link Latency}).
 */
final class ServerMetrics {
  private static final SessionKind[] KINDS = SessionKind.values();
  /** Quantiles published for every latency summary. */
  static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger[] active = new AtomicInteger[KINDS.length];
  private final Counter[] opened = new Counter[KINDS.length];
  private final Counter[] messagesIn = new Counter[KINDS.length];
  private final Counter[] messagesOut = new Counter[KINDS.length];
  private final Counter[] audioBytesIn = new Counter[KINDS.length];
  private final Counter[] audioBytesOut = new Counter[KINDS.length];

  final Latency ttfa = latency("voicewire.tts.time.to.first.audio",
      "Time from the first text of a TTS stream or context to its first audio message");
  final Latency partial = latency("voicewire.stt.partial.latency",
      "Time from the arrival of the newest audio a partial transcript covers to sending it");
  final Latency commit = latency("voicewire.stt.commit.latency",
      "Time from the arrival of a committed segment's last audio (or the commit request) to "
          + "sending the committed transcript");

  ServerMetrics() {
    for (SessionKind k : KINDS) {
      int i = k.ordinal();
      active[i] = new AtomicInteger();
      Gauge.builder("voicewire.sessions.active", active[i], AtomicInteger::get)
          .description("Sessions open now, by kind").tag("kind", k.label).register(registry);
      opened[i] = Counter.builder("voicewire.sessions").description("Sessions opened, by kind")
          .tag("kind", k.label).register(registry);
      messagesIn[i] = directional("voicewire.messages", "WebSocket messages, by kind and "
          + "direction", k, "in");
      messagesOut[i] = directional("voicewire.messages", "WebSocket messages, by kind and "
          + "direction", k, "out");
      audioBytesIn[i] = directional("voicewire.audio.bytes", "Audio bytes (decoded), by kind "
          + "and direction", k, "in");
      audioBytesOut[i] = directional("voicewire.audio.bytes", "Audio bytes (decoded), by kind "
          + "and direction", k, "out");
    }
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    Gauge.builder("jvm.memory.used", memory, m -> m.getHeapMemoryUsage().getUsed())
        .description("Used bytes of a JVM memory area").baseUnit("bytes").tag("area", "heap")
        .register(registry);
    Gauge.builder("jvm.memory.max", memory, m -> m.getHeapMemoryUsage().getMax())
        .description("Max bytes of a JVM memory area (-1 when undefined)").baseUnit("bytes")
        .tag("area", "heap").register(registry);
  }

  private Counter directional(String name, String help, SessionKind k, String direction) {
    return Counter.builder(name).description(help).tag("kind", k.label)
        .tag("direction", direction).register(registry);
  }

  /** The registry, for the replica's own meters. */
  MeterRegistry registry() {
    return registry;
  }

  void sessionOpened(SessionKind k) {
    active[k.ordinal()].incrementAndGet();
    opened[k.ordinal()].increment();
  }

  void sessionClosed(SessionKind k) {
    active[k.ordinal()].decrementAndGet();
  }

  int active(SessionKind k) {
    return active[k.ordinal()].get();
  }

  void messageIn(SessionKind k) {
    messagesIn[k.ordinal()].increment();
  }

  void messageOut(SessionKind k) {
    messagesOut[k.ordinal()].increment();
  }

  void audioIn(SessionKind k, long bytes) {
    audioBytesIn[k.ordinal()].increment(bytes);
  }

  void audioOut(SessionKind k, long bytes) {
    audioBytesOut[k.ordinal()].increment(bytes);
  }

  /**
   * Counts a realtime STT chunk the provider could not take at once: its socket stopped reading
   * until it was taken (uplink backpressure, docs/LIMITS.md).
   */
  void sttUplinkHeld() {
    Counter.builder("voicewire.stt.uplink.held").description("Realtime STT chunks held by "
        + "uplink backpressure (the socket was not read until the engine took them)")
        .register(registry).increment();
  }

  private final Counter inboundThrottled = Counter.builder("voicewire.inbound.throttled")
      .description("Times a WebSocket's reading was delayed because its API key or the session "
          + "was over its inbound budget (inbound bytes or CPU per second, docs/LIMITS.md)")
      .register(registry);
  private final Counter inboundThrottleSeconds = Counter.builder(
      "voicewire.inbound.throttle.seconds").description("Seconds WebSocket reading was delayed "
          + "by the per-key inbound budget, summed over sockets").register(registry);

  /** A socket's next read waits {@code nanos} for its key's inbound budget. */
  void inboundThrottled(long nanos) {
    inboundThrottled.increment();
    inboundThrottleSeconds.increment(nanos / 1e9);
  }

  /** Counts a protocol error sent; {@code type} is one of the protocol's error types. */
  void error(String type) {
    Counter.builder("voicewire.errors").description("Protocol errors sent, by error type")
        .tag("type", type).register(registry).increment();
  }

  long errors(String type) {
    Counter c = registry.find("voicewire.errors").tag("type", type).counter();
    return c == null ? 0 : (long) c.count();
  }

  void httpResponse(int status) {
    Counter.builder("voicewire.http.responses").description("HTTP responses, by status")
        .tag("status", Integer.toString(status)).register(registry).increment();
  }

  private Latency latency(String name, String help) {
    return new Latency(DistributionSummary.builder(name).description(help).baseUnit("micros")
        .publishPercentiles(QUANTILES).register(registry));
  }

  /**
   * One latency summary. Recording is wait-free: a value goes into an HdrHistogram
   * {@link Recorder} (to 2 significant digits, at most {@link #MAX_TRACKED_MICROS}), and the
   * values recorded since are replayed into the Micrometer summary when the metrics are read
   * ({@link #drain}). Recording into the summary directly took its histogram's monitor
   * ({@code DoubleHistogram.autoAdjustRangeForValueSlowPath}), shared by every session, on the
   * relay's hot path: a thread descheduled while holding it stalled every partial of every
   * session (docs/bench-relay.md). Memory: fixed, two histograms of about 25 KiB.
   */
  static final class Latency {
    /** Longest latency recorded as is; a longer one is recorded as this (1 hour). */
    static final long MAX_TRACKED_MICROS = TimeUnit.HOURS.toMicros(1);

    private final DistributionSummary summary;
    private final Recorder recorder = new Recorder(1, MAX_TRACKED_MICROS, 2);
    /** The histogram {@link #drain} recycles; guarded by this. */
    private Histogram spare;

    private Latency(DistributionSummary summary) {
      this.summary = summary;
    }

    /** Records a latency given in nanoseconds, as microseconds. Wait-free. */
    void recordNanos(long nanos) {
      recorder.recordValue(Math.min(MAX_TRACKED_MICROS, Math.max(0, nanos / 1000)));
    }

    /** Moves what was recorded since the last drain into the summary. */
    synchronized void drain() {
      spare = recorder.getIntervalHistogram(spare);
      for (HistogramIterationValue v : spare.recordedValues()) {
        double value = spare.medianEquivalentValue(v.getValueIteratedTo());
        for (long i = v.getCountAtValueIteratedTo(); i > 0; i--) {
          summary.record(value);
        }
      }
    }
  }

  /** The Prometheus text exposition (version 0.0.4) of every meter in the registry. */
  String toPrometheus() {
    ttfa.drain();
    partial.drain();
    commit.drain();
    return registry.scrape();
  }
}
