package io.voicewire.server;

import io.voicewire.server.internal.Drain;
import io.voicewire.server.internal.JettyServer;
import io.voicewire.server.internal.RedisConnection;
import io.voicewire.server.internal.Services;
import io.voicewire.server.internal.WarmUp;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The voicewire server: ElevenLabs' own protocol (text-to-speech WebSockets and HTTP, realtime and
 * batch speech-to-text, voices, models, single-use tokens) over any
 * {@link io.voicewire.speech.SpeechProvider}, so apps, browsers, the voicewire SDK and the official
 * ElevenLabs SDKs talk to it by changing only their base URL. Also serves health, readiness,
 * Prometheus metrics and the static web files.
 *
 * <pre>{@code
 * try (VoicewireServer server = VoicewireServer.create(config -> config.provider(provider))) {
 *   int port = server.start(0); // any free port on 127.0.0.1
 *   ...
 * }
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 * {@code create} → {@link #start(int)} (once) → {@link #stop()} / {@link #close()}. A second
 * {@code start} or a {@code stop} before {@code start} does nothing and returns -1 or false.
 *
 * <h2>Authentication modes</h2>
 * With API keys configured every request needs one (or a single-use token); without keys the
 * server is in <b>local-development mode</b>: no key is checked, and {@code start} refuses to
 * bind anything but a loopback address.
 *
 * <p>Thread safe. One instance per port; the provider is shared by all sessions and is not
 * closed by the server.
 */
public final class VoicewireServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("io.voicewire.server");

  private final String bindAddress;
  private final Services services;
  private final JettyServer jetty;
  private final String providerName;
  private final boolean demoTokens;
  private final boolean warmUp;
  private Runnable stopWarmUp = () -> {};
  private boolean started;
  private boolean stopped;

  private VoicewireServer(ServerConfig c) {
    Objects.requireNonNull(c.provider, "provider == null: call config.provider(...)");
    this.bindAddress = c.bindAddress;
    boolean dev = c.apiKeys.isEmpty();
    boolean demo = c.demoTokens != null ? c.demoTokens : dev;
    RedisConnection redis = c.redisUrl != null ? new RedisConnection(c.redisUrl) : null;
    this.services = new Services(c.provider, c.apiKeys, c.allowedOrigins, c.limits,
        c.tokenStore != null ? c.tokenStore : TokenStore.inMemory(), c.clock,
        c.random != null ? c.random : new SecureRandom(), demo, c.staticFolder,
        System::nanoTime, new Services.Shared(redis, c.maxSessionStartsPerMinutePerKey,
            c.leaseTtl));
    services.metricsAllowedFrom(c.metricsAllowedFrom);
    if (redis != null) {
      LOG.info("single-use tokens and per-key limits shared in Redis {} ({})",
          redis.describe(), redis.up() ? "up" : "not reachable yet");
    }
    this.jetty = new JettyServer(services);
    this.providerName = c.provider.name();
    this.demoTokens = demo;
    this.warmUp = c.warmUpBeforeReady;
  }

  /**
   * Creates a server configured by {@code config}; nothing is bound until {@link #start}.
   *
   * @throws NullPointerException when no provider was configured
   * @throws IllegalArgumentException for an invalid configuration value
   */
  public static VoicewireServer create(Consumer<ServerConfig> config) {
    Objects.requireNonNull(config, "config == null");
    ServerConfig c = new ServerConfig();
    config.accept(c);
    return new VoicewireServer(c);
  }

  /**
   * Binds and starts; {@code port} 0 picks a free port.
   *
   * @return the bound port, or -1 when already started or stopped
   * @throws IllegalStateException in local-development mode (no API keys) with a non-loopback
   *     bind address
   * @throws Exception when the port cannot be bound
   */
  public synchronized int start(int port) throws Exception {
    if (started || stopped) {
      return -1;
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in range [0,65535]: " + port);
    }
    boolean loopback = isLoopback(bindAddress);
    if (services.devMode() && !loopback) {
      throw new IllegalStateException("Refusing to bind " + bindAddress + " without API keys: "
          + "set " + ServerConfig.API_KEYS_ENV + " (comma-separated keys) to serve other hosts, "
          + "or bind 127.0.0.1 for local development");
    }
    if (demoTokens && !services.devMode() && !loopback) {
      throw new IllegalStateException("Refusing to serve demo tokens on " + bindAddress + ": "
          + "GET /demo/token mints tokens without a key, so with API keys configured it is "
          + "allowed only on a loopback bind address");
    }
    started = true;
    int bound = jetty.start(bindAddress, port);
    if (warmUp) {
      stopWarmUp = WarmUp.start(services, isWildcard(bindAddress) ? "127.0.0.1" : bindAddress,
          bound);
    }
    if (services.devMode()) {
      LOG.warn("voicewire server on http://{}:{} (provider {}): LOCAL DEVELOPMENT MODE, no API "
          + "keys configured, no authentication, loopback only", hostForUrl(), bound,
          providerName);
    } else {
      LOG.info("voicewire server on http://{}:{} (provider {}), API keys required{}",
          hostForUrl(), bound, providerName, demoTokens
              ? " (except GET /demo/token, which mints tokens for anyone on loopback)" : "");
    }
    return bound;
  }

  /** The bound port, or -1 when not running. */
  public int port() {
    return jetty.port();
  }

  /**
   * Whether {@code GET /readyz} answers 200: started, the provider ready, the warm-up
   * ({@link ServerConfig#warmUpBeforeReady}) ended, and not draining.
   */
  public boolean isReady() {
    synchronized (this) {
      if (!started || stopped) {
        return false;
      }
    }
    return services.ready() && !services.drain.draining();
  }

  /** Whether no API keys are configured (local-development mode). */
  public boolean isLocalDevelopmentMode() {
    return services.devMode();
  }

  /** The current metrics in the Prometheus text format (as served at {@code /metrics}). */
  public String metrics() {
    return services.metricsText();
  }

  /**
   * Drains, then stops: the graceful end of a replica behind a load balancer (what
   * {@code voicewire serve} does on SIGTERM). In order:
   * <ol>
   *   <li>{@code /readyz} answers 503 at once, so the load balancer sends no new sessions;
   *   <li>new WebSocket upgrades are refused with HTTP 503 and {@code Retry-After: 1}, which
   *       clients retry (through the load balancer, on another replica);
   *   <li>live WebSocket sessions are asked to move with close {@value Drain#SERVICE_RESTART}
   *       (service restart): a TTS socket after the audio already queued, an STT socket right
   *       after its next committed transcript; sessions still open {@link #DRAIN_CLOSE_ALLOWANCE}
   *       before the deadline (at half of a shorter deadline) are asked to move at once, which
   *       leaves them time for the close handshake;
   *   <li>the server {@link #stop() stops} when the last WebSocket session has gone and no HTTP
   *       stream is running, or at the deadline.
   * </ol>
   * The voicewire clients treat 1012 as "reconnect now, elsewhere" and resume without loss.
   * Blocks the caller for at most {@code deadline} (plus the stop).
   *
   * @return true when every session had gone before the deadline; false when some were cut, or
   *     when the server was not running
   */
  public boolean drain(Duration deadline) throws InterruptedException {
    Objects.requireNonNull(deadline, "deadline == null");
    synchronized (this) {
      if (!started || stopped) {
        return false;
      }
    }
    long start = System.nanoTime();
    long end = start + deadline.toNanos();
    long force = start + Math.max(deadline.toNanos() / 2,
        deadline.toNanos() - DRAIN_CLOSE_ALLOWANCE.toNanos());
    Drain d = services.drain;
    d.begin();
    boolean forced = false;
    boolean empty;
    while (!(empty = d.live() == 0 && services.httpStreams() == 0) && System.nanoTime() < end) {
      if (!forced && System.nanoTime() >= force) {
        forced = true;
        d.forceAll();
      }
      Thread.sleep(DRAIN_POLL_MILLIS);
    }
    LOG.info("drained in {} ms{}", (System.nanoTime() - start) / 1_000_000,
        empty ? "" : ": " + d.live() + " sessions still open at the deadline are cut");
    stop();
    return empty;
  }

  /**
   * How long before the drain deadline sessions still waiting for a boundary are asked to move
   * at once: 3 s, time for their close handshake.
   */
  public static final Duration DRAIN_CLOSE_ALLOWANCE = Duration.ofSeconds(3);
  private static final long DRAIN_POLL_MILLIS = 20;

  /** Whether {@link #drain} has begun. */
  public boolean isDraining() {
    return services.drain.draining();
  }

  /**
   * Stops the server: WebSockets close with 1001, the timer stops. Returns false when not
   * running.
   */
  public synchronized boolean stop() {
    if (!started || stopped) {
      return false;
    }
    stopped = true;
    stopWarmUp.run();
    services.stopping(); // realtime STT sessions are not parked when the server closes them
    try {
      jetty.stop();
    } catch (Exception e) {
      LOG.warn("error while stopping: {}", e.toString());
      LOG.debug("stop failure", e);
    }
    services.close();
    LOG.info("voicewire server stopped");
    return true;
  }

  /**
   * Same as {@link #stop()}; a server that was never started releases what it holds (the
   * connection to a shared Redis) and cannot be started afterwards.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (!started && !stopped) {
        stopped = true;
        services.close();
        return;
      }
    }
    stop();
  }

  private String hostForUrl() {
    return bindAddress.contains(":") ? "[" + bindAddress + "]" : bindAddress;
  }

  private static boolean isWildcard(String address) {
    try {
      return InetAddress.getByName(address).isAnyLocalAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static boolean isLoopback(String address) {
    try {
      InetAddress a = InetAddress.getByName(address);
      return a.isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
