package io.voicewire.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Debian {@code redis-server} on 127.0.0.1 and a free port, without persistence, for the
 * tests of state shared by replicas. Every wait is bounded. Close after use; {@link #stop} and
 * {@link #start} again simulate an outage on the same port.
 */
public final class RedisProcess implements AutoCloseable {
  /** The binary; Debian's {@code redis-server} package. */
  static final String BINARY = "redis-server";
  private static final long START_TIMEOUT_MILLIS = 10_000;

  public final int port;
  private final Path dir;
  private Process process;

  private RedisProcess(int port) throws IOException {
    this.port = port;
    this.dir = Files.createTempDirectory("vw-redis");
  }

  /** Starts a redis-server on a free port and waits (bounded) until it answers PING. */
  public static RedisProcess start() throws Exception {
    RedisProcess r = new RedisProcess(freePort());
    r.startAgain();
    return r;
  }

  /** The URL for {@code ServerConfig.redis}. */
  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts the server again on the same port (after {@link #stop}). */
  public synchronized void startAgain() throws Exception {
    process = new ProcessBuilder(List.of(BINARY, "--port", Integer.toString(port), "--bind",
        "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()))
        .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
    while (System.nanoTime() < deadline) {
      if (ping()) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("redis-server exited: "
            + Files.readString(dir.resolve("redis.log")));
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("redis-server did not answer within "
        + START_TIMEOUT_MILLIS + " ms");
  }

  /** Kills the server (an outage); waits (bounded) until it is gone. */
  public synchronized void stop() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      process = null;
    }
  }

  /** Sends one inline command and returns the first line of the answer. */
  public String command(String line) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(2000);
      OutputStream o = s.getOutputStream();
      o.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
      o.flush();
      InputStream in = s.getInputStream();
      StringBuilder sb = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0 && c != '\n') {
        if (c != '\r') {
          sb.append((char) c);
        }
      }
      return sb.toString();
    }
  }

  private boolean ping() {
    try {
      return "+PONG".equals(command("PING"));
    } catch (IOException e) {
      return false;
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    stop();
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.deleteIfExists(p);
      }
    }
    Files.deleteIfExists(dir);
  }
}
