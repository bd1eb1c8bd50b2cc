package io.voicewire.server.internal;

import io.voicewire.metrics.LatencyRecorder;
import io.voicewire.metrics.MetricsRegistry;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's metrics, rendered in the Prometheus text format by {@link #toPrometheus()}:
 * sessions (active and total) by kind, WebSocket messages and audio bytes by kind and direction,
 * errors by protocol error type, HTTP responses by status, and three latency summaries in
 * microseconds recorded with core's {@link MetricsRegistry} (HdrHistogram): TTS time to first
 * audio, STT audio-to-partial and STT end-of-audio-to-committed.
 *
 * <p>Recording is wait-free (LongAdder, HdrHistogram Recorder) and may happen on any thread.
 */
final class ServerMetrics {
    private static final SessionKind[] KINDS = SessionKind.values();

  private final AtomicInteger[] active = new AtomicInteger[KINDS.length];
  private final LongAdder[] opened = new LongAdder[KINDS.length];
  private final LongAdder[] messagesIn = new LongAdder[KINDS.length];
  private final LongAdder[] messagesOut = new LongAdder[KINDS.length];
  private final LongAdder[] audioBytesIn = new LongAdder[KINDS.length];
  private final LongAdder[] audioBytesOut = new LongAdder[KINDS.length];
  private final ConcurrentHashMap<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, LongAdder> httpResponses = new ConcurrentHashMap<>();

  /** Latency summaries: core's {@link MetricsRegistry} over HdrHistogram recorders. */
  private final MetricsRegistry latencies = new MetricsRegistry("voicewire",
      System::currentTimeMillis);
  final Latency ttfa = latency("ttsTimeToFirstAudioMicros",
      "Time from the first text of a TTS stream or context to its first audio message");
  final Latency partial = latency("sttPartialLatencyMicros",
      "Time from the arrival of the newest audio a partial transcript covers to sending it");
  final Latency commit = latency("sttCommitLatencyMicros",
      "Time from the arrival of a committed segment's last audio (or the commit request) to "
          + "sending the committed transcript");

  ServerMetrics() {
    for (int i = 0; i < KINDS.length; i++) {
      active[i] = new AtomicInteger();
      opened[i] = new LongAdder();
      messagesIn[i] = new LongAdder();
      messagesOut[i] = new LongAdder();
      audioBytesIn[i] = new LongAdder();
      audioBytesOut[i] = new LongAdder();
    }
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
    audioBytesIn[k.ordinal()].add(bytes);
  }

  void audioOut(SessionKind k, long bytes) {
    audioBytesOut[k.ordinal()].add(bytes);
  }

  void error(String type) {
    errors.computeIfAbsent(type, t -> new LongAdder()).increment();
  }

  long errors(String type) {
    LongAdder a = errors.get(type);
    return a == null ? 0 : a.sum();
  }

  void httpResponse(int status) {
    httpResponses.computeIfAbsent(status, s -> new LongAdder()).increment();
  }

  private Latency latency(String name, String help) {
    latencies.describe(name, help);
    return new Latency(latencies.latency(name));
  }

  /** One latency summary; recording is wait-free. */
  static final class Latency {
    private final LatencyRecorder recorder;

    private Latency(LatencyRecorder recorder) {
      this.recorder = recorder;
    }

    /** Records a latency given in nanoseconds, as microseconds. */
    void recordNanos(long nanos) {
      recorder.record(Math.max(0, nanos / 1000));
    }
  }

  /** The Prometheus text exposition (version 0.0.4). */
  synchronized String toPrometheus() {
    StringBuilder sb = new StringBuilder(4096);
    gauge(sb, "voicewire_sessions_active", "Sessions open now, by kind", active);
    counter(sb, "voicewire_sessions_total", "Sessions opened, by kind", opened);
    sb.append("# HELP voicewire_messages_total WebSocket messages, by kind and direction\n");
    sb.append("# TYPE voicewire_messages_total counter\n");
    for (SessionKind k : KINDS) {
      sb.append("voicewire_messages_total{kind=\"").append(k.label)
          .append("\",direction=\"in\"} ").append(messagesIn[k.ordinal()].sum()).append('\n');
      sb.append("voicewire_messages_total{kind=\"").append(k.label)
          .append("\",direction=\"out\"} ").append(messagesOut[k.ordinal()].sum()).append('\n');
    }
    sb.append("# HELP voicewire_audio_bytes_total Audio bytes (decoded), by kind and direction\n");
    sb.append("# TYPE voicewire_audio_bytes_total counter\n");
    for (SessionKind k : KINDS) {
      sb.append("voicewire_audio_bytes_total{kind=\"").append(k.label)
          .append("\",direction=\"in\"} ").append(audioBytesIn[k.ordinal()].sum()).append('\n');
      sb.append("voicewire_audio_bytes_total{kind=\"").append(k.label)
          .append("\",direction=\"out\"} ").append(audioBytesOut[k.ordinal()].sum()).append('\n');
    }
    sb.append("# HELP voicewire_errors_total Protocol errors sent, by error type\n");
    sb.append("# TYPE voicewire_errors_total counter\n");
    for (Map.Entry<String, LongAdder> e : new TreeMap<>(errors).entrySet()) {
      sb.append("voicewire_errors_total{type=\"").append(e.getKey()).append("\"} ")
          .append(e.getValue().sum()).append('\n');
    }
    sb.append("# HELP voicewire_http_responses_total HTTP responses, by status\n");
    sb.append("# TYPE voicewire_http_responses_total counter\n");
    for (Map.Entry<Integer, LongAdder> e : new TreeMap<>(httpResponses).entrySet()) {
      sb.append("voicewire_http_responses_total{status=\"").append(e.getKey()).append("\"} ")
          .append(e.getValue().sum()).append('\n');
    }
    java.lang.management.MemoryUsage heap =
        java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    sb.append("# HELP jvm_memory_used_bytes Used bytes of a JVM memory area\n");
    sb.append("# TYPE jvm_memory_used_bytes gauge\n");
    sb.append("jvm_memory_used_bytes{area=\"heap\"} ").append(heap.getUsed()).append('\n');
    sb.append("# HELP jvm_memory_max_bytes Max bytes of a JVM memory area (-1 when undefined)\n");
    sb.append("# TYPE jvm_memory_max_bytes gauge\n");
    sb.append("jvm_memory_max_bytes{area=\"heap\"} ").append(heap.getMax()).append('\n');
    sb.append(latencies.toPrometheus());
    return sb.toString();
  }

  private static void gauge(StringBuilder sb, String name, String help, AtomicInteger[] v) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(" gauge\n");
    for (SessionKind k : KINDS) {
      sb.append(name).append("{kind=\"").append(k.label).append("\"} ")
          .append(v[k.ordinal()].get()).append('\n');
    }
  }

  private static void counter(StringBuilder sb, String name, String help, LongAdder[] v) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(" counter\n");
    for (SessionKind k : KINDS) {
      sb.append(name).append("{kind=\"").append(k.label).append("\"} ")
          .append(v[k.ordinal()].sum()).append('\n');
    }
  }

}
