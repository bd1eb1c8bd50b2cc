package io.voicewire.bench.relay;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The relays {@link RelayBench} and {@link TtsRelayBench} measure, as child processes: the
 * voicewire relay ({@code serve --backend elevenlabs} in a JVM on a given class path, with
 * {@code ./voicewire serve}'s JVM options) and the plain Node {@code ws} relay; and the waits for
 * them to listen.
 */
public final class RelayProcesses {
  /**
   * The JVM options a relay runs with before {@code --relay-jvm-arg}'s: those {@code
   * ./voicewire serve} starts a server with (the launcher's {@code SERVE_JAVA_OPTS_DEFAULT}), so
   * the relay measured is the relay as shipped.
   */
  public static final List<String> SERVE_JVM_OPTIONS = List.of("-Xms1g", "-Xmx1g",
      "-XX:+UseG1GC", "--enable-native-access=ALL-UNNAMED");
  private static final Pattern GC_OPTION = Pattern.compile("-XX:\\+Use\\w+GC");

  private RelayProcesses() {}

  /**
   * The voicewire relay: {@code serve --backend elevenlabs} in a child JVM on {@code classpath}
   * (this benchmark's, or another build's for a before/after comparison in one run).
   */
  public static Process startRelay(int port, int upstreamPort, List<String> jvmArgs,
      String classpath) throws Exception {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new ArrayList<>(List.of(java.toString()));
    cmd.addAll(relayJvmOptions(jvmArgs));
    cmd.addAll(List.of("-cp", classpath,
        "io.voicewire.cli.App", "serve", "--port", Integer.toString(port), "--backend",
        "elevenlabs", "--upstream", "http://127.0.0.1:" + upstreamPort));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("ELEVENLABS_API_KEY", "bench-upstream-needs-no-key");
    pb.environment().remove("VOICEWIRE_API_KEYS");
    pb.redirectErrorStream(true).redirectOutput(relayLog(port).toFile());
    return pb.start();
  }

  /**
   * The JVM options of a relay: {@link #SERVE_JVM_OPTIONS}, then {@code extra}. A collector named
   * in {@code extra} ({@code -XX:+UseZGC}) replaces the default's instead of clashing with it
   * (the JVM refuses to start with two).
   */
  static List<String> relayJvmOptions(List<String> extra) {
    boolean collector = extra.stream().anyMatch(a -> GC_OPTION.matcher(a).matches());
    List<String> options = new ArrayList<>();
    for (String d : SERVE_JVM_OPTIONS) {
      if (!(collector && GC_OPTION.matcher(d).matches())) {
        options.add(d);
      }
    }
    options.addAll(extra);
    return options;
  }

  /** Where the relay listening on {@code port} writes its output (overwritten by the next). */
  static Path relayLog(int port) {
    Path log = Paths.get(System.getProperty("java.io.tmpdir"),
        "voicewire-bench-relay-" + port + ".log");
    log.toFile().deleteOnExit();
    return log;
  }

  /**
   * Waits until the relay {@code relay} listens on {@code port}; fails at once, with the end of
   * its output, when it exits first (a JVM option it refused, a port taken).
   */
  public static void awaitRelay(Process relay, int port, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!relay.isAlive()) {
        List<String> lines = Files.exists(relayLog(port))
            ? Files.readAllLines(relayLog(port)) : List.of();
        throw new IllegalStateException("the relay exited with code " + relay.exitValue()
            + " before it listened on port " + port + "; the end of its output ("
            + relayLog(port) + "):\n" + String.join("\n",
                lines.subList(Math.max(0, lines.size() - 20), lines.size())));
      }
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (java.io.IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("nothing listens on port " + port + " after " + timeout
        + " (the relay's output: " + relayLog(port) + ")");
  }

  /** The Node relay of the comparison, or null when node or the ws package is missing. */
  public static Process startNodeRelay(int port, int upstreamPort, Path heapFile) throws Exception {
    // a directory of its own: a node_modules link left in the shared temp directory by an earlier
    // run (dangling once its checkout is gone) must not stop this one
    Path dir = Files.createTempDirectory("ws-relay");
    Path script = dir.resolve("ws-relay.mjs");
    try (InputStream in = RelayProcesses.class.getResourceAsStream("/ws-relay.mjs")) {
      if (in == null) {
        return null;
      }
      Files.write(script, in.readAllBytes());
    }
    Path nodeModules = findNodeModules();
    if (nodeModules == null) {
      return null;
    }
    Files.createSymbolicLink(dir.resolve("node_modules"), nodeModules);
    ProcessBuilder pb = new ProcessBuilder("node", "--expose-gc", script.toString(),
        Integer.toString(port), "ws://127.0.0.1:" + upstreamPort);
    pb.environment().put("RELAY_HEAP_FILE", heapFile.toString());
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    try {
      return pb.start();
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private static Path findNodeModules() {
    Path dir = Paths.get("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      Path nm = d.resolve("voicewire-web/node_modules");
      if (Files.isDirectory(nm.resolve("ws"))) {
        return nm;
      }
    }
    return null;
  }

  /** A free loopback port. */
  public static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Waits until something listens on {@code port}. */
  public static void awaitPort(int port, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (java.io.IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("nothing listens on port " + port + " after " + timeout);
  }
}
