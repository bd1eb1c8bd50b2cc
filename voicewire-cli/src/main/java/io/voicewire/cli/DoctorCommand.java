package io.voicewire.cli;

import io.voicewire.client.ReconnectPolicy;
import io.voicewire.client.SttStream;
import io.voicewire.client.VoiceClient;
import io.voicewire.client.VoiceClientException;
import io.voicewire.engine.local.LocalSpeechProvider;
import io.voicewire.speech.ModelInfo;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.SttRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code voicewire doctor}: one line per check, each failure with its fix: the JDK, the offline
 * engine, a server's reachability, key and protocol, a free port, Chromium for the tests. Exit 0
 * when nothing failed, 1 otherwise. Checks that take long show their progress on terminals.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = {"Check this machine and a server: the JDK, the offline engine, the server's "
        + "reachability, API key and protocol, a free port, Chromium for the tests.",
        "One line per check; a failed check says how to fix it. Exit code 1 if any failed."})
public final class DoctorCommand implements Callable<Integer> {
  /** The JDK the project needs. */
  static final int MIN_JAVA = 21;
  /** The longest wait for a server's answer, seconds. */
  static final long SERVER_TIMEOUT_SECONDS = 10;
  /** The longest wait for {@code chromium --version}, seconds. */
  static final long CHROMIUM_TIMEOUT_SECONDS = 20;
  /** The default server port ({@code serve}'s). */
  static final int DEFAULT_PORT = 8080;

  @Mixin
  ClientOptions target;

  @Option(names = "--port", paramLabel = "N",
      description = "The port `serve` would use (default: $VOICEWIRE_PORT or 8080).")
  Integer port;

  @Option(names = "--no-engine", description = "Skip loading the offline engine (~15 s, ~1 GB).")
  boolean noEngine;

  /** For testing: where Chromium is looked for ($VOICEWIRE_CHROMIUM, as the web tests do). */
  Path chromium;

