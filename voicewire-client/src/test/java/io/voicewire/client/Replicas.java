package io.voicewire.client;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Three (or more) {@link ReplicaMain} JVMs behind a real Debian {@code haproxy} on loopback, for
 * {@link ScaleOutTest}. Each replica keeps its port across restarts; HAProxy checks
 * {@code /readyz} every {@link #CHECK_INTERVAL_MILLIS} and retries a refused upgrade (503) or a
 * failed connection on another replica, and sends an STT resume by session id to the replica
 * holding it (the shape of {@code docs/deploy/haproxy.cfg}). Every wait is bounded. Close after
 * use.
 */
final class Replicas implements AutoCloseable {
  static final long CHECK_INTERVAL_MILLIS = 300;
  static final long START_TIMEOUT_MILLIS = 60_000;
  static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();

  final int[] ports;
  final Process[] processes;
  final int lbPort;
  private final List<String> args;
  private final Map<String, String> env;
  private final Path dir;
  private Process haproxy;

  /** {@code args}: the {@link ReplicaMain} arguments after the port. */
  Replicas(int n, List<String> args, Map<String, String> env) throws Exception {
    this.ports = new int[n];
    this.processes = new Process[n];
    this.args = args;
    this.env = env;
    this.dir = Files.createTempDirectory("vw-scale");
    for (int i = 0; i < n; i++) {
      ports[i] = freePort();
    }
    this.lbPort = freePort();
    for (int i = 0; i < n; i++) {
      launch(i);
    }
    for (int i = 0; i < n; i++) {
      awaitReady(i);
    }
    startHaproxy();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + lbPort;
  }

  String replicaUrl(int i) {
    return "http://127.0.0.1:" + ports[i];
  }

  void launch(int i) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
        "java").toString(), "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp",
        System.getProperty("java.class.path"), ReplicaMain.class.getName(),
        Integer.toString(ports[i])));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("replica" + i + ".log")
            .toFile()));
    pb.environment().putAll(env);
    processes[i] = pb.start();
  }

  /** Waits (bounded) until replica {@code i} answers {@code /readyz} with 200. */
  void awaitReady(int i) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
    while (System.nanoTime() < deadline) {
      if (!processes[i].isAlive()) {
        throw new IllegalStateException("replica " + i + " exited: " + log(i));
      }
      if (status(replicaUrl(i) + "/readyz") == 200) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("replica " + i + " not ready: " + log(i));
  }

  /** SIGTERM (a graceful drain); waits (bounded) for the exit. Returns how long it took. */
  long terminate(int i, long timeoutMillis) throws Exception {
    long t0 = System.nanoTime();
    processes[i].destroy();
    if (!processes[i].waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
      processes[i].destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new IllegalStateException("replica " + i + " did not exit after SIGTERM within "
          + timeoutMillis + " ms");
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }

  /** SIGKILL: a crash. */
  void kill(int i) throws Exception {
    processes[i].destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  /** The value of a metric line {@code name value} of replica {@code i}, or -1. */
  long metric(int i, String name) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(replicaUrl(i)
          + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      for (String line : r.body().split("\n")) {
        if (line.startsWith(name + " ")) {
          return (long) Double.parseDouble(line.substring(name.length() + 1).trim());
        }
      }
    } catch (Exception e) {
      // not answering
    }
    return -1;
  }

  static int status(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2))
          .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  String log(int i) {
    try {
      return Files.readString(dir.resolve("replica" + i + ".log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private void startHaproxy() throws Exception {
    StringBuilder cfg = new StringBuilder("""
        global
          maxconn 2000
        defaults
          mode http
          timeout connect 2s
          timeout client 60s
          timeout server 60s
          timeout tunnel 120s
          timeout check 2s
          retries 3
          option redispatch 1
        frontend voicewire
          bind 127.0.0.1:%d
          default_backend replicas
        backend replicas
          balance leastconn
          retry-on conn-failure empty-response 503
          option httpchk GET /readyz
          http-check expect status 200
          default-server inter %dms fall 1 rise 2
          stick-table type string len 128 size 100k expire 2h
          stick match url_param(voicewire_resume_session)
          stick store-response res.hdr(X-Voicewire-Session-Id)
        """.formatted(lbPort, CHECK_INTERVAL_MILLIS));
    for (int i = 0; i < ports.length; i++) {
      cfg.append("  server r").append(i).append(" 127.0.0.1:").append(ports[i])
          .append(" check\n");
    }
    Path file = dir.resolve("haproxy.cfg");
    Files.writeString(file, cfg);
    haproxy = new ProcessBuilder("haproxy", "-db", "-f", file.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (status(baseUrl() + "/readyz") != 200) {
      if (!haproxy.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("haproxy did not come up: "
            + Files.readString(dir.resolve("haproxy.log")));
      }
      Thread.sleep(100);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    if (haproxy != null) {
      haproxy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    for (Process p : processes) {
      if (p != null) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.deleteIfExists(p);
      }
    }
    Files.deleteIfExists(dir);
  }
}
