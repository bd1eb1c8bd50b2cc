// Reconnect policy: capped exponential backoff with jitter, and "give up loudly".
// Pure; the random source is injected so tests are deterministic.

/** First retry delay. */
export const INITIAL_BACKOFF_MILLIS = 250;
/** Largest delay between attempts. */
export const MAX_BACKOFF_MILLIS = 8000;
/** Attempts in a row (without a stable connection in between) before giving up. */
export const MAX_ATTEMPTS = 8;
/** A connection that stayed open this long resets the attempt count. */
export const STABLE_CONNECTION_MILLIS = 5000;
/** First retry delay after a capacity refusal (errors.json retry class `later`). */
export const CAPACITY_INITIAL_MILLIS = 1000;
/** Largest delay between retries after capacity refusals. */
export const CAPACITY_MAX_MILLIS = 30000;
/** Capacity refusals in a row for this long (from the first) fail the session. */
export const CAPACITY_GIVE_UP_AFTER_MILLIS = 120000;

/**
 * The delay before the retry after the `refusal`-th capacity refusal in a row (1-based):
 * 1 s doubling to 30 s, "equal jitter" (half fixed, half random) so that clients refused
 * together do not come back together. Capacity refusals (`resource_exhausted`, `rate_limited`,
 * close 1013, HTTP 429) do not count as attempts: the server is up and the request is fine.
 */
export function capacityDelay(refusal, random = Math.random) {
  if (!(refusal >= 1)) throw new RangeError('refusal must be >= 1: ' + refusal);
  const exp = Math.min(CAPACITY_MAX_MILLIS, CAPACITY_INITIAL_MILLIS * 2 ** Math.min(refusal - 1, 30));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/**
 * Backoff state for one logical session.
 *
 *     const b = new Backoff({random: Math.random});
 *     const d = b.next();      // delay before the next attempt, or -1 when it is time to give up
 *     b.connected(nowMs); b.disconnected(nowMs);
 */
export class Backoff {
  constructor({
    initialMillis = INITIAL_BACKOFF_MILLIS,
    maxMillis = MAX_BACKOFF_MILLIS,
    maxAttempts = MAX_ATTEMPTS,
    stableMillis = STABLE_CONNECTION_MILLIS,
    random = Math.random,
  } = {}) {
    if (!(initialMillis > 0)) throw new RangeError('initialMillis must be > 0: ' + initialMillis);
    if (!(maxMillis >= initialMillis)) throw new RangeError('maxMillis must be >= initialMillis: ' + maxMillis);
    if (!(maxAttempts >= 1)) throw new RangeError('maxAttempts must be >= 1: ' + maxAttempts);
    this.initialMillis = initialMillis;
    this.maxMillis = maxMillis;
    this.maxAttempts = maxAttempts;
    this.stableMillis = stableMillis;
    this.random = random;
    this.attempt = 0;
    this.openedAt = -1;
  }

  /**
   * The delay before the next reconnect attempt ("equal jitter": half fixed, half random, so
   * a crowd of clients does not reconnect in lock step), or -1 once `maxAttempts` attempts in a
   * row have failed. Increments the attempt count.
   */
  next() {
    if (this.attempt >= this.maxAttempts) return -1;
    this.attempt++;
    const exp = Math.min(this.maxMillis, this.initialMillis * 2 ** (this.attempt - 1));
    return Math.round(exp / 2 + this.random() * (exp / 2));
  }

  /** Records that a connection opened. */
  connected(nowMs) {
    this.openedAt = nowMs;
  }

  /** Records that a connection ended; a stable one resets the attempt count. */
  disconnected(nowMs) {
    if (this.openedAt >= 0 && nowMs - this.openedAt >= this.stableMillis) this.attempt = 0;
    this.openedAt = -1;
  }

  /** Resets the attempt count (after useful progress, e.g. a final result). */
  reset() {
    this.attempt = 0;
  }
}