  private PrintWriter err;
  private boolean interactive;
  private int failures;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = target.out();
    err = target.err();
    interactive = Terminal.interactive();
    failures = 0;
    // each check reports its own failure: the SDK's warnings about them would only repeat it
    for (String quiet : List.of("io.voicewire.client", "io.voicewire.engine")) {
      String key = "org.slf4j.simpleLogger.log." + quiet;
      System.setProperty(key, System.getProperty(key, "error"));
    }
    check(out, "JDK", this::jdk);
    if (noEngine) {
      line(out, "skip", "engine", "--no-engine", null);
    } else {
      check(out, "engine", this::engine);
    }
    String url = target.server != null ? target.server : "http://127.0.0.1:" + port();
    boolean reachable = check(out, "server", () -> reach(url));
    if (reachable) {
      check(out, "API key", () -> key(url));
      check(out, "protocol", () -> protocol(url));
    } else {
      line(out, "skip", "API key", "the server is not reachable", null);
      line(out, "skip", "protocol", "the server is not reachable", null);
    }
    check(out, "port " + port(), () -> freePort(url));
    check(out, "chromium", this::chromium);
    out.flush();
    return failures == 0 ? CommandLine.ExitCode.OK : CommandLine.ExitCode.SOFTWARE;
  }

  /** A check's outcome: a passing one has no fix. */
  record Result(boolean ok, String what, String fix) {
    static Result ok(String what) {
      return new Result(true, what, null);
    }

    static Result fail(String what, String fix) {
      return new Result(false, what, fix);
    }
  }

  @FunctionalInterface
  interface Check {
    Result run() throws Exception;
  }

  private boolean check(PrintWriter out, String name, Check c) {
    long start = System.nanoTime();
    Result r;
    try (Terminal.StatusLine progress = Terminal.StatusLine.start(err, interactive,
        () -> String.format(Locale.ROOT, "checking %s... %.0f s", name,
            (System.nanoTime() - start) / 1e9))) {
      r = c.run();
    } catch (Exception e) {
      r = Result.fail(String.valueOf(e.getMessage() == null ? e : e.getMessage()),
          "report this as a bug with the message");
    }
    line(out, r.ok() ? "ok" : "FAIL", name, r.what(), r.fix());
    return r.ok();
  }

  private void line(PrintWriter out, String status, String name, String what, String fix) {
    if ("FAIL".equals(status)) {
      failures++;
    }
    out.printf(Locale.ROOT, "%-5s %-10s %s%s%n", status, name, what,
        fix == null ? "" : " — fix: " + fix);
    out.flush();
  }

  int port() {
    if (port != null) {
      return port;
    }
    String env = target.env.apply("VOICEWIRE_PORT");
    return env == null || env.isBlank() ? DEFAULT_PORT : Integer.parseInt(env.trim());
  }

  private Result jdk() {
    Runtime.Version v = Runtime.version();
    Path home = Path.of(System.getProperty("java.home"));
    boolean javac = Files.isExecutable(home.resolve("bin").resolve("javac"));
    String what = "Java " + v + " (" + System.getProperty("java.vendor") + ") at " + home
        + (javac ? "" : ", no javac");
    if (v.feature() < MIN_JAVA) {
      return Result.fail(what, "install a JDK >= " + MIN_JAVA
          + " (apt-get install openjdk-21-jdk-headless) or point JAVA_HOME at one");
    }
    return javac ? Result.ok(what) : Result.fail(what, "this is a JRE: ./voicewire builds "
        + "with a JDK (apt-get install openjdk-21-jdk-headless) or point JAVA_HOME at one");
  }

  private Result engine() throws InterruptedException {
    long start = System.nanoTime();
    long heapMb = Runtime.getRuntime().maxMemory() >> 20;
    try (LocalSpeechProvider p = LocalSpeechProvider.create()) {
      if (!p.awaitReady(ClientOptions.ENGINE_READY_SECONDS, TimeUnit.SECONDS)) {
        return Result.fail("not ready after " + ClientOptions.ENGINE_READY_SECONDS + " s (heap "
            + heapMb + " MB)", "give it more memory and CPU: VOICEWIRE_JAVA_OPTS=-Xmx2g");
      }
      return Result.ok(String.format(Locale.ROOT, "offline engine ready in %.1f s: %d voices, "
              + "%d recognizer(s); heap %d MB", (System.nanoTime() - start) / 1e9,
          p.voices().size(), p.sttDecoders(), heapMb));
    } catch (RuntimeException | OutOfMemoryError e) {
      return Result.fail("failed to load: " + e, "give it more memory: "
          + "VOICEWIRE_JAVA_OPTS=-Xmx2g; run ./voicewire test to see which part breaks");
    }
  }

  private Result reach(String url) throws InterruptedException {
    URI uri;
    try {
      uri = URI.create(url);
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("no host");
      }
    } catch (IllegalArgumentException e) {
      return Result.fail("not a URL: " + url, "pass a base URL like http://localhost:8080");
    }
    HttpClient http = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(SERVER_TIMEOUT_SECONDS)).build();
    long start = System.nanoTime();
    try {
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri.resolve("/v1/models"))
              .timeout(Duration.ofSeconds(SERVER_TIMEOUT_SECONDS)).build(),
          HttpResponse.BodyHandlers.discarding());
      return Result.ok(String.format(Locale.ROOT, "%s answers (HTTP %d in %.0f ms)", url,
          r.statusCode(), (System.nanoTime() - start) / 1e6));
    } catch (IOException e) {
      return Result.fail("nothing answers at " + url + " (" + e + ")", target.server == null
          ? "start one: ./voicewire serve --port " + port() + "; or pass --server URL"
          : "check the URL, that the server runs, and firewalls between");
    }
  }

  private VoiceClient client(String url) {
    return VoiceClient.builder().baseUrl(url).apiKey(target.keyFor(url))
        .reconnectPolicy(ReconnectPolicy.NEVER)
        .connectTimeout(Duration.ofSeconds(SERVER_TIMEOUT_SECONDS))
        .finishTimeout(Duration.ofSeconds(SERVER_TIMEOUT_SECONDS)).build();
  }

  private Result key(String url) {
    boolean haveKey = target.keyFor(url) != null;
    String env = url.contains("elevenlabs.io") ? ClientOptions.ELEVENLABS_KEY_ENV
        : ClientOptions.VOICEWIRE_KEY_ENV;
    try (VoiceClient c = client(url)) {
      List<ModelInfo> models = c.models();
      return Result.ok((haveKey ? "accepted" : "none needed (a local-development server)")
          + ": " + models.size() + " models listed");
    } catch (VoiceClientException e) {
      if (e.isAuthError()) {
        return haveKey ? Result.fail("rejected (HTTP " + e.statusCode() + ")",
            "use a key the server knows (its VOICEWIRE_API_KEYS), in $" + env + " or --api-key")
            : Result.fail("the server needs a key (HTTP " + e.statusCode() + ")",
            "set $" + env + " (or --api-key)");
      }
      return Result.fail("GET /v1/models: " + e.getMessage(), "is " + url
          + " a voicewire or ElevenLabs server? Give its base URL, without a path");
    } catch (IOException | RuntimeException e) {
      return Result.fail("GET /v1/models: " + e, "is " + url
          + " a voicewire or ElevenLabs server? Give its base URL, without a path");
    }
  }

  private Result protocol(String url) throws Exception {
    long start = System.nanoTime();
    CompletableFuture<String> started = new CompletableFuture<>();
    try (VoiceClient c = client(url)) {
      SttStream s = c.newSttStream(SttRequest.builder().build(), new SttStream.Listener() {
        @Override
        public void onStarted(String sessionId) {
          started.complete(sessionId);
        }

        @Override
        public void onFailure(SpeechError error) {
          started.completeExceptionally(new IOException(error.toString()));
        }
      });
      try {
        started.get(SERVER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return Result.ok(String.format(Locale.ROOT, "ElevenLabs realtime STT over WebSocket: "
            + "session_started in %.0f ms", (System.nanoTime() - start) / 1e6));
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        return Result.fail("no realtime STT session: " + cause.getMessage(), "the server must "
            + "speak ElevenLabs' WebSocket protocol (/v1/speech-to-text/realtime); check "
            + "proxies pass WebSocket upgrades");
      } finally {
        s.cancel();
      }
    }
  }

  private Result freePort(String url) throws IOException {
    int p = port();
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), p));
    } catch (IOException e) {
      URI u = URI.create(url);
      if (u.getPort() == p && InetAddress.getByName(u.getHost()).isLoopbackAddress()) {
        return Result.ok(p + " is in use by the server checked above");
      }
      return Result.fail(p + " is in use (" + e.getMessage() + ")", "serve on another port: "
          + "./voicewire serve --port N (or VOICEWIRE_PORT), or stop what holds " + p);
    }
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return Result.ok(p + " is free; ephemeral loopback ports work (tests use them)");
    }
  }

  private Result chromium() throws Exception {
    String env = target.env.apply("VOICEWIRE_CHROMIUM");
    Path c = chromium != null ? chromium : Path.of(env != null && !env.isBlank() ? env
        : "/usr/bin/chromium");
    String fix = "sudo apt-get install chromium (./voicewire test does), or set "
        + "VOICEWIRE_CHROMIUM to a Chromium or Chrome binary";
    if (!Files.isExecutable(c)) {
      return Result.fail("not found at " + c + " (the browser tests need it)", fix);
    }
    Process p = new ProcessBuilder(c.toString(), "--version").redirectErrorStream(true).start();
    if (!p.waitFor(CHROMIUM_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return Result.fail(c + " --version did not answer in " + CHROMIUM_TIMEOUT_SECONDS + " s",
          fix);
    }
    String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
        .lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("").trim();
    return p.exitValue() == 0 ? Result.ok(version + " at " + c)
        : Result.fail(c + " --version failed: " + version, fix);
  }
}
