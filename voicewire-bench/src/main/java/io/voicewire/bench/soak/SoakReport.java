package io.voicewire.bench.soak;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The result of a soak run and its Markdown tables: heap over time, content audit, errors by
 * kind, latency percentiles, and (with {@code --abuse}) what the abusive clients got. Immutable
 * once built, except that the stats it reads may still be counting while it prints.
 */
final class SoakReport {
  private static final double MIB = 1024.0 * 1024.0;

  /** One heap-over-time row. Heap values are bytes, -1 when unknown. */
  record HeapRow(double atSeconds, long heapUsed, long heapLiveAfterGc, long activeSessions,
      long sessionsStarted, long cuts, double load, Histogram tts, Histogram stt, Histogram multi,
      Histogram canaryTts, Histogram canaryStt, String note) {

    String line() {
      return String.format(Locale.ROOT, "| %6.0f | %s | %s | %d | %d | %d | %.2f | %s | %s | %s"
              + " | %s | %s | %s |", atSeconds, mib(heapUsed), mib(heapLiveAfterGc),
          activeSessions, sessionsStarted, cuts, load, p50p99(tts), p50p99(stt), p50p99(multi),
          p50p99(canaryTts), p50p99(canaryStt), note);
    }
  }

  private final SoakOptions options;
  private final String server;
  private final boolean inProcess;
  private final SoakStats stats;
  private final List<HeapRow> heap;
  private final long proxyConnections;
  private final long proxyCuts;
  private final Map<String, Long> abuse;
  private final CanaryAb ab;
  private final double wallSeconds;

  SoakReport(SoakOptions options, String server, boolean inProcess, SoakStats stats,
      List<HeapRow> heap, long proxyConnections, long proxyCuts, Map<String, Long> abuse,
      CanaryAb ab, double wallSeconds) {
    this.options = options;
    this.server = server;
    this.inProcess = inProcess;
    this.stats = stats;
    this.heap = List.copyOf(heap);
    this.proxyConnections = proxyConnections;
    this.proxyCuts = proxyCuts;
    this.abuse = abuse;
    this.ab = ab;
    this.wallSeconds = wallSeconds;
  }

  /** Lost plus repeated content over every kind of session, canaries included. */
  long lostOrRepeated() {
    long n = 0;
    for (Map.Entry<String, Long> e : stats.counters().entrySet()) {
      String k = e.getKey();
      if (k.contains(".lost") || k.contains(".repeated")) { // words: reported, not counted
        n += e.getValue();
      }
    }
    return n;
  }

  boolean clean() {
    return lostOrRepeated() == 0;
  }

  SoakStats stats() {
    return stats;
  }

