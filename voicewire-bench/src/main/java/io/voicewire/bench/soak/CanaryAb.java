package io.voicewire.bench.soak;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * {@code bench soak --ab}: the canaries' latency without and with the abuse mix, side by side in
 * one run. The run is cut into phases of equal length that alternate quiet (A: the normal
 * sessions and the canaries) and abused (B: the same plus {@link Abuse}), A first, so that
 * whatever else loads the machine hits both. Each canary latency is put in the phase it started
 * in, and dropped when it ended in another one; in a quiet phase, latencies that start in its
 * first {@link #SETTLE_SECONDS} are dropped too, so that what the abusers left behind (work
 * being cancelled, sockets closing) is not counted as quiet. The report gives p50/p90/p99 per
 * phase and per mode, the ratio abused/quiet, and whether the criterion holds:
 * p50 at most {@link #MAX_P50_RATIO} and p99 at most {@link #MAX_P99_RATIO} times the quiet
 * value, for every series, and no canary error in an abused phase that the quiet phases did not
 * have.
 *
 * <p>Thread safe: latencies are recorded from any session thread; {@link #drive} runs on one.
 */
final class CanaryAb {
  /** Start of a quiet phase whose canary latencies are not counted. */
  static final long SETTLE_SECONDS = 10;
  /** The criterion: abused p50 at most this many times the quiet p50 (per series). */
  static final double MAX_P50_RATIO = 1.25;
  /** The criterion: abused p99 at most this many times the quiet p99 (per series). */
  static final double MAX_P99_RATIO = 1.5;
  /** A canary latency at least this long is listed with its wall-clock time, ms. */
  static final long SLOW_MILLIS = 500;
  /** At most this many slow canary latencies are listed, the longest first. */
  static final int MAX_SLOW = 30;
  /** How often the load average is read during a phase, ms. */
  static final long LOAD_EVERY_MILLIS = 5_000;

  /** The canary series, in report order. */
  static final List<String> SERIES = List.of("TTS first text -> first audio",
      "STT speech sent -> first partial", "STT commit -> committed transcript");

  private final long phaseNanos;
  private volatile boolean mirrored;
  private final int phases;
  private final long t0;
  private final SynchronizedHistogram[][] latency;
  private final double[] loadMin;
  private final double[] loadMax;
  private final List<Map<String, Long>> errors = new ArrayList<>();
  private final Map<String, Long> abuseOutcomes = new TreeMap<>();
  /** The slow canary latencies, for lining them up with the server's GC log or a recording. */
  private final ConcurrentLinkedQueue<Slow> slow = new ConcurrentLinkedQueue<>();

  private record Slow(long micros, String line) {}

  /**
   * @param phaseSeconds length of one phase
   * @param phases number of phases (even: as many quiet as abused)
   */
  CanaryAb(int phaseSeconds, int phases, long startNanos) {
    this.phaseNanos = TimeUnit.SECONDS.toNanos(phaseSeconds);
    this.phases = phases;
    this.t0 = startNanos;
    this.latency = new SynchronizedHistogram[phases][SERIES.size()];
    for (SynchronizedHistogram[] row : latency) {
      for (int s = 0; s < row.length; s++) {
        row[s] = new SynchronizedHistogram(SoakStats.MAX_TRACKED_MICROS, 3);
      }
    }
    this.loadMin = new double[phases];
    this.loadMax = new double[phases];
  }

  /** What the quiet phases run: nothing more, or the abusers' mirrors ({@code --ab-mirror}). */
  private String quietName() {
    return mirrored ? "mirror" : "quiet";
  }

  static boolean abused(int phase) {
    return phase % 2 == 1;
  }

  /** The nanoTime when all phases are over. */
  long endNanos() {
    return t0 + phases * phaseNanos;
  }

  /** Where canary latencies of series {@code s} (index in {@link #SERIES}) go. */
  SoakSessions.Timing timing(int s) {
    return start -> {
      long now = System.nanoTime();
      int p = phaseOf(start);
      if (p < 0 || p != phaseOf(now)) {
        return;
      }
      long intoPhase = start - (t0 + p * phaseNanos);
      if (!abused(p) && intoPhase < TimeUnit.SECONDS.toNanos(SETTLE_SECONDS)) {
        return;
      }
      long micros = (now - start) / 1_000;
      record(p, s, micros);
      if (micros >= SLOW_MILLIS * 1_000 && slow.size() < 100 * MAX_SLOW) {
        slow.add(new Slow(micros, String.format(Locale.ROOT,
            "%s ended at %s (phase %d, %.1f s into it): %d ms",
            SERIES.get(s), java.time.LocalTime.now(java.time.ZoneOffset.UTC), p + 1,
            intoPhase / 1e9, micros / 1_000)));
      }
    };
  }

  /** Records a latency of series {@code s} in phase {@code p}. */
  void record(int p, int s, long micros) {
    latency[p][s].recordValue(Math.min(SoakStats.MAX_TRACKED_MICROS, Math.max(0, micros)));
  }

  private int phaseOf(long nanos) {
    long p = (nanos - t0) / phaseNanos;
    return nanos < t0 || p >= phases ? -1 : (int) p;
  }

  /**
   * Runs the phases on the calling thread: starts an abuse mix from {@code abuse} at the start of
   * each abused phase and closes it at its end; reads the load average and the canaries' errors.
   */
  void drive(Supplier<Abuse> abuse, Supplier<Abuse> mirror, SoakStats stats, PrintStream out)
      throws InterruptedException {
    this.mirrored = mirror != null;
    Map<String, Long> before = canaryErrors(stats);
    for (int p = 0; p < phases; p++) {
      long end = t0 + (p + 1) * phaseNanos;
      Abuse a = abused(p) ? abuse.get() : mirror != null ? mirror.get() : null;
      if (a != null) {
        a.start();
      }
      loadMin[p] = Double.MAX_VALUE;
      while (true) {
        double l = Soak.loadAverage();
        loadMin[p] = Math.min(loadMin[p], l);
        loadMax[p] = Math.max(loadMax[p], l);
        long left = end - System.nanoTime();
        if (left <= 0) {
          break;
        }
        TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(LOAD_EVERY_MILLIS)));
      }
      if (a != null) {
        a.close();
        a.summary().forEach((k, v) -> abuseOutcomes.merge(k, v, Long::sum));
      }
      Map<String, Long> now = canaryErrors(stats);
      Map<String, Long> diff = new TreeMap<>();
      now.forEach((k, v) -> {
        long d = v - before.getOrDefault(k, 0L);
        if (d > 0) {
          diff.put(k, d);
        }
      });
      before.clear();
      before.putAll(now);
      errors.add(diff);
      out.printf(Locale.ROOT, "  phase %d (%s) done: load %.2f-%.2f, canary %s, errors %s%n", p + 1,
          abused(p) ? "abused" : quietName(), loadMin[p], loadMax[p], p50s(latency[p]), diff);
      out.flush();
    }
  }

  private static Map<String, Long> canaryErrors(SoakStats stats) {
    Map<String, Long> m = new TreeMap<>();
    stats.errors().forEach((k, v) -> {
      if (k.startsWith("canary")) {
        m.put(k, v);
      }
    });
    return m;
  }

  /** What the abusive clients got over all abused phases. */
  Map<String, Long> abuseOutcomes() {
    return new TreeMap<>(abuseOutcomes);
  }

  /** The quiet (false) or abused (true) phases' histograms of series {@code s}, merged. */
  Histogram merged(boolean abusedPhases, int s) {
    Histogram h = new Histogram(SoakStats.MAX_TRACKED_MICROS, 3);
    for (int p = 0; p < phases; p++) {
      if (abused(p) == abusedPhases) {
        h.add(latency[p][s]);
      }
    }
    return h;
  }

  private long errorCount(boolean abusedPhases) {
    long n = 0;
    for (int p = 0; p < errors.size(); p++) {
      if (abused(p) == abusedPhases) {
        n += errors.get(p).values().stream().mapToLong(Long::longValue).sum();
      }
    }
    return n;
  }

  /** Whether the criterion holds (see the class comment); false when a series has no sample. */
  boolean holds() {
    for (int s = 0; s < SERIES.size(); s++) {
      Histogram a = merged(false, s);
      Histogram b = merged(true, s);
      if (a.getTotalCount() == 0 || b.getTotalCount() == 0
          || ratio(b, a, 50) > MAX_P50_RATIO || ratio(b, a, 99) > MAX_P99_RATIO) {
        return false;
      }
    }
    return errorCount(true) <= errorCount(false);
  }

  private static double ratio(Histogram b, Histogram a, double percentile) {
    return b.getValueAtPercentile(percentile) / (double) Math.max(1, a.getValueAtPercentile(percentile));
  }

  void print(PrintStream out) {
    out.println();
    out.printf(Locale.ROOT, "### Canary latency, " + quietName()
        + " (A) and abused (B) phases of %d s (ms)%n%n",
        phaseNanos / 1_000_000_000L);
    out.print("| phase | mode | load min-max |");
    SERIES.forEach(s -> out.print(" " + s + " n, p50 / p90 / p99 |"));
    out.println(" canary errors |");
    out.println("|---:|---|---|" + "---|".repeat(SERIES.size()) + "---|");
    for (int p = 0; p < phases; p++) {
      out.printf(Locale.ROOT, "| %d | %s | %.2f-%.2f |", p + 1,
          abused(p) ? "B abused" : "A " + quietName(),
          loadMin[p], loadMax[p]);
      for (SynchronizedHistogram h : latency[p]) {
        out.print(" " + summary(h) + " |");
      }
      out.println(" " + (p < errors.size() && !errors.get(p).isEmpty() ? errors.get(p) : "-") + " |");
    }
    out.println();
    out.println("| series | quiet n, p50 / p90 / p99 | abused n, p50 / p90 / p99 | p50 ratio | p90 ratio | p99 ratio |");
    out.println("|---|---|---|---:|---:|---:|");
    for (int s = 0; s < SERIES.size(); s++) {
      Histogram a = merged(false, s);
      Histogram b = merged(true, s);
      boolean both = a.getTotalCount() > 0 && b.getTotalCount() > 0;
      out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", SERIES.get(s), summary(a),
          summary(b), both ? fmt(ratio(b, a, 50)) : "-", both ? fmt(ratio(b, a, 90)) : "-",
          both ? fmt(ratio(b, a, 99)) : "-");
    }
    out.printf(Locale.ROOT, "%nCanary errors: quiet %d, abused %d. Criterion (abused p50 <= %.2fx "
            + "and p99 <= %.2fx quiet for every series, no more canary errors when abused): "
            + "**%s**.%n", errorCount(false), errorCount(true), MAX_P50_RATIO, MAX_P99_RATIO,
        holds() ? "holds" : "does not hold");
    if (!slow.isEmpty()) {
      out.printf(Locale.ROOT, "%nCanary latencies of %d ms or more, the %d longest (UTC):%n",
          SLOW_MILLIS, MAX_SLOW);
      slow.stream().sorted(java.util.Comparator.comparingLong(Slow::micros).reversed())
          .limit(MAX_SLOW).forEach(x -> out.println("- " + x.line()));
    }
    out.flush();
  }

  private static String fmt(double r) {
    return String.format(Locale.ROOT, "%.2f", r);
  }

  private static String summary(Histogram h) {
    if (h.getTotalCount() == 0) {
      return "0";
    }
    return String.format(Locale.ROOT, "%d, %.0f / %.0f / %.0f", h.getTotalCount(),
        h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3,
        h.getValueAtPercentile(99) / 1e3);
  }

  private static String p50s(SynchronizedHistogram[] row) {
    StringBuilder sb = new StringBuilder();
    for (int s = 0; s < row.length; s++) {
      sb.append(s == 0 ? "" : ", ").append(row[s].getTotalCount()).append("x p50 ")
          .append(row[s].getTotalCount() == 0 ? "-"
              : String.format(Locale.ROOT, "%.0f", row[s].getValueAtPercentile(50) / 1e3));
    }
    return sb.toString();
  }
}
