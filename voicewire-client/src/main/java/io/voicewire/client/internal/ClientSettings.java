package io.voicewire.client.internal;

import io.voicewire.client.ReconnectPolicy;
import io.voicewire.client.SttResumeMode;
import io.voicewire.client.TokenSupplier;
import io.voicewire.client.VoiceClient;
import io.voicewire.client.internal.transport.Connector;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/**
 * The mutable settings behind a {@code VoiceClient.Builder}: the defaults, the copy of a built
 * client's {@link ClientConfig} ({@code newBuilder()}), the checks whose messages users see, and
 * the freezing into a {@link ClientConfig} ({@code build()}). The builder's setters write the
 * fields; each field means what the {@link ClientConfig} component of the same name means.
 *
 * <p>Not thread safe, like the builder that owns it.
 */
public final class ClientSettings {
  public URI baseUrl = URI.create(VoiceClient.ELEVENLABS);
  public String apiKey;
  public TokenSupplier tokenSupplier;
  public Duration connectTimeout = Duration.ofSeconds(10);
  public Duration requestTimeout = Duration.ofSeconds(60);
  public Duration pingInterval = Duration.ofSeconds(10);
  public Duration closeTimeout = Duration.ofMillis(VoiceClient.CANCEL_AFTER_CLOSE_MILLIS);
  public Duration finishTimeout = Duration.ofSeconds(30);
  public Duration ttsInactivityTimeout = Duration.ofSeconds(20);
  public Duration sttKeepAlive = Duration.ofSeconds(5);
  public Duration sttReplayLimit = VoiceClient.DEFAULT_STT_REPLAY_LIMIT;
  public Duration contextWaitTimeout = Duration.ofSeconds(10);
  public ReconnectPolicy reconnectPolicy = ReconnectPolicy.DEFAULT;
  public ScheduledExecutorService scheduler;
  public Executor callbackExecutor;
  public HttpClient httpClient;
  public Random random = new Random();
  public LongSupplier nanoClock = System::nanoTime;
  public Connector connector;
  /** True for Jetty's WebSocket client, false for the JDK's. */
  public boolean jetty;
  /** Null until set: then {@link SttResumeMode#defaultMode()} at build time. */
  public SttResumeMode sttResume;
  /** On the Jetty transport: frames read on the selector threads ({@link ClientConfig}). */
  public boolean inlineReads;

  /** The defaults (ElevenLabs, no credentials). */
  public ClientSettings() {}

  /** The settings of {@code c}. */
  public ClientSettings(ClientConfig c) {
    baseUrl = c.baseUrl();
    apiKey = c.apiKey();
    tokenSupplier = c.tokenSupplier();
    connectTimeout = c.connectTimeout();
    requestTimeout = c.requestTimeout();
    pingInterval = c.pingInterval();
    closeTimeout = c.closeTimeout();
    finishTimeout = c.finishTimeout();
    ttsInactivityTimeout = c.ttsInactivityTimeout();
    sttKeepAlive = c.sttKeepAlive();
    sttReplayLimit = c.sttReplayLimit();
    contextWaitTimeout = c.contextWaitTimeout();
    reconnectPolicy = c.reconnectPolicy();
    scheduler = c.scheduler();
    callbackExecutor = c.callbackExecutor();
    httpClient = c.httpClient();
    random = c.random();
    nanoClock = c.nanoClock();
    connector = c.connector();
    jetty = c.jetty();
    inlineReads = c.inlineReads();
    sttResume = c.sttResume();
  }

  /** The settings frozen, for a new client. */
  public ClientConfig freeze() {
    return new ClientConfig(baseUrl, apiKey, tokenSupplier, connectTimeout, requestTimeout,
        pingInterval, closeTimeout, finishTimeout, ttsInactivityTimeout, sttKeepAlive,
        sttReplayLimit, contextWaitTimeout, reconnectPolicy, scheduler, callbackExecutor,
        httpClient, random, nanoClock, connector, jetty,
        sttResume != null ? sttResume : SttResumeMode.defaultMode(), inlineReads);
  }

  /** {@code url} as a URI, when it is an http or https URL with a host; else an exception. */
  public static URI httpUrl(String url) {
    Objects.requireNonNull(url, "url == null");
    URI u = URI.create(url);
    if (u.getScheme() == null || u.getHost() == null
        || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
      throw new IllegalArgumentException("baseUrl must be an http or https URL: " + url);
    }
    return u;
  }

  /** {@code d}, when it is zero or positive; else an exception naming {@code name}. */
  public static Duration notNegative(Duration d, String name) {
    Objects.requireNonNull(d, name + " == null");
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " < 0: " + d);
    }
    return d;
  }

  /** {@code d}, when it is a valid TTS {@code inactivity_timeout} (1–180 s); else an exception. */
  public static Duration ttsInactivity(Duration d) {
    ClientConfig.positive(d, "ttsInactivityTimeout");
    if (d.toSeconds() < 1 || d.toSeconds() > 180) {
      throw new IllegalArgumentException("ttsInactivityTimeout must be in range [1s,180s]: " + d);
    }
    return d;
  }
}
