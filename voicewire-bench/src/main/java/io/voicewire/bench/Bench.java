package io.voicewire.bench;

import io.voicewire.bench.cold.ColdStartBench;
import io.voicewire.bench.engine.EngineLoadBench;
import io.voicewire.bench.idle.IdleSessionBench;
import io.voicewire.bench.relay.RawWsEchoUpstream;
import io.voicewire.bench.relay.RelayBench;
import io.voicewire.bench.relay.RelayProcesses;
import io.voicewire.bench.relay.RawWsLoad;
import io.voicewire.bench.relay.SttLoad;
import io.voicewire.bench.relay.TtsRelayBench;
import io.voicewire.bench.soak.Soak;
import io.voicewire.engine.local.LocalSpeechProvider;
import io.voicewire.server.VoicewireServer;
import io.voicewire.speech.SpeechProvider;
import io.voicewire.testing.EchoSpeechProvider;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code voicewire bench ...}: every benchmark, outside the product. {@code relay} and
 * {@code idle} are scenario benchmarks measured from outside the server; {@code jmh},
 * {@code engine} and {@code soak} hand over to the JMH runner, {@link EngineLoadBench} and
 * {@link Soak}. The launcher ({@code ./voicewire bench}) and the CLI's {@code bench} command run
 * this class from {@code voicewire-bench/target/benchmarks.jar}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Scenario benchmarks, measured from outside the server:",
        "  relay  N concurrent STT streams of 20 ms chunks: direct to an upstream, through the"
            + " voicewire relay, and through a plain Node ws relay, side by side in one run",
        "  idle   heap per idle STT and TTS session on the server",
        "Micro-benchmarks of the audio core: bench jmh [JMH options]",
        "The offline engine under load (1-8 sessions side by side): bench engine",
        "A long mixed load against one server (docs/soak.md): bench soak",
        "The first sessions of a freshly started server (docs/server.md): bench cold"})
public final class Bench implements Callable<Integer> {
  /** Runs one benchmark: {@code jmh|engine|soak|cold|relay|idle [options]}; exits with its code. */
  public static void main(String[] args) throws Exception {
    String first = args.length == 0 ? "" : args[0];
    String[] rest = args.length == 0 ? args : java.util.Arrays.copyOfRange(args, 1, args.length);
    switch (first) {
      case "jmh" -> org.openjdk.jmh.Main.main(rest);
      case "engine" -> EngineLoadBench.main(rest);
      case "soak" -> Soak.main(rest);
      case "cold" -> ColdStartBench.main(rest);
      default -> System.exit(new CommandLine(new Bench()).execute(args));
    }
  }

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SCENARIO", description = "relay or idle")
  String scenario;

  @Option(names = "--streams", split = ",", defaultValue = "1,400",
      description = "relay: concurrent stream counts to run (default: ${DEFAULT-VALUE})")
  List<Integer> streams;

  @Option(names = "--seconds", defaultValue = "20",
      description = "relay: measured seconds per configuration (default: ${DEFAULT-VALUE})")
  int seconds;

  @Option(names = "--chunk-ms", defaultValue = "20", description = "relay: audio per chunk, ms")
  int chunkMs;

  @Option(names = "--sessions", defaultValue = "1000",
      description = "idle: sessions to open (default: ${DEFAULT-VALUE})")
  int sessions;

  @Option(names = "--no-node", description = "relay: skip the Node ws relay comparison")
  boolean noNode;

  @Option(names = "--only", description = "relay: run only this path (direct, voicewire, node)")
  String only;

  @Option(names = "--harness", defaultValue = "raw",
      description = "relay: raw (default; java.nio load generator and echo upstream, one thread"
          + " each, so the CPU stays with the relay under test) or jdk (JDK WebSocket clients"
          + " and the Jetty voicewire server with the echo provider as upstream)")
  String harness;

