package io.voicewire.metrics;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * Named latency recorders, counters and gauges of one process or component, exportable in the
 * Prometheus text format (version 0.0.4).
 *
 * <p>Names are camelCase; latency names end with their unit ({@code ttfaMicros}). In the
 * export they become snake_case with the registry's prefix: {@code voicewire_ttfa_micros}
 * (a summary with quantiles 0.5, 0.9, 0.99, 0.999 over everything recorded since start, plus
 * {@code _sum}, {@code _count} and a {@code _max} gauge), {@code voicewire_underruns_total}
 * (counter), {@code voicewire_sessions_open} (gauge).
 *
 * <p>Thread safe: metrics are created on first use and shared; creating them may contend,
 * recording into them does not touch the registry.
 *
 * <pre>{@code
 * MetricsRegistry metrics = new MetricsRegistry("voicewire", System::currentTimeMillis);
 * metrics.latency("ttfaMicros").record(micros);
 * metrics.counter("underruns").increment();
 * metrics.gauge("sessionsOpen", sessions::size);
 * String body = metrics.toPrometheus();   // GET /metrics
 * }</pre>
 */
public final class MetricsRegistry {
  /** Quantiles exported for every latency metric. */
  public static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};

  private final String prefix;
  private final LongSupplier clockMillis;
  private final ConcurrentHashMap<String, LatencyRecorder> latencies = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongSupplier> gauges = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, String> help = new ConcurrentHashMap<>();

  /**
   * @param prefix the export prefix, lowercase snake_case such as {@code voicewire}
   * @param clockMillis the clock of the latency recorders
   */
  public MetricsRegistry(String prefix, LongSupplier clockMillis) {
    Objects.requireNonNull(prefix, "prefix == null");
    if (!prefix.matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException("prefix must be lowercase snake_case: " + prefix);
    }
    this.prefix = prefix;
    this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis == null");
  }

  /** The latency recorder called {@code name}, created on first use. */
  public LatencyRecorder latency(String name) {
    MetricNames.requireUnit(name);
    checkUnique(name, latencies);
    return latencies.computeIfAbsent(name, n -> new LatencyRecorder(n, clockMillis));
  }

  /** The counter called {@code name}, created on first use. */
  public Counter counter(String name) {
    MetricNames.requireCamel(name);
    checkUnique(name, counters);
    return counters.computeIfAbsent(name, Counter::new);
  }

  /** Registers (or replaces) a gauge read at export time; the supplier must not block. */
  public void gauge(String name, LongSupplier value) {
    MetricNames.requireCamel(name);
    Objects.requireNonNull(value, "value == null");
    checkUnique(name, gauges);
    gauges.put(name, value);
  }

  /** Sets the help text of a metric (shown as {@code # HELP}). */
  public MetricsRegistry describe(String name, String text) {
    help.put(MetricNames.requireCamel(name), Objects.requireNonNull(text, "text == null"));
    return this;
  }

  private void checkUnique(String name, Map<String, ?> own) {
    if (!own.containsKey(name) && (latencies.containsKey(name) || counters.containsKey(name)
        || gauges.containsKey(name))) {
      throw new IllegalArgumentException("metric " + name + " already exists with another type");
    }
  }

  /** Interval snapshots of every latency recorder, by name. */
  public Map<String, LatencySnapshot> intervalSnapshots() {
    Map<String, LatencySnapshot> out = new TreeMap<>();
    latencies.forEach((n, r) -> out.put(n, r.intervalSnapshot()));
    return out;
  }

  /** Every metric in the Prometheus text exposition format, sorted by name. */
  public String toPrometheus() {
    StringBuilder sb = new StringBuilder();
    for (String name : new TreeMap<>(latencies).keySet()) {
      String p = exported(name);
      header(sb, name, p, "summary");
      latencies.get(name).withTotal(h -> summary(sb, p, h));
    }
    for (Map.Entry<String, Counter> e : new TreeMap<>(counters).entrySet()) {
      String p = exported(e.getKey()) + "_total";
      header(sb, e.getKey(), p, "counter");
      sb.append(p).append(' ').append(e.getValue().get()).append('\n');
    }
    for (Map.Entry<String, LongSupplier> e : new TreeMap<>(gauges).entrySet()) {
      String p = exported(e.getKey());
      header(sb, e.getKey(), p, "gauge");
      sb.append(p).append(' ').append(e.getValue().getAsLong()).append('\n');
    }
    return sb.toString();
  }

  private String exported(String name) {
    return prefix + "_" + MetricNames.snake(name);
  }

  private void header(StringBuilder sb, String name, String exported, String type) {
    String h = help.getOrDefault(name, name);
    sb.append("# HELP ").append(exported).append(' ')
        .append(h.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
    sb.append("# TYPE ").append(exported).append(' ').append(type).append('\n');
  }

  private static void summary(StringBuilder sb, String p, Histogram h) {
    long n = h.getTotalCount();
    for (double q : QUANTILES) {
      sb.append(p).append("{quantile=\"").append(num(q)).append("\"} ")
          .append(n == 0 ? "NaN" : Long.toString(h.getValueAtPercentile(q * 100))).append('\n');
    }
    sb.append(p).append("_sum ").append(num(n == 0 ? 0 : h.getMean() * n)).append('\n');
    sb.append(p).append("_count ").append(n).append('\n');
    sb.append("# TYPE ").append(p).append("_max gauge\n");
    sb.append(p).append("_max ").append(n == 0 ? 0 : h.getMaxValue()).append('\n');
  }

  private static String num(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%s", v);
  }
}
