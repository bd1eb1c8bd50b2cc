package io.voicewire.client.internal.stream;

import io.voicewire.client.ReconnectPolicy;
import io.voicewire.protocol.ErrorPolicy.Retry;
import io.voicewire.speech.SpeechError;
import java.time.Duration;
import java.util.Random;

/**
 * When a stream retries after a drop, and when it gives up ({@link ReconnectPolicy}): the count
 * of failures in a row without progress (reset by a healthy or long-lived connection), the
 * give-up clock (runs only while input waits to be accepted), and 1012's one immediate retry.
 *
 * <p>Not thread safe: its {@link ConnectionSupervisor} calls it with the stream's lock held.
 */
final class ReconnectBudget {
  /**
   * What to do after a drop: give up with {@code failure}, or retry after {@code delay}
   * ({@code attempt} 0 for an immediate retry).
   */
  record Decision(SpeechError failure, int attempt, Duration delay, boolean capacity) {
    Decision(SpeechError failure, int attempt, Duration delay) {
      this(failure, attempt, delay, false);
    }
  }

  private final ReconnectPolicy policy;
  private final Random random;
  private int failures;
  private boolean progress;
  private long lastAcceptedNanos;
  private boolean lastDropWasNow;
  private long connOpenedNanos;
  /** Capacity refusals in a row, and when the first of them came. */
  private int refusals;
  private long refusedSinceNanos;

  ReconnectBudget(ReconnectPolicy policy, Random random) {
    this.policy = policy;
    this.random = random;
  }

  /** The stream starts: the give-up clock starts. */
  void started(long now) {
    lastAcceptedNanos = now;
  }

  /** A connection opened. */
  void opened(long now) {
    connOpenedNanos = now;
    progress = false;
  }

  /** The connection delivered something new: it was healthy, and input was accepted. */
  void markProgress(long now) {
    progress = true;
    lastAcceptedNanos = now;
  }

  /** The connection is healthy: the backoff starts again from its first delay after a drop. */
  void markHealthy() {
    progress = true;
  }

  /** Input was accepted, or none waits: the give-up clock starts again. */
  void markAccepted(long now) {
    lastAcceptedNanos = now;
  }

  /**
   * The connection dropped; {@code wasOpen} when it had opened. Returns whether it was healthy;
   * the count of failures starts again after a healthy or long-lived one.
   */
  boolean dropped(boolean wasOpen, long now) {
    if (progress || (wasOpen && now - connOpenedNanos >= policy.stableAfter().toNanos())) {
      failures = 0;
    }
    if (progress) {
      refusals = 0; // admitted and served: the next refusal starts a new count
    }
    boolean healthy = progress;
    progress = false;
    return healthy;
  }

  /**
   * The decision after a retryable drop ({@link #dropped} first); {@code awaiting} when input
   * waits to be accepted (else the give-up clock does not run).
   */
  Decision decide(Failure f, boolean healthy, boolean awaiting, long now) {
    if (!awaiting) {
      lastAcceptedNanos = now;
    }
    if (f.retry() == Retry.LATER && policy.maxAttempts() > 0) {
      return capacity(f, now);
    }
    long idle = now - lastAcceptedNanos;
    if (policy.maxAttempts() > 0 && idle > policy.giveUpAfter().toNanos()) {
      return new Decision(new SpeechError(f.error().code(), "gave up after " + idle / 1_000_000
          + " ms of reconnecting without any input accepted (limit "
          + policy.giveUpAfter().toMillis() + " ms); last error: " + f.error().message()), 0,
          Duration.ZERO);
    }
    // 1012: the server asks us to move now (a replica is drained); once in a row, else back off
    boolean immediate = f.retry() == Retry.NOW && (healthy || !lastDropWasNow)
        && policy.maxAttempts() > 0;
    lastDropWasNow = immediate;
    if (immediate) {
      return new Decision(null, 0, Duration.ZERO);
    }
    failures++;
    if (failures > policy.maxAttempts()) {
      String msg = policy.maxAttempts() == 0
          ? "connection lost and reconnecting is disabled: " + f.error().message()
          : "gave up after " + policy.maxAttempts()
              + " reconnect attempts in a row without progress; last error: "
              + f.error().message();
      return new Decision(new SpeechError(f.error().code(), msg), 0, Duration.ZERO);
    }
    return new Decision(null, failures, policy.delay(failures, random.nextDouble()));
  }

  /**
   * A capacity refusal: retried after {@link ReconnectPolicy#capacityDelay}, not counted as a
   * failed attempt; the stream gives up once refused for
   * {@link ReconnectPolicy#capacityGiveUpAfter()} in a row.
   */
  private Decision capacity(Failure f, long now) {
    if (refusals == 0) {
      refusedSinceNanos = now;
    }
    long refusedFor = now - refusedSinceNanos;
    if (refusedFor > policy.capacityGiveUpAfter().toNanos()) {
      return new Decision(new SpeechError(f.error().code(), "gave up after " + (refusals + 1)
          + " capacity refusals in " + refusedFor / 1_000_000 + " ms (limit "
          + policy.capacityGiveUpAfter().toMillis() + " ms); last error: "
          + f.error().message()), 0, Duration.ZERO, true);
    }
    refusals++;
    lastAcceptedNanos = now; // the give-up clock of failures does not also run meanwhile
    lastDropWasNow = false;
    return new Decision(null, refusals, ReconnectPolicy.capacityDelay(refusals,
        random.nextDouble()), true);
  }
}
