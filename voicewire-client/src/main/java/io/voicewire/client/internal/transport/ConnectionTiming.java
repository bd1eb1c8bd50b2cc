package io.voicewire.client.internal.transport;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/**
 * The clock and timers every connection of a {@link Connector} runs on, whichever the transport.
 *
 * @param scheduler runs heartbeats, close timeouts and failure reports
 * @param connectTimeout TCP and WebSocket handshake timeout
 * @param pingIntervalMillis heartbeat interval; 0 disables it
 * @param closeTimeoutMillis how long a graceful close waits for the peer's close frame (and
 *     {@link Connector#awaitClosing} for the connections closing)
 * @param nanoClock monotonic nanoseconds: ping payloads and their round trips
 */
public record ConnectionTiming(ScheduledExecutorService scheduler, Duration connectTimeout,
    long pingIntervalMillis, long closeTimeoutMillis, LongSupplier nanoClock) {
  /** Checks the arguments. */
  public ConnectionTiming {
    Objects.requireNonNull(scheduler, "scheduler == null");
    Objects.requireNonNull(connectTimeout, "connectTimeout == null");
    Objects.requireNonNull(nanoClock, "nanoClock == null");
    if (pingIntervalMillis < 0 || closeTimeoutMillis < 0) {
      throw new IllegalArgumentException("negative interval: ping " + pingIntervalMillis
          + " ms, close timeout " + closeTimeoutMillis + " ms");
    }
  }

  /** Monotonic nanoseconds now. */
  long nanos() {
    return nanoClock.getAsLong();
  }
}
