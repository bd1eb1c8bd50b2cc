package io.voicewire.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The product as it is deployed, on loopback: one Debian {@code redis-server}, {@code n} replicas
 * that are each the real {@code voicewire.jar serve} (the offline engine, in its own JVM), and
 * Debian's {@code haproxy} in front of them. Each replica keeps its port across restarts; HAProxy
 * checks {@code /readyz} every {@link #CHECK_INTERVAL_MILLIS} and retries a refused upgrade (503)
 * or a failed connection on another replica, and sends an STT resume by session id to the replica
 * that announced that id in its upgrade response (the shape of {@code docs/deploy/haproxy.cfg}).
 * HAProxy's stats socket tells which replica each client connection is on
 * ({@link #replicaBySource}). Every wait is bounded. Not thread-safe: one test thread drives it. Close after use.
 */
final class JarReplicas implements AutoCloseable {
  static final long CHECK_INTERVAL_MILLIS = 300;
  /** Longest start of one replica until {@code /readyz} is 200 (its engine warmed up), ms. */
  static final long START_TIMEOUT_MILLIS = 360_000;
  /** Heap of one replica: MaryTTS, FreeTTS and the Sphinx pool fit with room for sessions. */
  static final String HEAP = "-Xmx512m";
  static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();

  final int[] ports;
  final Process[] processes;
  final int lbPort;
  final int redisPort;
  private final Path jar;
  private final List<String> serveOptions;
  private final Map<String, String> env;
  private final Path dir;
  private final Process redis;
  private Process haproxy;
  /** A system property: when true, the logs of the replicas, Redis and HAProxy are kept. */
  static final String KEEP_LOGS = "voicewire.scaleout.keepLogs";

  /**
   * Starts Redis, {@code n} replicas (each waited for until ready) and HAProxy.
   *
   * @param serveOptions options of {@code voicewire serve} besides {@code --port} and
   *     {@code --redis}
   */
  JarReplicas(Path jar, int n, List<String> serveOptions, Map<String, String> env)
      throws Exception {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: it is built by the package phase of "
          + "voicewire-cli (this test runs in integration-test, after it)");
    }
    this.jar = jar;
    this.ports = new int[n];
    this.processes = new Process[n];
    this.serveOptions = serveOptions;
    this.env = env;
    this.dir = Files.createTempDirectory("vw-jar-scale");
    this.redisPort = freePort();
    for (int i = 0; i < n; i++) {
      ports[i] = freePort();
    }
    this.lbPort = freePort();
    this.redis = new ProcessBuilder("redis-server", "--port", Integer.toString(redisPort),
        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no").redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.log").toFile()).start();
    try {
      awaitRedis();
      for (int i = 0; i < n; i++) {
        // one after another: three engine warm-ups at once on two shared cores take longer than
        // three in turn, and a warm-up starved past its own timeout serves cold
        launch(i);
        awaitReady(i);
      }
      startHaproxy();
    } catch (Exception | Error e) {
      close(); // no replica outlives a failed start
      throw e;
    }
  }

  String baseUrl() {
    return "http://127.0.0.1:" + lbPort;
  }

  String replicaUrl(int i) {
    return "http://127.0.0.1:" + ports[i];
  }

  /** Starts replica {@code i} (again) on its port: {@code java -jar voicewire.jar serve ...}. */
  void launch(int i) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
        "java").toString(), HEAP, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-Djava.util.logging.config.file=/dev/null", "-jar", jar.toString(), "serve",
        "--port", Integer.toString(ports[i]), "--redis", "redis://127.0.0.1:" + redisPort));
    cmd.addAll(serveOptions);
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
      Thread.sleep(200);
    }
    throw new IllegalStateException("replica " + i + " not ready: " + log(i));
  }

  /** SIGTERM (a graceful drain); waits (bounded) for the exit. Returns how long it took, ms. */
  long terminate(int i, long timeoutMillis) throws Exception {
    long t0 = System.nanoTime();
    processes[i].destroy();
    if (!processes[i].waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
      processes[i].destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new IllegalStateException("replica " + i + " did not exit after SIGTERM within "
          + timeoutMillis + " ms: " + log(i));
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
    } catch (IOException e) {
      // not answering
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return -1;
  }

  /**
   * One inline Redis command; the reply as a list: an array's elements (bulk strings and integers
   * as text), or the one line of any other reply.
   */
  List<String> redisReply(String command) throws IOException {
    try (Socket s = new Socket("127.0.0.1", redisPort)) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = new java.io.BufferedInputStream(s.getInputStream());
      String first = line(in);
      if (!first.startsWith("*")) {
        return List.of(first);
      }
      int n = Integer.parseInt(first.substring(1));
      List<String> items = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String head = line(in);
        items.add(head.startsWith("$") ? line(in) : head.substring(1));
      }
      return items;
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (c != '\r') {
        line.append((char) c);
      }
    }
    if (c < 0) {
      throw new IOException("redis closed the connection");
    }
    return line.toString();
  }

  /** The members of a sorted set with their scores, in score order. */
  Map<String, Long> sortedSet(String key) throws IOException {
    List<String> r = redisReply("ZRANGE " + key + " 0 -1 WITHSCORES");
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < r.size(); i += 2) {
      m.put(r.get(i), (long) Double.parseDouble(r.get(i + 1)));
    }
    return m;
  }

  /** Redis's clock ({@code TIME}), ms: the clock its lease scores are written in. */
  long redisMillis() throws IOException {
    List<String> t = redisReply("TIME");
    return Long.parseLong(t.get(0)) * 1000 + Long.parseLong(t.get(1)) / 1000;
  }

  private static final Pattern SESSION_LINE =
      Pattern.compile("\\bsrc=([0-9.]+):\\d+ .*\\bsrv=r(\\d+)\\b");

  /**
   * Which replica each client connection through HAProxy is on, by the client's source address:
   * HAProxy's {@code show sess} on its stats socket (one line per stream: {@code src=ip:port ...
   * srv=rN}). Clients that bind distinct source addresses can so be told apart.
   */
  Map<String, Integer> replicaBySource() throws IOException {
    String out;
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(dir.resolve("haproxy.sock")));
      ch.write(ByteBuffer.wrap("show sess\n".getBytes(StandardCharsets.US_ASCII)));
      out = new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.US_ASCII);
    }
    Map<String, Integer> bySource = new HashMap<>();
    for (String l : out.split("\n")) {
      Matcher m = SESSION_LINE.matcher(l);
      if (m.find()) {
        bySource.put(m.group(1), Integer.parseInt(m.group(2)));
      }
    }
    return bySource;
  }

  /** One inline Redis command; the reply's first line. */
  String redis(String command) throws IOException {
    try (Socket s = new Socket("127.0.0.1", redisPort)) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return line.toString();
    }
  }

  static int status(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2))
          .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The last 4000 characters of replica {@code i}'s output. */
  String log(int i) {
    try {
      String s = Files.readString(dir.resolve("replica" + i + ".log"), StandardCharsets.UTF_8);
      return s.substring(Math.max(0, s.length() - 4000));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private void awaitRedis() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try {
        if ("+PONG".equals(redis("PING"))) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (!redis.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("redis-server did not come up (install Debian's "
            + "redis-server): " + Files.readString(dir.resolve("redis.log")));
      }
      Thread.sleep(50);
    }
  }

  private void startHaproxy() throws Exception {
    StringBuilder cfg = new StringBuilder("""
        global
          maxconn 2000
          stats socket %s mode 600 level admin
        defaults
          mode http
          timeout connect 2s
          timeout client 60s
          timeout server 60s
          timeout tunnel 300s
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
        """.formatted(dir.resolve("haproxy.sock"), lbPort, CHECK_INTERVAL_MILLIS));
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
    redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    if (Boolean.getBoolean(KEEP_LOGS)) {
      System.out.println("replica, redis and haproxy logs kept in " + dir);
      return;
    }
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.deleteIfExists(p);
      }
    }
    Files.deleteIfExists(dir);
  }
}