  void print(PrintStream out) {
    out.println();
    out.printf(Locale.ROOT, "## Soak: %d sessions, %d s%s%n%n", options.sessions(),
        options.seconds(), options.abuse() ? ", with the abuse mix" : "");
    out.printf(Locale.ROOT, "Server %s (%s); %d cores, Java %s, max heap %s; wall %.0f s; "
            + "%d of %d proxied connections cut; voices %s; seed %d.%n%n", server,
        inProcess ? "in-process, offline engine; heap is the whole JVM: server, engine and the"
            + " soak's clients" : "remote; heap from its /metrics, not forced through a GC",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        mib(Runtime.getRuntime().maxMemory()), wallSeconds, proxyCuts, proxyConnections,
        String.join(",", options.voices()), options.seed());
    out.printf(Locale.ROOT, "%d canaries; abuse mix: %s.%n%n", options.canaries(),
        !options.abuse() ? "none" : options.ab() ? options.phases() + " phases of "
            + options.phaseSeconds() + " s, quiet and abused in turn, " + options.abuseClients()
            + " clients per kind" : options.abuseClients() + " clients per kind, all along");
    if (options.abuse() && options.abuseKinds().size() < Abuse.KINDS.size()) {
      out.printf(Locale.ROOT, "Abusive clients run: %s only.%n%n",
          String.join(", ", options.abuseKinds()));
    }
    out.println("### Heap over time (MiB) and interval latency p50/p99 (ms)");
    out.println();
    out.println("| t (s) | heap used | live after GC | server sessions | sessions started "
        + "| cuts | load | TTS first audio | STT commit | multi first audio | canary TTS "
        + "| canary STT | note |");
    out.println("|---:|---:|---:|---:|---:|---:|---:|---|---|---|---|---|---|");
    heap.forEach(r -> out.println(r.line()));
    out.println();
    out.println("### Content audit");
    out.println();
    out.println("| kind | sessions | completed | unit | sent | lost | repeated | reconnects |");
    out.println("|---|---:|---:|---|---:|---:|---:|---:|");
    for (String k : List.of("tts", "multi", "canary-tts")) {
      out.printf(Locale.ROOT, "| %s | %d | %d | characters | %d | %d | %d | %d |%n", k,
          stats.get(k + ".sessions"), stats.get(k + ".completed"), stats.get(k + ".chars"),
          stats.get(k + ".lostChars"), stats.get(k + ".repeatedChars"),
          stats.get(k + ".reconnects"));
    }
    for (String k : List.of("stt", "canary-stt")) {
      out.printf(Locale.ROOT, "| %s | %d | %d | commits | %d | %d | %d | %d |%n", k,
          stats.get(k + ".sessions"), stats.get(k + ".sessions") - stats.get(k + ".incomplete"),
          stats.get(k + ".commits"), stats.get(k + ".lostCommits"),
          stats.get(k + ".repeatedCommits"), stats.get(k + ".reconnects"));
      for (String g : List.of("clean", "resumed")) {
        String p = k + "." + g;
        out.printf(Locale.ROOT, "| %s | | | words vs clean run, %s sessions | %d | %d missing "
                + "| %d extra | |%n", k, g.equals("clean") ? "unresumed" : "resumed",
            stats.get(p + ".words"), stats.get(p + ".wordsMissing"), stats.get(p + ".wordsExtra"));
      }
    }
    out.printf(Locale.ROOT, "%nLost + repeated, all kinds: **%d** (characters and commits; "
        + "multi: sessions are sockets, completed are contexts, %d in all). STT words are "
        + "compared with the recognizer's transcript of the same clip on a clean connection: "
        + "the recognizer's own variance shows in unresumed sessions too, so words are shown, "
        + "not counted.%n", lostOrRepeated(), stats.get("multi.contexts"));
    for (String sample : stats.samples()) {
      out.println("- " + sample);
    }
    out.println();
    out.println("### Admission (normal and canary sessions)");
    out.println();
    out.println("Capacity refusals (`resource_exhausted`, `rate_limited`, close 1013, HTTP 429) are "
        + "retried later by the SDK (1 s doubling to 30 s, given up after 2 minutes in a row); a "
        + "session is admitted unless it was given up that way.");
    out.println();
    out.println("| kind | sessions | admitted | refused at least once | capacity refusals "
        + "| refused for good |");
    out.println("|---|---:|---:|---:|---:|---:|");
    for (String k : List.of("tts", "multi", "stt", "canary-tts", "canary-stt")) {
      out.printf(Locale.ROOT, "| %s | %d | %d | %d | %d | %d |%n", k, stats.get(k + ".sessions"),
          stats.get(k + ".sessions") - stats.get(k + ".refusedForGood"),
          stats.get(k + ".refusedSessions"), stats.get(k + ".capacityRefusals"),
          stats.get(k + ".refusedForGood"));
    }
    out.println();
    out.println("### Errors by kind");
    out.println();
    Map<String, Long> errors = stats.errors();
    if (errors.isEmpty()) {
      out.println("None.");
    } else {
      out.println("| kind | count |");
      out.println("|---|---:|");
      errors.forEach((k, v) -> out.printf(Locale.ROOT, "| %s | %d |%n", k, v));
    }
    out.println();
    out.println("### Latency over the whole run (ms)");
    out.println();
    out.println("| series | count | p50 | p90 | p99 | p99.9 | max |");
    out.println("|---|---:|---:|---:|---:|---:|---:|");
    for (SoakStats.Latency l : stats.latencies()) {
      Histogram h = l.total();
      out.printf(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s |%n", l.name,
          h.getTotalCount(), ms(h, 50), ms(h, 90), ms(h, 99), ms(h, 99.9),
          h.getTotalCount() == 0 ? "-" : String.format(Locale.ROOT, "%.0f", h.getMaxValue() / 1e3));
    }
    if (ab != null) {
      ab.print(out);
    }
    if (abuse != null) {
      out.println();
      out.println("### Abuse mix: what the hostile clients got");
      out.println();
      out.println("| client / outcome | count |");
      out.println("|---|---:|");
      abuse.forEach((k, v) -> out.printf(Locale.ROOT, "| %s | %d |%n", k, v));
    }
    out.flush();
  }

  static String mib(long bytes) {
    return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.0f", bytes / MIB);
  }

  private static String ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? "-"
        : String.format(Locale.ROOT, "%.0f", h.getValueAtPercentile(percentile) / 1e3);
  }

  private static String p50p99(Histogram h) {
    return h.getTotalCount() == 0 ? "-"
        : ms(h, 50) + " / " + ms(h, 99);
  }
}
