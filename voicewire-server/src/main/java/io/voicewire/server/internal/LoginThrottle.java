package io.voicewire.server.internal;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Throttles failed logins (an invalid API key or single-use token) per client address: after
 * {@link #MAX_FAILED_LOGINS} failures within {@link #WINDOW_MILLIS}, every further attempt from
 * that address is refused, valid or not, until the window ends. At most
 * {@link #MAX_TRACKED_ADDRESSES} addresses are remembered; past that, windows that have ended are
 * dropped, and an address that still does not fit is not tracked (logged once per window).
 *
 * <p>With Redis ({@link RedisAuthLimits}) the failures are counted there, so the limit holds per
 * address across all replicas; the in-process windows below are then used only while Redis
 * cannot be reached.
 *
 * <p>Thread safe and lock-free apart from the map's own per-entry locking.
 */
final class LoginThrottle {
  private static final Logger LOG = LoggerFactory.getLogger("io.voicewire.server");

  /** Failed logins one address may make per window. */
  static final int MAX_FAILED_LOGINS = 30;
  /** The window, in milliseconds. */
  static final long WINDOW_MILLIS = 60_000;
  /** Most addresses remembered at once. */
  static final int MAX_TRACKED_ADDRESSES = 10_000;

  private record Window(long startMillis, int failures) {}

  private final Clock clock;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
  private volatile long fullLoggedAt = Long.MIN_VALUE;
  private final RedisAuthLimits shared;

  /** @param shared the throttle in Redis, or null to keep it in this process only */
  LoginThrottle(Clock clock, RedisAuthLimits shared) {
    this.clock = clock;
    this.shared = shared;
  }

  /** Null when {@code address} may try to log in, else the refusal message. */
  String refusal(String address) {
    if (address == null) {
      return null;
    }
    long waitMillis = shared == null ? RedisAuthLimits.UNREACHABLE
        : shared.loginRefusalMillis(address);
    if (waitMillis == RedisAuthLimits.UNREACHABLE) {
      long now = clock.millis();
      Window w = windows.get(address);
      if (w == null || now - w.startMillis >= WINDOW_MILLIS || w.failures < MAX_FAILED_LOGINS) {
        return null;
      }
      waitMillis = w.startMillis + WINDOW_MILLIS - now;
    }
    if (waitMillis <= 0) {
      return null;
    }
    long retry = Math.max(1, (waitMillis + 999) / 1000);
    return "Too many failed authentication attempts from this address (limit "
        + MAX_FAILED_LOGINS + " per " + WINDOW_MILLIS / 1000 + " s, MAX_FAILED_LOGINS); retry in "
        + retry + " s";
  }

  /** Counts a failed login from {@code address}. */
  void failed(String address) {
    if (address == null || shared != null && shared.loginFailed(address)) {
      return;
    }
    long now = clock.millis();
    if (windows.size() >= MAX_TRACKED_ADDRESSES && !windows.containsKey(address)) {
      windows.values().removeIf(w -> now - w.startMillis >= WINDOW_MILLIS);
      if (windows.size() >= MAX_TRACKED_ADDRESSES) {
        if (now - fullLoggedAt >= WINDOW_MILLIS) {
          fullLoggedAt = now;
          LOG.warn("failed-login throttle is tracking {} addresses (MAX_TRACKED_ADDRESSES); "
              + "new addresses are not throttled this window", MAX_TRACKED_ADDRESSES);
        }
        return;
      }
    }
    windows.compute(address, (k, w) -> w == null || now - w.startMillis >= WINDOW_MILLIS
        ? new Window(now, 1) : new Window(w.startMillis, w.failures + 1));
  }
}
