package io.voicewire.client.internal;

import io.voicewire.client.ReconnectPolicy;
import io.voicewire.client.SttResumeMode;
import io.voicewire.client.TokenSupplier;
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
 * The settings of one {@code VoiceClient}, frozen by its builder's {@code build()} and read back
 * by {@code newBuilder()}. Immutable; the values were validated by the builder's setters (the
 * messages users see), and the compact constructor checks only that the required ones are set.
 *
 * @param baseUrl the HTTP base URL
 * @param apiKey the API key, or null
 * @param tokenSupplier asked for a single-use token per connection, or null
 * @param connectTimeout TCP + WebSocket handshake timeout
 * @param requestTimeout HTTP request timeout (until the response starts)
 * @param pingInterval WebSocket heartbeat; zero disables it
 * @param closeTimeout graceful-close wait for the peer's close frame
 * @param finishTimeout after end of input, the longest wait for the next message
 * @param ttsInactivityTimeout the {@code inactivity_timeout} asked of TTS servers
 * @param sttKeepAlive an empty audio chunk after this long without audio
 * @param sttReplayLimit STT audio kept for replay after a drop
 * @param contextWaitTimeout longest wait for a free multi-context slot
 * @param reconnectPolicy backoff and limits of reconnection
 * @param scheduler timers given by the caller (not shut down by the client), or null
 * @param callbackExecutor runs listener callbacks, or null for virtual threads
 * @param httpClient an HTTP client given by the caller (not closed by the client), or null
 * @param random backoff jitter
 * @param nanoClock monotonic time
 * @param connector a test transport, or null
 * @param jetty true for Jetty's WebSocket client, false for the JDK's
 * @param sttResume whether STT streams resume server sessions by id (the voicewire extension)
 * @param inlineReads on the Jetty transport, read WebSocket frames on the selector threads (for
 *     a relay's upstream client, whose listeners never block)
 */
public record ClientConfig(
    URI baseUrl,
    String apiKey,
    TokenSupplier tokenSupplier,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration pingInterval,
    Duration closeTimeout,
    Duration finishTimeout,
    Duration ttsInactivityTimeout,
    Duration sttKeepAlive,
    Duration sttReplayLimit,
    Duration contextWaitTimeout,
    ReconnectPolicy reconnectPolicy,
    ScheduledExecutorService scheduler,
    Executor callbackExecutor,
    HttpClient httpClient,
    Random random,
    LongSupplier nanoClock,
    Connector connector,
    boolean jetty,
    SttResumeMode sttResume,
    boolean inlineReads) {

  public ClientConfig {
    Objects.requireNonNull(baseUrl, "baseUrl == null");
    Objects.requireNonNull(sttResume, "sttResume == null");
    Objects.requireNonNull(reconnectPolicy, "reconnectPolicy == null");
    Objects.requireNonNull(random, "random == null");
    Objects.requireNonNull(nanoClock, "nanoClock == null");
  }

  /**
   * The settings with {@link SttResumeMode#defaultMode()} for {@code sttResume} and no inline
   * reads.
   */
  public ClientConfig(URI baseUrl, String apiKey, TokenSupplier tokenSupplier,
      Duration connectTimeout, Duration requestTimeout, Duration pingInterval,
      Duration closeTimeout, Duration finishTimeout, Duration ttsInactivityTimeout,
      Duration sttKeepAlive, Duration sttReplayLimit, Duration contextWaitTimeout,
      ReconnectPolicy reconnectPolicy, ScheduledExecutorService scheduler,
      Executor callbackExecutor, HttpClient httpClient, Random random, LongSupplier nanoClock,
      Connector connector, boolean jetty) {
    this(baseUrl, apiKey, tokenSupplier, connectTimeout, requestTimeout, pingInterval,
        closeTimeout, finishTimeout, ttsInactivityTimeout, sttKeepAlive, sttReplayLimit,
        contextWaitTimeout, reconnectPolicy, scheduler, callbackExecutor, httpClient, random,
        nanoClock, connector, jetty, SttResumeMode.defaultMode(), false);
  }

  /** {@code d}, when it is a positive duration; else an exception naming {@code name}. */
  public static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name + " == null");
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " <= 0: " + d);
    }
    return d;
  }
}
