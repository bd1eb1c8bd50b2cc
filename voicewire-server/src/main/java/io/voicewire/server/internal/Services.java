package io.voicewire.server.internal;

import io.voicewire.server.Limits;
import io.voicewire.server.TokenStore;
import io.voicewire.speech.SpeechProvider;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What every endpoint shares: the provider, auth and tokens, limits, metrics and the one timer
 * thread. Created once per server; thread safe.
 */
public final class Services implements AutoCloseable {
  final SpeechProvider provider;
  final Limits limits;
  final Tokens tokens;
  final Auth auth;
  final OriginPolicy origins;
  final SessionLimiter limiter;
  /** Per-key inbound budgets of the WebSockets (bytes and handling CPU per second). */
  final InboundBudget inbound;
  /** TTS sockets that opened without credentials and have not yet sent their first message. */
  final SessionLimiter unauthenticated;
  final ServerMetrics metrics = new ServerMetrics();
  /** The resumable realtime STT sessions by id (docs/stt-resume.md). */
  final SttSessions sttSessions = new SttSessions(metrics.registry());
  /** The graceful drain: live sockets register here. */
  public final Drain drain = new Drain();
  /** The Redis replicas share, or null when tokens and limits are in this process's memory. */
  final RedisConnection redis;
  /** The failed-login throttle and mint budgets in Redis, or null without Redis. */
  final RedisAuthLimits authLimits;
  final KeyLeases leases;
  final boolean demoTokens;
  final String staticFolder;
  final LongSupplier nanoTime;
  private final SecureRandom random;
  /** False while the server's warm-up runs ({@link WarmUp}): it is not ready until it ends. */
  volatile boolean warm = true;

  /**
   * The one scheduler for protocol timers (inactivity, session time limit, drain deadlines,
   * pings). Its tasks only flip state and hand messages to sockets; they never block.
   */
  final ScheduledThreadPoolExecutor timer;

  /**
   * @param demoTokens whether {@code GET /demo/token/{type}} mints tokens without a key
   * @param nanoTime the monotonic clock of timers and latencies ({@code System::nanoTime})
   */
  public Services(SpeechProvider provider, List<String> apiKeys, List<String> allowedOrigins,
      Limits limits, TokenStore tokenStore, Clock clock, SecureRandom random, boolean demoTokens,
      String staticFolder, LongSupplier nanoTime) {
    this(provider, apiKeys, allowedOrigins, limits, tokenStore, clock, random, demoTokens,
        staticFolder, nanoTime, new Shared(null, Integer.MAX_VALUE, null));
  }

  /**
   * What replicas share.
   *
   * @param redis the Redis of tokens and per-key leases, or null for this process's memory
   * @param maxStartsPerMinutePerKey session starts per key per minute ({@link Integer#MAX_VALUE}
   *     is no limit)
   * @param leaseTtl how long a lease outlives a replica that stopped renewing it (null: the
   *     default)
   */
  public record Shared(RedisConnection redis, int maxStartsPerMinutePerKey, Duration leaseTtl) {}

  /** Who may read {@code /metrics}: null is anyone. Set once before the server starts. */
  volatile AddressFilter metricsAccess;

  /** Sets who may read {@code /metrics} (addresses and CIDR blocks); null is anyone. */
  public void metricsAllowedFrom(List<String> addresses) {
    metricsAccess = AddressFilter.parse(addresses);
  }

  /** Validates a list for {@link #metricsAllowedFrom}. */
  public static void checkAddresses(List<String> addresses) {
    AddressFilter.parse(addresses);
  }

  /**
   * @param tokenStore where tokens live; ignored when {@code shared} has a Redis
   */
  public Services(SpeechProvider provider, List<String> apiKeys, List<String> allowedOrigins,
      Limits limits, TokenStore tokenStore, Clock clock, SecureRandom random, boolean demoTokens,
      String staticFolder, LongSupplier nanoTime, Shared shared) {
    this.provider = provider;
    this.limits = limits;
    this.random = random;
    this.redis = shared.redis();
    this.authLimits = redis != null ? new RedisAuthLimits(redis, MintBudget.Limits.DEFAULT,
        Tokens.TOKEN_TTL.toMillis(), random) : null;
    this.tokens = new Tokens(redis != null ? new RedisTokenStore(redis, clock) : tokenStore,
        clock, random, authLimits);
    this.auth = new Auth(apiKeys, tokens, new LoginThrottle(clock, authLimits));
    this.origins = new OriginPolicy(allowedOrigins);
    this.leases = redis != null
        ? new RedisKeyLeases(redis, limits.maxSessionsPerKey(), shared.maxStartsPerMinutePerKey(),
            shared.leaseTtl() != null ? shared.leaseTtl() : RedisKeyLeases.DEFAULT_LEASE_TTL,
            random)
        : new LocalKeyLeases(shared.maxStartsPerMinutePerKey(), clock::millis);
    this.limiter = new SessionLimiter(limits.maxSessions(), limits.maxSessionsPerKey(), leases);
    this.unauthenticated = new SessionLimiter(limits.maxUnauthenticatedSockets(),
        limits.maxUnauthenticatedSockets());
    this.demoTokens = demoTokens;
    this.staticFolder = staticFolder;
    this.nanoTime = nanoTime;
    this.inbound = new InboundBudget(limits.inboundBytesPerSecondPerKey(),
        limits.inboundCpuPerSecondPerKey().toNanos(), limits.inboundBytesPerSecondPerSession(),
        limits.inboundCpuPerSecondPerSession().toNanos(), nanoTime);
    this.timer = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "voicewire-timer");
      t.setDaemon(true);
      return t;
    });
    timer.setRemoveOnCancelPolicy(true);
    ReplicaMetrics.register(this, metrics.registry());
  }

  /**
   * Whether the server is ready for sessions: the provider is, and the warm-up (if any) has
   * ended. Draining is not counted here.
   */
  public boolean ready() {
    return warm && provider.isReady();
  }

  /** Whether no API keys are configured. */
  public boolean devMode() {
    return auth.devMode();
  }

  /** A short random id for logs, e.g. {@code 3f9a1c2e}. */
  String newId() {
    byte[] b = new byte[4];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** A realtime STT session id: 128 random bits in hex (unguessable; names a resumable session). */
  String newSessionId() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /**
   * The server is about to stop (before its sockets close): realtime STT sessions are no longer
   * parked, and those parked end now.
   */
  public void stopping() {
    sttSessions.stop();
  }

  long now() {
    return nanoTime.getAsLong();
  }

  /** The metrics in Prometheus text format. */
  public String metricsText() {
    return metrics.toPrometheus();
  }

  /** HTTP streams (HTTP text to speech, batch speech to text) running now. */
  public int httpStreams() {
    return metrics.active(SessionKind.TTS_HTTP) + metrics.active(SessionKind.STT_BATCH);
  }

  /** Whether the shared Redis answers; true when there is none. */
  public boolean redisUp() {
    return redis == null || redis.up();
  }

  @Override
  public void close() {
    leases.close();
    if (redis != null) {
      redis.close();
    }
    timer.shutdownNow();
    try {
      timer.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
