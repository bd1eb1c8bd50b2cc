package io.voicewire.bench.relay;

import java.io.InputStream;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench relay}: the time a relay adds to a 20 ms STT chunk's round trip, for the voicewire
 * relay ({@code voicewire serve --backend elevenlabs}, a child JVM) and a plain Node {@code ws}
 * relay (a child process), side by side in one run against the same upstream. Per stream count:
 * added p50/p99, the relay's CPU per answered chunk (its process CPU time over the measured
 * window), for a JVM relay the heap bytes it allocated per answered chunk over the same window
 * ({@link HeapAllocation}), and on Linux where each relay's time went in those windows (user and
 * kernel CPU, context switches, waiting for a CPU: {@link ProcSched}); then each relay's heap per
 * idle relayed session and its capacity (the highest stream count whose added p99 stays within
 * {@link #CAPACITY_P99_MILLIS}, found by a search). The relays run as child processes
 * ({@link RelayProcesses}).
 *
 * <p>Not thread safe: one run at a time.
 */
public final class RelayBench {
  /** The capacity criterion: added p99 at most this, ms. */
  public static final double CAPACITY_P99_MILLIS = 100;
  /** Warm-up before each measured window of the stream-count table. */
  static final Duration WARMUP = Duration.ofSeconds(5);
  /**
   * Before the table, each relay (every JVM one and Node alike) carries this many streams for
   * {@link #RELAY_WARMUP}, not recorded: the rows measure relays in their steady state, not a
   * fresh JVM's (or V8's) compilation, which the first row's 5 s at one stream would otherwise
   * pay for.
   */
  static final int RELAY_WARMUP_STREAMS = 100;
  /** How long each relay is warmed up before the table ({@link #RELAY_WARMUP_STREAMS}). */
  static final Duration RELAY_WARMUP = Duration.ofSeconds(10);
  /** Pause between rows, so one row's close handshakes do not overlap the next row. */
  static final long ROW_PAUSE_MILLIS = 2_000;

  private static final String PATH = "/v1/speech-to-text/realtime?model_id=scribe_v2_realtime";
  private static final Pattern G1_USED = Pattern.compile("used (\\d+)K");

  /** What to run. */
  public record Options(List<Integer> streams, int seconds, int chunkMs, boolean noNode,
      String only, List<String> relayJvmArgs, int idleSessions, boolean capacity,
      int probeSeconds, int capacityMax, String baselineClasspath,
      List<String> baselineJvmArgs, int commitSeconds) {
    /** Every how many chunks a stream commits (0: never). */
    public int commitEvery() {
      return commitSeconds <= 0 ? 0 : Math.max(1, commitSeconds * 1000 / chunkMs);
    }

    /** The load of {@code streams} streams on {@code uri}, paced and committing as asked. */
    RawWsLoad load(URI uri, int streams) {
      return new RawWsLoad(uri, streams, chunkMs).commitEvery(commitEvery());
    }
  }

  /** The name of the {@code --baseline-classpath} relay's rows. */
  static final String BASELINE = "voicewire relay (baseline)";

  /**
   * One relay under test: its URL and process (null for the direct path), and for a JVM relay
   * the reader of its allocated heap bytes (null otherwise).
   */
  record Target(String name, URI uri, Process process, Path heapFile,
      HeapAllocation alloc) {
    long cpuNanos() {
      return process == null ? 0 : process.toHandle().info().totalCpuDuration()
          .map(Duration::toNanos).orElse(0L);
    }

    long allocatedBytes() {
      return alloc == null ? -1 : alloc.allocatedBytes();
    }

    ProcSched sched() {
      return process == null ? null : ProcSched.read(process.pid());
    }
  }

  /** One relay's figures at one stream count; {@code sched} null where /proc is missing. */
  record Row(int streams, double p50, double p99, double cpuMicrosPerChunk,
      double bytesPerChunk, long answered, ProcSched.Window sched) {}

  private final Options o;
  private final PrintWriter out;
  private final Map<String, Map<Integer, Row>> rows = new LinkedHashMap<>();

  private RelayBench(Options o, PrintWriter out) {
    this.o = o;
    this.out = out;
  }

  /** Runs the benchmark against a raw echo upstream on {@code upstreamPort}. */
  public static void run(Options o, PrintWriter out, int upstreamPort) throws Exception {
    new RelayBench(o, out).run(upstreamPort);
  }

  private void run(int up) throws Exception {
    List<Process> children = new ArrayList<>();
    List<HeapAllocation> allocs = new ArrayList<>();
    try {
      List<Target> targets = new ArrayList<>();
      targets.add(new Target("direct", URI.create("ws://127.0.0.1:" + up + PATH), null, null,
          null));
      if (o.only() == null || "voicewire".startsWith(o.only())) {
        int port = RelayProcesses.freePort();
        Process p = RelayProcesses.startRelay(port, up, o.relayJvmArgs(),
            System.getProperty("java.class.path"));
        children.add(p);
        RelayProcesses.awaitRelay(p, port, Duration.ofSeconds(60));
        targets.add(new Target("voicewire relay", URI.create("ws://127.0.0.1:" + port + PATH),
            p, null, track(allocs, p)));
        if (o.baselineClasspath() != null) {
          int bport = RelayProcesses.freePort();
          Process b = RelayProcesses.startRelay(bport, up, o.baselineJvmArgs(),
              o.baselineClasspath());
          children.add(b);
          RelayProcesses.awaitRelay(b, bport, Duration.ofSeconds(60));
          targets.add(new Target(BASELINE, URI.create("ws://127.0.0.1:" + bport + PATH), b,
              null, track(allocs, b)));
        }
      }
      if (!o.noNode() && (o.only() == null || "node".startsWith(o.only()))) {
        int port = RelayProcesses.freePort();
        Path heap = Files.createTempFile("ws-relay-heap", ".txt");
        Process node = RelayProcesses.startNodeRelay(port, up, heap);
        if (node != null) {
          children.add(node);
          RelayProcesses.awaitPort(port, Duration.ofSeconds(20));
          targets.add(new Target("node ws relay", URI.create("ws://127.0.0.1:" + port + PATH),
              node, heap, null));
        } else {
          out.println("(node or its ws package is missing: `npm ci` in voicewire-web/)");
        }
      }
      warmUp(targets);
      table(targets);
      if (o.idleSessions() > 0) {
        heapTable(targets);
      }
      if (o.capacity()) {
        CapacitySearch.table(out, o, targets, rows);
      }
    } finally {
      allocs.forEach(HeapAllocation::close);
      for (Process p : children) {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }

  /** The allocation reader of a JVM relay, kept in {@code allocs} to close; null if none. */
  private HeapAllocation track(List<HeapAllocation> allocs, Process p) {
    HeapAllocation a = HeapAllocation.attach(p.pid());
    if (a == null) {
      out.println("(no heap allocation figure for pid " + p.pid() + ": attach failed)");
    } else {
      allocs.add(a);
    }
    return a;
  }

  // ---------------------------------------------------------------- the stream-count table

  /** Warms every relay up ({@link #RELAY_WARMUP_STREAMS}), one after the other; not recorded. */
  private void warmUp(List<Target> targets) throws Exception {
    for (Target t : targets) {
      if (t.process() == null) {
        continue; // the direct path has no relay
      }
      try {
        o.load(t.uri(), RELAY_WARMUP_STREAMS).run(Duration.ZERO, RELAY_WARMUP);
      } catch (Exception e) {
        out.printf(Locale.ROOT, "(warm-up of %s failed: %s)%n", t.name(), e.getMessage());
      }
      Thread.sleep(ROW_PAUSE_MILLIS);
    }
    out.printf(Locale.ROOT, "(each relay carried %d streams for %d s before the table, not"
        + " recorded: the rows measure warm relays)%n%n", RELAY_WARMUP_STREAMS,
        RELAY_WARMUP.toSeconds());
  }

  private void table(List<Target> targets) throws Exception {
    out.printf(Locale.ROOT, "## Relay: round trip of one %d ms chunk to the upstream's answer (ms),"
        + " %d s measured per row, %s, load average %s%n%n", o.chunkMs(), o.seconds(),
        o.commitEvery() > 0 ? "a commit every " + o.commitSeconds() + " s per stream"
            : "no commits", loadAverage());
    out.println("| streams | path | sent | answered | errors | p50 | p90 | p99 | max | added p50 |"
        + " added p99 | relay CPU µs/chunk | relay heap bytes/chunk |");
    out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    out.flush();
    for (int n : o.streams()) {
      SttLoad.Result direct = null;
      for (Target t : targets) {
        long[] cpu = new long[2];
        long[] at = new long[2];
        // the allocation and /proc are read on other threads: they must not stall the load
        List<CompletableFuture<Long>> heap = new ArrayList<>();
        List<CompletableFuture<ProcSched>> sched = new ArrayList<>();
        SttLoad.Result r;
        try {
          r = o.load(t.uri(), n)
              .atMeasure(() -> {
                cpu[0] = t.cpuNanos();
                at[0] = System.nanoTime();
                heap.add(CompletableFuture.supplyAsync(t::allocatedBytes));
                sched.add(CompletableFuture.supplyAsync(t::sched));
              }, () -> {
                cpu[1] = t.cpuNanos();
                at[1] = System.nanoTime();
                heap.add(CompletableFuture.supplyAsync(t::allocatedBytes));
                sched.add(CompletableFuture.supplyAsync(t::sched));
              })
              .run(WARMUP, Duration.ofSeconds(o.seconds()));
        } catch (Exception e) {
          out.printf(Locale.ROOT, "| %d | %s | failed: %s |%n", n, t.name(), e.getMessage());
          if (t.process() != null) {
            rows.computeIfAbsent(t.name(), k -> new LinkedHashMap<>()).put(n, new Row(n,
                Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NaN, Double.NaN, 0,
                null));
          }
          out.flush();
          Thread.sleep(ROW_PAUSE_MILLIS);
          continue;
        }
        if (direct == null) {
          direct = r;
        }
        double cpuPerChunk = t.process() == null || r.received() == 0 ? Double.NaN
            : (cpu[1] - cpu[0]) / 1000.0 / r.received();
        long heap0 = heap.size() == 2 ? heap.get(0).join() : -1;
        long heap1 = heap.size() == 2 ? heap.get(1).join() : -1;
        double bytesPerChunk = heap0 < 0 || heap1 < 0 || r.received() == 0 ? Double.NaN
            : (double) (heap1 - heap0) / r.received();
        if (r != direct) {
          ProcSched.Window w = sched.size() != 2 ? null : ProcSched.window(sched.get(0).join(),
              sched.get(1).join(), (at[1] - at[0]) / 1e9, r.received(), cpu[1] - cpu[0]);
          rows.computeIfAbsent(t.name(), k -> new LinkedHashMap<>()).put(n, new Row(n,
              r.p(50) - direct.p(50), r.p(99) - direct.p(99), cpuPerChunk, bytesPerChunk,
              r.received(), w));
        }
        out.printf(Locale.ROOT, "| %d | %s | %d | %d | %d | %.2f | %.2f | %.2f | %.2f | %s | %s |"
                + " %s | %s |%n", n, t.name(), r.sent(), r.received(), r.errors(), r.p(50), r.p(90),
            r.p(99), r.rttMicros().getMaxValue() / 1000.0,
            r == direct ? "—" : fmt(r.p(50) - direct.p(50)),
            r == direct ? "—" : fmt(r.p(99) - direct.p(99)),
            Double.isNaN(cpuPerChunk) ? "—" : String.format(Locale.ROOT, "%.1f", cpuPerChunk),
            Double.isNaN(bytesPerChunk) ? "—" : String.format(Locale.ROOT, "%.0f", bytesPerChunk));
        out.flush();
        Thread.sleep(ROW_PAUSE_MILLIS);
      }
    }
    Map<Integer, Row> vw = rows.get("voicewire relay");
    Map<Integer, Row> base = rows.get(BASELINE);
    if (vw != null && base != null) {
      out.println();
      out.println("### This build against the baseline (same run)");
      out.println();
      out.println("| streams | heap bytes/chunk this / baseline | CPU µs/chunk this / baseline |"
          + " added p99 this / baseline |");
      out.println("|---|---|---|---|");
      for (int n : o.streams()) {
        Row a = vw.get(n);
        Row b = base.get(n);
        if (a != null && b != null) {
          out.printf(Locale.ROOT, "| %d | %.0f / %.0f | %.1f / %.1f | %s / %s |%n", n,
              a.bytesPerChunk(), b.bytesPerChunk(), a.cpuMicrosPerChunk(),
              b.cpuMicrosPerChunk(), fmt(a.p99()), fmt(b.p99()));
        }
      }
      out.flush();
    }
    schedTable();
    Map<Integer, Row> node = rows.get("node ws relay");
    if (vw == null || node == null) {
      return;
    }
    out.println();
    out.println("### Side by side (same run)");
    out.println();
    out.println("| streams | voicewire added p50 / p99 | node added p50 / p99 |"
        + " p99 voicewire/node |"
        + " CPU µs/chunk voicewire | CPU µs/chunk node | CPU voicewire/node |");
    out.println("|---|---|---|---|---|---|---|");
    for (int n : o.streams()) {
      Row a = vw.get(n);
      Row b = node.get(n);
      if (a == null || b == null) {
        continue; // the direct path failed: no added figures
      }
      out.printf(Locale.ROOT, "| %d | %s / %s | %s / %s | %.2f | %.1f | %.1f | %.2f |%n", n,
          fmt(a.p50()), fmt(a.p99()), fmt(b.p50()), fmt(b.p99()), a.p99() / b.p99(),
          a.cpuMicrosPerChunk(), b.cpuMicrosPerChunk(),
          a.cpuMicrosPerChunk() / b.cpuMicrosPerChunk());
    }
    out.flush();
  }

  /**
   * Each relay's time in the table's windows, from /proc ({@link ProcSched}): its CPU per chunk
   * split into user and kernel time, context switches per chunk, and how long its threads ran
   * and waited for a CPU. Nothing where /proc is missing.
   */
  private void schedTable() {
    if (rows.values().stream().flatMap(m -> m.values().stream())
        .allMatch(r -> r.sched() == null)) {
      return;
    }
    out.println();
    out.println("### Where each relay's time goes (Linux /proc, the same windows)");
    out.println();
    out.println("| streams | relay | CPU µs/chunk user + kernel | context switches/chunk |"
        + " threads on a CPU ms/s | waiting for a CPU ms/s (of on-CPU) |");
    out.println("|---|---|---|---|---|---|");
    for (int n : o.streams()) {
      for (Map.Entry<String, Map<Integer, Row>> e : rows.entrySet()) {
        Row r = e.getValue().get(n);
        if (r != null && r.sched() != null) {
          out.printf(Locale.ROOT, "| %d | %s | %s |%n", n, e.getKey(),
              String.join(" | ", r.sched().cells()));
        }
      }
    }
    out.flush();
  }

  // ---------------------------------------------------------------- heap per idle session

  private void heapTable(List<Target> targets) throws Exception {
    out.println();
    out.printf(Locale.ROOT, "### Memory per idle relayed session (%d idle sessions; voicewire: JVM"
        + " heap used after full GCs; node: heapUsed + external after gc())%n%n",
        o.idleSessions());
    out.println("| relay | before (KiB) | with sessions (KiB) | per session (KiB) |");
    out.println("|---|---|---|---|");
    for (Target t : targets) {
      if (t.process() == null) {
        continue;
      }
      long before = heapBytes(t);
      long with = new RawWsLoad(t.uri(), o.idleSessions(), o.chunkMs()).holdIdle(() -> {
        Thread.sleep(2_000); // every relayed session is open upstream too
        return heapBytes(t);
      });
      out.printf(Locale.ROOT, "| %s | %d | %d | %.1f |%n", t.name(), before / 1024, with / 1024,
          (with - before) / 1024.0 / o.idleSessions());
      out.flush();
      Thread.sleep(ROW_PAUSE_MILLIS);
    }
  }

  /** The relay's live heap: after full GCs (JVM, by jcmd) or gc() (node, by its probe). */
  private static long heapBytes(Target t) throws Exception {
    if (t.heapFile() != null) {
      Files.writeString(t.heapFile(), "");
      new ProcessBuilder("kill", "-USR2", Long.toString(t.process().pid())).start().waitFor();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline) {
        String s = Files.readString(t.heapFile()).trim();
        if (!s.isEmpty()) {
          return Long.parseLong(s);
        }
        Thread.sleep(20);
      }
      throw new IllegalStateException("the node relay did not report its heap");
    }
    Path jcmd = Paths.get(System.getProperty("java.home"), "bin", "jcmd");
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      String pid = Long.toString(t.process().pid());
      new ProcessBuilder(jcmd.toString(), pid, "GC.run").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
      Process p = new ProcessBuilder(jcmd.toString(), pid, "GC.heap_info")
          .redirectErrorStream(true).start();
      String info = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      Matcher m = G1_USED.matcher(info);
      if (m.find()) {
        best = Math.min(best, Long.parseLong(m.group(1)) * 1024);
      }
    }
    if (best == Long.MAX_VALUE) {
      throw new IllegalStateException("no heap figure from jcmd GC.heap_info");
    }
    return best;
  }

  // ---------------------------------------------------------------- processes

  static String fmt(double ms) {
    return Double.isInfinite(ms) ? "fell behind" : String.format(Locale.ROOT, "%.2f", ms);
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Paths.get("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
