package io.voicewire.cli;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code voicewire bench SCENARIO [options]}: runs a benchmark of the {@code voicewire-bench}
 * module ({@code jmh}, {@code engine}, {@code soak}, {@code relay}, {@code idle}) in a child JVM.
 * The benchmarks are not part of the product: they live in {@code benchmarks.jar}, found through
 * {@value #BENCH_JAR_ENV} or next to the CLI's jar in a source checkout
 * ({@code voicewire-bench/target/benchmarks.jar}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Benchmarks (module voicewire-bench, run in a child JVM):",
        "  relay   N concurrent STT streams: direct, through the voicewire relay, through Node ws",
        "  idle    heap per idle STT and TTS session on the server",
        "  jmh     micro-benchmarks of the audio core [JMH options]",
        "  engine  the offline engine under load",
        "  soak    a long mixed load against one server (docs/soak.md)",
        "A scenario's own options: ./voicewire bench SCENARIO --help (the launcher),",
        "  or java -cp benchmarks.jar io.voicewire.bench.Bench SCENARIO --help",
        "The benchmarks jar: $VOICEWIRE_BENCH_JAR, or voicewire-bench/target/benchmarks.jar"
            + " (mvn -pl voicewire-bench -am package -DskipTests)"})
public final class BenchCommand implements Callable<Integer> {
  /** Environment variable naming the benchmarks jar. */
  static final String BENCH_JAR_ENV = "VOICEWIRE_BENCH_JAR";
  /** Main class of the benchmarks jar that dispatches every scenario. */
  static final String BENCH_MAIN = "io.voicewire.bench.Bench";

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "ARGS", arity = "1..*",
      description = "the scenario (relay, idle, jmh, engine, soak) and its options")
  List<String> args;

  @Override
  public Integer call() throws Exception {
    Path jar = benchJar();
    if (jar == null) {
      spec.commandLine().getErr().println("voicewire: benchmarks jar not found; build it with"
          + " 'mvn -pl voicewire-bench -am package -DskipTests' or set " + BENCH_JAR_ENV);
      return 2;
    }
    List<String> cmd = new ArrayList<>(List.of(
        Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "--enable-native-access=ALL-UNNAMED", "-cp", jar.toString(), BENCH_MAIN));
    cmd.addAll(args);
    return new ProcessBuilder(cmd).inheritIO().start().waitFor();
  }

  private static Path benchJar() {
    String env = System.getenv(BENCH_JAR_ENV);
    if (env != null && !env.isBlank()) {
      return Files.isRegularFile(Paths.get(env)) ? Paths.get(env) : null;
    }
    try {
      // voicewire-cli/target/voicewire.jar -> voicewire-bench/target/benchmarks.jar
      Path self = Paths.get(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation()
          .toURI());
      for (Path d = self.getParent(); d != null; d = d.getParent()) {
        Path jar = d.resolve("voicewire-bench" + File.separator + "target"
            + File.separator + "benchmarks.jar");
        if (Files.isRegularFile(jar)) {
          return jar;
        }
      }
    } catch (URISyntaxException | SecurityException e) {
      return null;
    }
    return null;
  }
}
