package io.voicewire.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.engine.local.LocalSpeechProvider;
import io.voicewire.server.VoicewireServer;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Tested from outside the reactor": builds {@code examples/maven-consumer} (a user's project,
 * not a module of this build) against this build's installed artifacts through the BOM, from a
 * fresh local repository, and runs it on the module path against a real server on port 0.
 *
 * <p>Runs in {@code integration-test}, after {@code mvn install} has installed the modules that
 * come before voicewire-cli in the reactor. The fresh local repository gets only the
 * {@code io.voicewire} artifacts; every other artifact comes from the build's local repository
 * used as a read-only {@code file://} remote (so no network is needed; Maven Central stays the
 * fallback). Fails on a dependency leak (the run-time class path is checked against the SDK's
 * declared set), on a split package (the module path refuses it), and on SLF4J noise.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ConsumerProjectIT {
  /** What a user of voicewire-client gets on the class path, and nothing else. */
  static final Set<String> SDK_RUNTIME = Set.of("voicewire-client", "voicewire-core",
      "voicewire-protocol", "jackson-databind", "jackson-core", "jackson-annotations",
      "HdrHistogram", "slf4j-api");
  /** Longest Maven build of the example, seconds. */
  static final long BUILD_SECONDS = 300;
  /** Longest run of the example, seconds. */
  static final long RUN_SECONDS = 180;

  @TempDir
  Path tmp;

  @Test
  void theExampleBuildsAgainstTheInstalledArtifactsAndTalksToAServer() throws Exception {
    String version = required("voicewire.version");
    Path buildRepo = Path.of(required("voicewire.localRepository"));
    Path repo = tmp.resolve("repo");
    for (String module : List.of("voicewire-core", "voicewire-protocol", "voicewire-client")) {
      Path installed = buildRepo.resolve("io/voicewire/" + module + "/" + version + "/" + module
          + "-" + version + ".jar");
      Path built = Path.of("..", module, "target", module + "-" + version + ".jar");
      assertTrue(Files.isRegularFile(installed) && Files.isRegularFile(built)
          && Arrays.equals(Files.readAllBytes(installed), Files.readAllBytes(built)),
          installed + " is not this build's " + built + ": the example needs the installed "
              + "artifacts (mvn install, as ./voicewire test runs it; -DskipITs skips this)");
      assertTrue(Files.isRegularFile(installed.resolveSibling(module + "-" + version
          + "-sources.jar")), "sources jar of " + module);
      assertTrue(Files.isRegularFile(installed.resolveSibling(module + "-" + version
          + "-javadoc.jar")), "javadoc jar of " + module);
    }
    copyVersion(buildRepo.resolve("io/voicewire"), repo.resolve("io/voicewire"), version);
    Path settings = tmp.resolve("settings.xml");
    Files.writeString(settings, settings(repo, buildRepo));
    Path project = tmp.resolve("maven-consumer");
    copyTree(Path.of("..", "examples", "maven-consumer"), project);

    try (LocalSpeechProvider engine = LocalSpeechProvider.builder()
        .voices(List.of(LocalSpeechProvider.VOICE_KEVIN)).build();
        VoicewireServer server = VoicewireServer.create(c -> c.provider(engine)
            .apiKeys(List.of("consumer-key")))) {
      int port = server.start(0); // the engine warms up while Maven builds
      Path mvnLog = tmp.resolve("mvn.log");
      int built = run(project, mvnLog, BUILD_SECONDS, Map.of(), mvn(), "-B", "-s",
          settings.toString(), "-Dvoicewire.version=" + version, "package");
      assertEquals(0, built, "the example's build failed:\n" + Files.readString(mvnLog));

      Set<String> lib;
      try (Stream<Path> jars = Files.list(project.resolve("target/lib"))) {
        lib = jars.map(p -> p.getFileName().toString().replaceAll("-[0-9][^-]*\\.jar$", ""))
            .collect(Collectors.toCollection(TreeSet::new));
      }
      assertEquals(new TreeSet<>(SDK_RUNTIME), lib, "the SDK's run-time dependencies");

      assertTrue(engine.awaitReady(300, TimeUnit.SECONDS), "engine ready");
      Path out = tmp.resolve("run.out");
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      int ran = run(project, out, RUN_SECONDS, Map.of("VOICEWIRE_API_KEY", "consumer-key"),
          java.toString(), "-p", "target/classes" + File.pathSeparator + "target/lib",
          // the SDK's jars are automatic modules, which cannot require Jackson and SLF4J
          "--add-modules", "ALL-MODULE-PATH",
          "-m", "io.voicewire.example.consumer/io.voicewire.example.consumer.SpeakAndListen",
          "http://127.0.0.1:" + port);
      String output = Files.readString(out);
      assertEquals(0, ran, output);
      assertTrue(output.contains("spoke: ") && output.contains(
          "aligned \"Hello from the voicewire command line.\""), output);
      String heard = output.lines().filter(l -> l.startsWith("heard: ")).findFirst().orElse("");
      assertTrue(heard.toLowerCase(Locale.ROOT).contains("hello"), output);
      assertFalse(output.contains("SLF4J"), "a library must not make SLF4J warn: " + output);
    }
  }

  static String required(String property) {
    String v = System.getProperty(property);
    assertTrue(v != null && !v.isBlank(), "system property " + property
        + " (set by the parent pom's failsafe configuration)");
    return v;
  }

  static String mvn() {
    String home = System.getProperty("maven.home");
    Path bin = home == null ? null : Path.of(home, "bin", "mvn");
    return bin != null && Files.isExecutable(bin) ? bin.toString() : "mvn";
  }

  /** Settings: the fresh repository as local, the build's repository as a read-only remote. */
  static String settings(Path local, Path remote) {
    String repo = """
              <id>voicewire-build-repository</id>
              <url>%s</url>
              <releases><enabled>true</enabled><checksumPolicy>ignore</checksumPolicy></releases>
              <snapshots><enabled>false</enabled></snapshots>
        """.formatted(remote.toAbsolutePath().toUri());
    return """
        <settings>
          <localRepository>%s</localRepository>
          <profiles><profile>
            <id>voicewire-build-repository</id>
            <repositories><repository>
        %s    </repository></repositories>
            <pluginRepositories><pluginRepository>
        %s    </pluginRepository></pluginRepositories>
          </profile></profiles>
          <activeProfiles><activeProfile>voicewire-build-repository</activeProfile></activeProfiles>
        </settings>
        """.formatted(local.toAbsolutePath(), repo, repo);
  }

  /** Copies every {@code <artifact>/<version>} directory under {@code from} to {@code to}. */
  static void copyVersion(Path from, Path to, String version) throws IOException {
    try (Stream<Path> artifacts = Files.list(from)) {
      for (Path a : artifacts.toList()) {
        Path v = a.resolve(version);
        if (Files.isDirectory(v)) {
          copyTree(v, to.resolve(a.getFileName().toString()).resolve(version));
        }
      }
    }
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.filter(p -> !p.toString().contains(File.separator + "target"))
          .toList()) {
        Path dest = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  static int run(Path dir, Path log, long seconds, Map<String, String> env, String... command)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(String.join(" ", command) + " did not finish within " + seconds
          + " s:\n" + Files.readString(log));
    }
    return p.exitValue();
  }
}
