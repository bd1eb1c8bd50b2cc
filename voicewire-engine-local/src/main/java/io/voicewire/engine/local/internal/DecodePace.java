package io.voicewire.engine.local.internal;

import java.util.function.LongSupplier;

/**
 * Whether a session's decoding is <em>urgent</em>: within real time, so that someone is waiting
 * for its words as they are spoken. A token bucket of audio time: it holds at most {@link
 * #BURST_MILLIS} and refills at {@link #RATE} ms of audio per ms of wall clock; the decoder
 * takes from it the audio it reads. A stream sent at real time never empties it (it refills
 * faster than the stream drains it), nor does the catch-up after a pause of up to the burst (a
 * network stall, a reconnect's replay). A stream sent faster than that (a file through the
 * realtime API, a flood of speech bursts) empties it and is then decoded only as fast as it
 * refills, plus whatever the decoder has to spare.
 *
 * <p>The model set's turns ({@link ModelTurns}) go by {@link Urgency}: a stream whose bucket is
 * nearly full (keeping to real time) before one catching up on what it used of its burst, and
 * that before one ahead of real time; a holder lets go of the models at its next audio read as
 * soon as a more urgent lane waits ({@link ModelSet.SliceStream}). A flood that earns a little
 * credit back while it waits is only catching up, so it never holds a real-time lane for a
 * slice.
 * So a tenant's stream that keeps to real time is decoded as if alone on its set's core, however
 * much audio other streams pour in beside it, and nothing is refused or dropped for that: the
 * faster streams only fall behind, until their sessions' queues fill and the server stops
 * reading them (uplink backpressure).
 *
 * <p>Thread safe: the lanes that decode a session's passes in turn share it.
 */
final class DecodePace {
  /** Most audio credit a session holds: the catch-up decoded as urgent after a pause. */
  static final long BURST_MILLIS = 5_000;
  /**
   * Audio ms credited per wall-clock ms: above 1, so that a real-time stream whose chunks
   * arrive unevenly stays urgent.
   */
  static final double RATE = 1.25;

  /**
   * How much of its burst a stream may have used and still count as {@link
   * Urgency#REAL_TIME}: more than the jitter of a real-time stream's chunks, less than a
   * catch-up after a stall.
   */
  static final long REAL_TIME_SLACK_MILLIS = 1_000;

  /** How urgent a session's decoding is, least urgent first. */
  enum Urgency {
    /** Ahead of real time: its credit is used up (a flood, a file sent at once). */
    AHEAD,
    /** Catching up: it has used more than {@link #REAL_TIME_SLACK_MILLIS} of its burst. */
    CATCHING_UP,
    /** Keeping to real time: its bucket is (nearly) full. */
    REAL_TIME;

    /** Whether it counts as real-time load ({@link ModelTurns#realTimeShare()}). */
    boolean urgent() {
      return this != AHEAD;
    }
  }

  /** A pace that is always urgent (warm-up decoding). */
  static final DecodePace UNLIMITED = new DecodePace(null);

  private final LongSupplier nanoClock;
  private double creditMillis = BURST_MILLIS; // guarded by this
  private long atNanos; // guarded by this

  /** @param nanoClock the wall clock; null for {@link #UNLIMITED} */
  DecodePace(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.atNanos = nanoClock == null ? 0 : nanoClock.getAsLong();
  }

  /** Whether the session's decoding is within real time (its credit is not used up). */
  boolean urgent() {
    return urgency().urgent();
  }

  /** How urgent the session's decoding is now, by its credit. */
  Urgency urgency() {
    if (nanoClock == null) {
      return Urgency.REAL_TIME;
    }
    double c = credit();
    return c >= BURST_MILLIS - REAL_TIME_SLACK_MILLIS ? Urgency.REAL_TIME
        : c > 0 ? Urgency.CATCHING_UP : Urgency.AHEAD;
  }

  private synchronized double credit() {
    refill();
    return creditMillis;
  }

  /** The decoder read {@code bytes} of the session's 16 kHz audio. */
  void took(int bytes) {
    if (nanoClock != null) {
      charge(bytes);
    }
  }

  private synchronized void charge(int bytes) {
    refill();
    // no debt: a stream that slows down to real time is urgent again at once
    creditMillis = Math.max(0, creditMillis - bytes / (DecoderPool.SAMPLE_RATE * 2 / 1000.0));
  }

  private void refill() {
    long now = nanoClock.getAsLong();
    if (now > atNanos) {
      creditMillis = Math.min(BURST_MILLIS, creditMillis + (now - atNanos) / 1e6 * RATE);
      atNanos = now;
    }
  }
}