  @Option(names = "--commit-seconds", defaultValue = "3",
      description = "relay: each stream commits (\"commit\":true) every this many seconds of"
          + " audio, as a client does at the end of an utterance; the relay keeps a stream's"
          + " audio for replay until its commit is answered. 0: never (the worst case: every"
          + " relayed stream holds its whole replay limit, 30 s) (default: ${DEFAULT-VALUE})")
  int commitSeconds;

  @Option(names = "--idle-sessions", defaultValue = "200",
      description = "relay: idle sessions for the memory-per-session row, 0 to skip"
          + " (default: ${DEFAULT-VALUE})")
  int idleSessions;

  @Option(names = "--tts-streams", split = ",", defaultValue = "1,50",
      description = "relay: stream counts of the TTS scenario (text pieces in, audio out; "
          + "0 skips it) (default: ${DEFAULT-VALUE})")
  List<Integer> ttsStreams;

  @Option(names = "--no-capacity", description = "relay: skip the capacity search")
  boolean noCapacity;

  @Option(names = "--probe-seconds", defaultValue = "5",
      description = "relay: measured seconds per capacity probe (default: ${DEFAULT-VALUE})")
  int probeSeconds;

  @Option(names = "--capacity-max", defaultValue = "1600",
      description = "relay: the capacity search stops at this stream count"
          + " (default: ${DEFAULT-VALUE})")
  int capacityMax;

  @Option(names = "--baseline-classpath", paramLabel = "JAR",
      description = "relay: also run the voicewire relay of another build (e.g. the"
          + " benchmarks.jar of main) in the same run, for a before/after comparison")
  String baselineClasspath;

  @Option(names = "--relay-jvm-arg", paramLabel = "ARG",
      description = "relay: extra JVM option for the relay process, e.g."
          + " -XX:StartFlightRecording=filename=relay.jfr (repeatable); a collector"
          + " (-XX:+UseZGC) replaces the default G1")
  List<String> relayJvmArgs = new ArrayList<>();

