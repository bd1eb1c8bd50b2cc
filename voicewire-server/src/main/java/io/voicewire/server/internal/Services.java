package io.voicewire.server.internal;

import io.voicewire.server.Limits;
import io.voicewire.server.TokenStore;
import io.voicewire.speech.SpeechProvider;
import java.security.SecureRandom;
import java.time.Clock;
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
  /** TTS sockets that opened without credentials and have not yet sent their first message. */
  final SessionLimiter unauthenticated;
  final ServerMetrics metrics = new ServerMetrics();
  final boolean demoTokens;
  final String staticFolder;
  final LongSupplier nanoTime;
  private final SecureRandom random;

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
    this.provider = provider;
    this.limits = limits;
    this.random = random;
    this.tokens = new Tokens(tokenStore, clock, random);
    this.auth = new Auth(apiKeys, tokens, new LoginThrottle(clock));
    this.origins = new OriginPolicy(allowedOrigins);
    this.limiter = new SessionLimiter(limits.maxSessions(), limits.maxSessionsPerKey());
    this.unauthenticated = new SessionLimiter(limits.maxUnauthenticatedSockets(),
        limits.maxUnauthenticatedSockets());
    this.demoTokens = demoTokens;
    this.staticFolder = staticFolder;
    this.nanoTime = nanoTime;
    this.timer = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "voicewire-timer");
      t.setDaemon(true);
      return t;
    });
    timer.setRemoveOnCancelPolicy(true);
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

  long now() {
    return nanoTime.getAsLong();
  }

  /** The metrics in Prometheus text format. */
  public String metricsText() {
    return metrics.toPrometheus();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
