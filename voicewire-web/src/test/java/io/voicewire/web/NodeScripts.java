package io.voicewire.web;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.voicewire.engine.local.LocalSpeechProvider;
import io.voicewire.server.ServerConfig;
import io.voicewire.server.VoicewireServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs the Node side of the web tests: {@code node --test} unit tests and the Playwright
 * scripts under {@code src/test/js}. Scripts print {@code RESULT {json}} lines; this class
 * collects them by name. Every run has a hard timeout and is killed when it overruns.
 */
final class NodeScripts {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The voicewire-web module directory (surefire runs with it as the working directory). */
  static final Path MODULE = locateModule();

  private NodeScripts() {}

  private static Path locateModule() {
    Path cwd = Path.of("").toAbsolutePath();
    if (Files.isRegularFile(cwd.resolve("package.json"))) {
      return cwd;
    }
    Path sub = cwd.resolve("voicewire-web");
    if (Files.isRegularFile(sub.resolve("package.json"))) {
      return sub;
    }
    throw new IllegalStateException("cannot find voicewire-web/package.json from " + cwd);
  }

  /** The output of one script run. */
  record Run(int exitCode, String stdout, String stderr, Map<String, JsonNode> results) {
    JsonNode result(String name) {
      JsonNode r = results.get(name);
      if (r == null) {
        fail("no RESULT '" + name + "' in the output (exit " + exitCode + ")\nstdout:\n" + stdout
            + "\nstderr:\n" + stderr);
      }
      return r;
    }

    void assertSucceeded() {
      assertTrue(exitCode == 0, "exit code " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n"
          + stderr);
    }
  }

  /** Installs the npm test tools when they are missing (the launcher normally did it). */
  static synchronized void ensureNodeModules() throws IOException, InterruptedException {
    if (Files.isDirectory(MODULE.resolve("node_modules/playwright-core"))
        && Files.isDirectory(MODULE.resolve("node_modules/ws"))
        && Files.isDirectory(MODULE.resolve("node_modules/@elevenlabs/client"))) {
      return;
    }
    Run r = exec(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), Map.of(), 300);
    r.assertSucceeded();
  }

  /** The Node flags the scripts need: a global WebSocket before Node 22. */
  static List<String> nodeFlags() throws IOException, InterruptedException {
    Run v = exec(List.of("node", "--version"), Map.of(), 30);
    v.assertSucceeded();
    String version = v.stdout().trim().replaceFirst("^v", "");
    int major = Integer.parseInt(version.split("\\.")[0]);
    return major < 22 ? List.of("--experimental-websocket") : List.of();
  }

  /**
   * Runs a page script against a fresh server on the JVM's warm speech-only offline engine
   * ({@link SharedTtsEngine}): the page may speak, not transcribe;
   * the script gets the server's base URL, then {@code args}. {@code config} adds to the server's
   * configuration; the output is kept in {@code target/web-test/<out>}.
   */
  static Run againstOfflineServer(Consumer<ServerConfig> config, String script, List<String> args,
      long timeoutSeconds, String out) throws Exception {
    Run r;
    LocalSpeechProvider provider = SharedTtsEngine.get();
    VoicewireServer server = VoicewireServer.create(c -> config.accept(c.provider(provider)));
    try {
      List<String> all = new ArrayList<>();
      all.add("http://127.0.0.1:" + server.start(0));
      all.addAll(args);
      r = node(script, all, Map.of(), timeoutSeconds);
    } finally {
      server.close();
    }
    keep(r, out);
    return r;
  }

  /** Keeps a run's output in {@code target/web-test/<name>} (for a look after a failure). */
  static void keep(Run r, String name) throws IOException {
    Path dir = MODULE.resolve("target/web-test");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(name), r.stdout() + "\n--- stderr ---\n" + r.stderr());
  }

  /** Runs {@code node [flags] script args...} from the module directory. */
  static Run node(String script, List<String> args, Map<String, String> env, long timeoutSeconds)
      throws IOException, InterruptedException {
    ensureNodeModules();
    List<String> cmd = new ArrayList<>();
    cmd.add("node");
    cmd.addAll(nodeFlags());
    cmd.add(script);
    cmd.addAll(args);
    return exec(cmd, env, timeoutSeconds);
  }

  static Run exec(List<String> cmd, Map<String, String> env, long timeoutSeconds)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("voicewire-node-", ".out");
    Path err = Files.createTempFile("voicewire-node-", ".err");
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(MODULE.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().putAll(env);
      Process p;
      try {
        p = pb.start();
      } catch (IOException e) {
        throw new IOException("cannot run " + cmd.get(0) + " (is it installed? `./voicewire test` "
            + "installs node, npm and chromium): " + e.getMessage(), e);
      }
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        fail(String.join(" ", cmd) + " did not finish within " + timeoutSeconds + " s\nstdout:\n"
            + Files.readString(out, StandardCharsets.UTF_8) + "\nstderr:\n"
            + Files.readString(err, StandardCharsets.UTF_8));
      }
      String stdout = Files.readString(out, StandardCharsets.UTF_8);
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      Map<String, JsonNode> results = new LinkedHashMap<>();
      for (String line : stdout.split("\n")) {
        if (line.startsWith("RESULT ")) {
          JsonNode n = JSON.readTree(line.substring("RESULT ".length()));
          results.put(n.path("name").asText(), n);
        }
      }
      return new Run(p.exitValue(), stdout, stderr, results);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