  @Option(names = "--baseline-jvm-arg", paramLabel = "ARG",
      description = "relay: JVM option for the baseline relay process instead of the"
          + " --relay-jvm-arg ones (repeatable); without --baseline-classpath the baseline is"
          + " this build, so e.g. --relay-jvm-arg=-Dvoicewire.relay.inlineReads=true"
          + " --baseline-jvm-arg=-Dvoicewire.relay.inlineReads=false compares a switch in one run")
  List<String> baselineJvmArgs = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    switch (scenario) {
      case "relay" -> relay(out);
      case "idle" -> {
        out.println("## Heap per idle session (" + sessions + " sessions, offline engine)");
        out.flush();
        try (LocalSpeechProvider p = LocalSpeechProvider.create()) {
          PrintStream ps = new PrintStream(System.out, true, StandardCharsets.UTF_8);
          IdleSessionBench.run(p, sessions, ps);
        }
      }
      default -> {
        spec.commandLine().getErr().println("voicewire: unknown scenario '" + scenario
            + "'; known: relay, idle, jmh, engine, soak");
        return 2;
      }
    }
    return 0;
  }

  private void relay(PrintWriter out) throws Exception {
    boolean raw = switch (harness) {
      case "raw" -> true;
      case "jdk" -> false;
      default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--harness must be raw or jdk: " + harness);
    };
    // the baseline: another build (--baseline-classpath), or this one with other JVM options
    String baseline = baselineClasspath != null ? baselineClasspath
        : baselineJvmArgs.isEmpty() ? null : System.getProperty("java.class.path");
    List<String> baselineArgs = baselineJvmArgs.isEmpty() ? relayJvmArgs : baselineJvmArgs;
    if (raw) {
      try (RawWsEchoUpstream upstream = RawWsEchoUpstream.start(0)) {
        RelayBench.run(new RelayBench.Options(streams, seconds, chunkMs, noNode, only,
            relayJvmArgs, idleSessions, !noCapacity, probeSeconds, capacityMax,
            baseline, baselineArgs, commitSeconds), out,
            upstream.port());
      }
      List<Integer> tts = ttsStreams.stream().filter(n -> n > 0).toList();
      if (!tts.isEmpty() && (only == null || !"direct".startsWith(only))) {
        out.println();
        TtsRelayBench.run(tts, seconds, relayJvmArgs, baseline, baselineArgs, !noNode, out);
      }
    } else {
      SpeechProvider echo = new EchoSpeechProvider();
      try (VoicewireServer upstream = VoicewireServer.create(c -> c.provider(echo))) {
        relay(out, upstream.start(0), false);
      }
    }
  }

  /** The {@code --harness jdk} table (latency only). */
  private void relay(PrintWriter out, int up, boolean raw) throws Exception {
    String path = "/v1/speech-to-text/realtime?model_id=scribe_v2_realtime";
    List<Process> children = new ArrayList<>();
    try {
      Map<String, URI> targets = new LinkedHashMap<>();
      targets.put("direct", URI.create("ws://127.0.0.1:" + up + path));
      if (only == null || "voicewire".startsWith(only)) {
        int relayPort = RelayProcesses.freePort();
        Process relay = RelayProcesses.startRelay(relayPort, up, relayJvmArgs,
            System.getProperty("java.class.path"));
        children.add(relay);
        RelayProcesses.awaitRelay(relay, relayPort, Duration.ofSeconds(60));
        targets.put("voicewire relay", URI.create("ws://127.0.0.1:" + relayPort + path));
      }
      if (!noNode && (only == null || "node".startsWith(only))) {
        int nodePort = RelayProcesses.freePort();
        Process node = RelayProcesses.startNodeRelay(nodePort, up,
            Files.createTempFile("ws-relay-heap", ".txt"));
        if (node != null) {
          children.add(node);
          RelayProcesses.awaitPort(nodePort, Duration.ofSeconds(20));
          targets.put("node ws relay", URI.create("ws://127.0.0.1:" + nodePort + path));
        }
      }
      out.printf(Locale.ROOT, "## Relay: round trip of one %d ms chunk to the upstream's"
          + " answer (ms), %d s measured per row, harness: %s%n%n", chunkMs, seconds,
          raw ? "raw (java.nio load generator + java.nio echo upstream)"
              : "jdk (JDK WebSocket load generator + Jetty voicewire echo upstream)");
      out.println("| streams | path | sent | answered | errors | p50 | p90 | p99 | max |"
          + " added p50 | added p99 |");
      out.println("|---|---|---|---|---|---|---|---|---|---|---|");
      out.flush();
      if (only != null) {
        targets.keySet().removeIf(k -> !k.startsWith(only));
      }
      for (int n : streams) {
        SttLoad.Result direct = null;
        for (Map.Entry<String, URI> t : targets.entrySet()) {
          SttLoad.Result r = raw
              ? new RawWsLoad(t.getValue(), n, chunkMs)
                  .run(Duration.ofSeconds(5), Duration.ofSeconds(seconds))
              : new SttLoad(t.getValue(), n, chunkMs)
                  .run(Duration.ofSeconds(5), Duration.ofSeconds(seconds));
          if (direct == null) {
            direct = r;
          }
          out.printf(Locale.ROOT, "| %d | %s | %d | %d | %d | %.2f | %.2f | %.2f | %.2f | %s |"
                  + " %s |%n", n, t.getKey(), r.sent(), r.received(), r.errors(), r.p(50),
              r.p(90), r.p(99), r.rttMicros().getMaxValue() / 1000.0,
              r == direct ? "—" : String.format(Locale.ROOT, "%.2f", r.p(50) - direct.p(50)),
              r == direct ? "—" : String.format(Locale.ROOT, "%.2f", r.p(99) - direct.p(99)));
          out.flush();
          Thread.sleep(2000);
        }
      }
    } finally {
      for (Process p : children) {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }
}
