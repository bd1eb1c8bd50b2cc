package io.voicewire.bench.relay;

import static io.voicewire.bench.relay.RelayBench.BASELINE;
import static io.voicewire.bench.relay.RelayBench.CAPACITY_P99_MILLIS;
import static io.voicewire.bench.relay.RelayBench.ROW_PAUSE_MILLIS;
import static io.voicewire.bench.relay.RelayBench.fmt;

import io.voicewire.bench.relay.RelayBench.Row;
import io.voicewire.bench.relay.RelayBench.Target;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The relay benchmark's capacity search: for each relay, the highest stream count whose added
 * p99 stays within {@link RelayBench#CAPACITY_P99_MILLIS}, by bisection from the stream-count
 * table's rows, each probe measuring the direct path and then the relay at that count.
 */
final class CapacitySearch {
  /**
   * A capacity probe counts only while the direct path (the load generator straight to the
   * stand-in upstream, no relay) keeps up at that stream count: every chunk answered and its p99
   * at most this, ms. Beyond it the harness itself is saturated (on 2 cores it shares them with
   * the relay under test), and "added" would be the difference of two saturated figures, negative
   * as often as not.
   */
  static final double DIRECT_P99_LIMIT_MILLIS = 20;
  /** Warm-up before each measured window of the capacity search. */
  static final Duration PROBE_WARMUP = Duration.ofSeconds(3);

  private CapacitySearch() {}

  static void table(PrintWriter out, RelayBench.Options o, List<Target> targets,
      Map<String, Map<Integer, Row>> rows) throws Exception {
    out.println();
    out.printf(Locale.ROOT, "### Capacity: highest stream count with added p99 <= %.0f ms (search,"
        + " %d s measured per probe)%n%n", CAPACITY_P99_MILLIS, o.probeSeconds());
    out.println("| relay | capacity (streams) | probes (streams: added p99 ms) |");
    out.println("|---|---|---|");
    out.flush();
    Target direct = targets.get(0);
    for (Target t : targets) {
      if (t.process() == null || t.name().equals(BASELINE)) {
        continue;
      }
      // start from the table: the highest passing row, and the lowest failing row above it (a
      // failing row below it, e.g. a cold first row, does not bound the search)
      int lo = 0;
      int hi = Integer.MAX_VALUE;
      Map<Integer, Row> known = rows.getOrDefault(t.name(), Map.of());
      for (Row r : known.values()) {
        if (r.p99() <= CAPACITY_P99_MILLIS) {
          lo = Math.max(lo, r.streams());
        }
      }
      for (Row r : known.values()) {
        if (r.p99() > CAPACITY_P99_MILLIS && r.streams() > lo) {
          hi = Math.min(hi, r.streams());
        }
      }
      StringBuilder probes = new StringBuilder();
      int saturatedAt = 0;
      while (hi == Integer.MAX_VALUE || hi - lo > Math.max(25, lo / 10)) {
        int n = hi == Integer.MAX_VALUE ? Math.max(100, lo * 2) : (lo + hi) / 2;
        if (n > o.capacityMax()) {
          lo = Math.max(lo, o.capacityMax());
          probes.append(" (stopped at --capacity-max)");
          break;
        }
        Probe p = probe(o, direct, t, n);
        if (p.harnessSaturated()) {
          probes.append(String.format(Locale.ROOT, " %d: not measurable, the direct path did "
              + "not keep up (p99 %s ms, %d of %d answered);", n, fmt(p.directP99()),
              p.directReceived(), p.directSent()));
          saturatedAt = n;
          break;
        }
        probes.append(String.format(Locale.ROOT, " %d: %s;", n, fmt(p.added())));
        if (p.added() <= CAPACITY_P99_MILLIS) {
          lo = n;
        } else {
          hi = n;
        }
      }
      out.printf(Locale.ROOT, "| %s | %s |%s |%n", t.name(),
          saturatedAt > 0 ? "≥ " + lo + " (harness limit below " + saturatedAt + ")" : lo,
          probes);
      out.flush();
    }
  }

  /**
   * One probe at {@code n} streams: the direct path's p99 and counts, measured right before, and
   * the relay's added p99 (+inf when it fell behind or failed).
   */
  record Probe(double added, double directP99, long directSent, long directReceived) {
    /** The direct path did not keep up: the harness cannot measure a relay at this count. */
    boolean harnessSaturated() {
      return directSent == 0 || directReceived < directSent * 99 / 100
          || directP99 > DIRECT_P99_LIMIT_MILLIS;
    }
  }

  private static Probe probe(RelayBench.Options o, Target direct, Target t, int n)
      throws Exception {
    Duration measure = Duration.ofSeconds(o.probeSeconds());
    SttLoad.Result d;
    try {
      d = o.load(direct.uri(), n).run(PROBE_WARMUP, measure);
      Thread.sleep(ROW_PAUSE_MILLIS);
    } catch (Exception e) {
      return new Probe(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 1, 0);
    }
    double added;
    try {
      SttLoad.Result r = o.load(t.uri(), n).run(PROBE_WARMUP, measure);
      Thread.sleep(ROW_PAUSE_MILLIS);
      // nothing sent (no stream connected: the relay refused or was gone) is a failure too, not
      // an empty histogram's p99 of 0 (it once made a relay 10 s behind pass at 800 streams)
      added = r.sent() == 0 || r.received() < r.sent() * 9 / 10
          ? Double.POSITIVE_INFINITY // fell behind: most answers never came
          : r.p(99) - d.p(99);
    } catch (Exception e) {
      added = Double.POSITIVE_INFINITY;
    }
    return new Probe(added, d.p(99), d.sent(), d.received());
  }

}
