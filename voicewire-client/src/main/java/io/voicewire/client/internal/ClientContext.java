package io.voicewire.client.internal;

import io.voicewire.client.ReconnectPolicy;
import io.voicewire.client.TokenSupplier;
import io.voicewire.client.internal.transport.Connector;
import java.net.URI;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/**
 * What every stream of one client shares: where to connect, credentials, threads, clock,
 * randomness and timeouts. Immutable.
 *
 * @param baseUrl the HTTP base URL, e.g. {@code https://api.elevenlabs.io}
 * @param apiKey the API key sent as {@code xi-api-key}, or null
 * @param tokenSupplier asked for a fresh single-use token per connection, or null
 * @param connector opens WebSocket connections
 * @param scheduler timers: retries, keep-alives, timeouts
 * @param callbackExecutor runs listener callbacks (through each stream's {@link Dispatcher})
 * @param blockingExecutor runs work that may block (token fetches)
 * @param random jitter
 * @param nanoClock monotonic time
 * @param reconnectPolicy backoff and attempt limits
 * @param finishTimeout after end of input, the longest wait for the next message
 * @param ttsInactivityTimeout the {@code inactivity_timeout} asked of TTS servers
 * @param sttKeepAlive an empty audio chunk is sent when no audio was sent for this long
 * @param sttReplayLimit audio kept for replay after a drop
 * @param contextWaitTimeout longest wait for a free multi-context slot
 * @param sttResumable STT streams ask the server for resumable sessions (the voicewire
 *     extension; decided from the client's {@code SttResumeMode} mode and {@code baseUrl})
 */
public record ClientContext(
    URI baseUrl,
    String apiKey,
    TokenSupplier tokenSupplier,
    Connector connector,
    ScheduledExecutorService scheduler,
    Executor callbackExecutor,
    Executor blockingExecutor,
    Random random,
    LongSupplier nanoClock,
    ReconnectPolicy reconnectPolicy,
    Duration finishTimeout,
    Duration ttsInactivityTimeout,
    Duration sttKeepAlive,
    Duration sttReplayLimit,
    Duration contextWaitTimeout,
    boolean sttResumable) {

  /** The TTS keep-alive interval: 40 % of the inactivity timeout. */
  public long ttsKeepAliveNanos() {
    return ttsInactivityTimeout.toNanos() * 2 / 5;
  }

  /** The inactivity timeout in whole seconds, clamped to the protocol's [1,180]. */
  public int ttsInactivityTimeoutSecs() {
    long s = Math.max(1, ttsInactivityTimeout.toSeconds());
    return (int) Math.min(180, s);
  }
}
