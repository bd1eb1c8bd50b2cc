package io.voicewire.bench.relay;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The relay benchmark's TTS scenario: text pieces in, audio out, on {@code stream-input}, side by
 * side in one run: direct to the {@link TtsStandIn} upstream, through the voicewire relay (and
 * the baseline build's), through the Node {@code ws} relay. Per stream count: time to first audio
 * of a flushed piece (p50/p99 and added over direct), the audio delivered per second by the
 * closed loop of {@link TtsLoad}, and the relay's CPU and (a JVM relay's) allocated heap bytes
 * per audio message ({@link HeapAllocation}). Not thread safe.
 */
public final class TtsRelayBench {
  /** Warm-up before each measured window. */
  static final Duration WARMUP = Duration.ofSeconds(4);

  private TtsRelayBench() {}

  /**
   * Runs the TTS table for {@code streams}; {@code baselineClasspath} may be null (then
   * {@code baselineJvmArgs} is unused), {@code node} false skips the Node relay.
   */
  public static void run(List<Integer> streams, int seconds, List<String> jvmArgs,
      String baselineClasspath, List<String> baselineJvmArgs, boolean node, PrintWriter out)
      throws Exception {
    List<Process> children = new ArrayList<>();
    Map<String, HeapAllocation> allocs = new LinkedHashMap<>();
    try (TtsStandIn up = TtsStandIn.start()) {
      Map<String, URI> targets = new LinkedHashMap<>();
      Map<String, Process> procs = new LinkedHashMap<>();
      targets.put("direct", URI.create("ws://127.0.0.1:" + up.port()));
      start("voicewire relay", up.port(), jvmArgs, System.getProperty("java.class.path"),
          targets, procs, children);
      if (baselineClasspath != null) {
        start("voicewire relay (baseline)", up.port(), baselineJvmArgs, baselineClasspath, targets,
            procs, children);
      }
      if (node) {
        int port = RelayProcesses.freePort();
        Process p = RelayProcesses.startNodeRelay(port, up.port(),
            Files.createTempFile("ws-relay-heap", ".txt"));
        if (p != null) {
          children.add(p);
          RelayProcesses.awaitPort(port, Duration.ofSeconds(20));
          targets.put("node ws relay", URI.create("ws://127.0.0.1:" + port));
          procs.put("node ws relay", p);
        }
      }
      out.printf(Locale.ROOT, "## TTS relay: time to first audio of a flushed %d-character piece"
          + " (ms) and audio delivered (closed loop per stream), %d s measured per row%n%n",
          TtsLoad.PIECE.length(), seconds);
      out.println("| streams | path | pieces | errors | TTFA p50 | TTFA p99 | added p50 |"
          + " added p99 | audio s/s | relay CPU µs/audio message |"
          + " relay heap bytes/audio message |");
      out.println("|---|---|---|---|---|---|---|---|---|---|---|");
      for (Map.Entry<String, Process> e : procs.entrySet()) {
        if (!e.getKey().startsWith("node")) {
          HeapAllocation a = HeapAllocation.attach(e.getValue().pid());
          if (a != null) {
            allocs.put(e.getKey(), a);
          }
        }
      }
      out.flush();
      for (int n : streams) {
        TtsLoad.Result direct = null;
        for (Map.Entry<String, URI> t : targets.entrySet()) {
          Process p = procs.get(t.getKey());
          long[] cpu = new long[2];
          HeapAllocation alloc = allocs.get(t.getKey());
          List<CompletableFuture<Long>> heap = new ArrayList<>();
          TtsLoad.Result r;
          try {
            r = new TtsLoad(t.getValue(), n)
                .atMeasure(() -> {
                  cpu[0] = cpuNanos(p);
                  if (alloc != null) {
                    heap.add(CompletableFuture.supplyAsync(alloc::allocatedBytes));
                  }
                }, () -> {
                  cpu[1] = cpuNanos(p);
                  if (alloc != null) {
                    heap.add(CompletableFuture.supplyAsync(alloc::allocatedBytes));
                  }
                })
                .run(WARMUP, Duration.ofSeconds(seconds));
          } catch (Exception e) {
            out.printf(Locale.ROOT, "| %d | %s | failed: %s |%n", n, t.getKey(), e);
            out.flush();
            continue;
          }
          if (direct == null) {
            direct = r;
          }
          // one audio message per piece at the stand-in
          String cpuPer = p == null || r.pieces() == 0 ? "—" : String.format(Locale.ROOT,
              "%.1f", (cpu[1] - cpu[0]) / 1000.0 / r.pieces());
          long h0 = heap.size() == 2 ? heap.get(0).join() : -1;
          long h1 = heap.size() == 2 ? heap.get(1).join() : -1;
          String heapPer = h0 < 0 || h1 < 0 || r.pieces() == 0 ? "—" : String.format(Locale.ROOT,
              "%.0f", (double) (h1 - h0) / r.pieces());
          out.printf(Locale.ROOT, "| %d | %s | %d | %d | %.2f | %.2f | %s | %s | %.1f | %s | %s"
              + " |%n",
              n, t.getKey(), r.pieces(), r.errors(), r.p(50), r.p(99),
              r == direct ? "—" : String.format(Locale.ROOT, "%.2f", r.p(50) - direct.p(50)),
              r == direct ? "—" : String.format(Locale.ROOT, "%.2f", r.p(99) - direct.p(99)),
              r.audioSecondsPerSecond(), cpuPer, heapPer);
          out.flush();
        }
      }
      out.println();
    } finally {
      allocs.values().forEach(HeapAllocation::close);
      for (Process p : children) {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }

  /** Starts a voicewire relay of {@code classpath} and adds it as a target. */
  private static void start(String name, int upstream, List<String> jvmArgs, String classpath,
      Map<String, URI> targets, Map<String, Process> procs, List<Process> children)
      throws Exception {
    int port = RelayProcesses.freePort();
    Process p = RelayProcesses.startRelay(port, upstream, jvmArgs, classpath);
    children.add(p);
    RelayProcesses.awaitRelay(p, port, Duration.ofSeconds(60));
    targets.put(name, URI.create("ws://127.0.0.1:" + port));
    procs.put(name, p);
  }

  private static long cpuNanos(Process p) {
    return p == null ? 0 : p.toHandle().info().totalCpuDuration().map(Duration::toNanos)
        .orElse(0L);
  }
}
