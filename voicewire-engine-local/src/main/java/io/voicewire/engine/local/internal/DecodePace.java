package io.voicewire.engine.local.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Whether a session's decoding is <em>urgent</em>: within real time, so that someone is waiting
 * for its words as they are spoken. Two token buckets of audio time, each holding at most {@link
 * #BURST_MILLIS} and refilled at {@link #RATE} ms of audio per ms of wall clock:
 * <ul>
 *   <li>the <em>sending</em> bucket, from which the session takes the audio its client sends
 *       ({@link #received}): it says how urgent the session is ({@link #urgency()}). A stream
 *       sent at real time never empties it (it refills faster than the stream drains it), nor
 *       does a pause of up to the burst (a network stall, a reconnect's replay). A stream sent
 *       faster than that (a file through the realtime API, a flood of speech bursts) empties it.
 *       It is what the client sends that counts, not what its decoder reads: a real-time stream
 *       whose decoding fell behind (it waited for the models beside a flood) stays urgent while
 *       its decoder catches up, and a flood decoded slowly is not mistaken for real time
 *       (issue #10: a canary's commit waited 4.4 s for turns at "catching up" while two flooding
 *       lanes, decoded at about 1.5 times real time, held theirs at "real time");</li>
 *   <li>the <em>decoding</em> bucket, from which the decoder takes the audio it reads ({@link
 *       #took}): a session that is not sending at real time is held back when it is empty
 *       ({@link #holdsBack()}), so that it is then decoded only as fast as it refills, plus
 *       whatever the decoder has to spare.</li>
 * </ul>
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
    REAL_TIME,
    /**
     * Keeping to real time, and its pass has ended ({@link AudioPipe#finishing()}): a commit (or
     * the end of speech) waits for its last audio, so it goes before every other lane's next
     * slice. A session ahead of real time never gets here ({@link #of}).
     */
    FINISHING;

    /**
     * The urgency of a lane decoding {@code pipe} for a session of {@code pace}: the session's
     * own ({@link DecodePace#urgency()}), raised to {@link #FINISHING} when it keeps to real time
     * and the pass has ended.
     */
    static Urgency of(DecodePace pace, AudioPipe pipe) {
      Urgency u = pace.urgency();
      return u == REAL_TIME && pipe.finishing() ? FINISHING : u;
    }

    /** Whether it counts as real-time load ({@link ModelTurns#realTimeShare()}). */
    boolean urgent() {
      return this != AHEAD;
    }
  }

  /**
   * Audio a session held back ({@link #holdsBack()}) waits to be credited before it decodes
   * again: its lane takes the models for this much audio at a time, not for each read.
   */
  static final long HELD_BACK_QUANTUM_MILLIS = 200;
  /**
   * Credit below which a session is held back ({@link #holdsBack()}): one audio read of the
   * decoder (20 ms). A bucket refills between two reads, so "none at all" would never hold.
   */
  static final long HELD_BACK_BELOW_MILLIS = 20;

  /**
   * How long after its last speech (audio taken into a pass, or read by its decoder) a session
   * counts as speaking, which holds another tenant's decoding ahead of real time back
   * ({@link #holdsBack()}): long enough to cover the decoding and commit after an utterance and a
   * short pause before the next one.
   */
  static final long SPOKE_WITHIN_MILLIS = 2_000;

  /** A pace that is always urgent (warm-up decoding). */
  static final DecodePace UNLIMITED = new DecodePace(null, () -> false);

  /**
   * How long after the session last refused audio for lack of room ({@link #backpressured()})
   * its client counts as sending ahead of real time, whatever its sending bucket says: the server
   * offers a held chunk again every 20 ms, so a session whose uplink is held stays ahead.
   */
  static final long BACKPRESSURED_WITHIN_MILLIS = 1_000;

  /** Longest sleep of a held-back session before it checks again whether it is still held. */
  static final long HELD_BACK_CHECK_MILLIS = 50;

  private final LongSupplier nanoClock;
  private final BooleanSupplier othersSpeaking;
  private final HeldBackGrants grants;
  private double creditMillis; // the decoding bucket, guarded by this
  /**
   * What is left of the grant a held-back session decodes now ({@link #awaitCredit}), or NaN
   * when it is not on a grant. Guarded by this.
   */
  private double grantLeftMillis = Double.NaN;
  private double sentCreditMillis; // the sending bucket, guarded by this
  private long atNanos; // guarded by this
  private double takenMillis; // guarded by this
  /** What the session's passes waited for: a lane, turns on the models, credit (ns). */
  private final LongAdder laneWait = new LongAdder();
  private final LongAdder turnWait = new LongAdder();
  private final LongAdder heldBack = new LongAdder();
  /** When the session last refused audio for lack of room (nanoClock); read without the lock. */
  private volatile long backpressuredNanos;
  /** When the session last had speech (nanoClock); read without the lock. */
  private volatile long spokeNanos;

  /** A full bucket: {@link #BURST_MILLIS} of credit. */
  DecodePace(LongSupplier nanoClock, BooleanSupplier othersSpeaking) {
    this(nanoClock, 0, othersSpeaking);
  }

  /**
   * @param nanoClock the wall clock; null for {@link #UNLIMITED}
   * @param owedMillis credit the bucket starts without: what the tenant's ended sessions still
   *     owe ({@link PaceLedger}), so that a reconnect does not refill the burst
   * @param othersSpeaking whether another tenant's STT session is speaking now
   */
  DecodePace(LongSupplier nanoClock, double owedMillis, BooleanSupplier othersSpeaking) {
    this(nanoClock, owedMillis, othersSpeaking,
        nanoClock == null ? null : new HeldBackGrants(nanoClock));
  }

  /**
   * @param nanoClock the wall clock; null for {@link #UNLIMITED}
   * @param owedMillis credit the bucket starts without: what the tenant's ended sessions still
   *     owe ({@link PaceLedger}), so that a reconnect does not refill the burst
   * @param othersSpeaking whether another tenant's STT session is speaking now
   * @param grants what the tenant's held-back sessions share ({@link #awaitCredit()})
   */
  DecodePace(LongSupplier nanoClock, double owedMillis, BooleanSupplier othersSpeaking,
      HeldBackGrants grants) {
    this.nanoClock = nanoClock;
    this.othersSpeaking = othersSpeaking;
    this.grants = grants;
    this.atNanos = nanoClock == null ? 0 : nanoClock.getAsLong();
    this.creditMillis = BURST_MILLIS - Math.max(0, Math.min(BURST_MILLIS, owedMillis));
    this.sentCreditMillis = creditMillis;
    this.spokeNanos = atNanos - TimeUnit.MILLISECONDS.toNanos(SPOKE_WITHIN_MILLIS);
    this.backpressuredNanos = atNanos - TimeUnit.MILLISECONDS.toNanos(BACKPRESSURED_WITHIN_MILLIS);
  }

  /** The session took speech into a pass now. */
  void spoke() {
    if (nanoClock != null) {
      spokeNanos = nanoClock.getAsLong();
    }
  }

  /** Whether the session had speech (taken or decoded) within {@link #SPOKE_WITHIN_MILLIS}. */
  boolean spokeWithin(long nowNanos) {
    return nowNanos - spokeNanos < TimeUnit.MILLISECONDS.toNanos(SPOKE_WITHIN_MILLIS);
  }

  /**
   * How much of its sending burst the session has used now: what a next session of its tenant
   * owes.
   */
  double usedMillis() {
    return nanoClock == null ? 0 : BURST_MILLIS - sentCredit();
  }

  /** Whether the session's decoding is within real time (its sending credit is not used up). */
  boolean urgent() {
    return urgency().urgent();
  }

  /**
   * How urgent the session's decoding is now, by its sending credit; {@link Urgency#AHEAD} while
   * its uplink is held ({@link #BACKPRESSURED_WITHIN_MILLIS}): a client held back by the
   * server's backpressure sends only as fast as it is decoded, which a sending bucket alone would
   * take for real time.
   */
  Urgency urgency() {
    if (nanoClock == null) {
      return Urgency.REAL_TIME;
    }
    if (nanoClock.getAsLong() - backpressuredNanos
        < TimeUnit.MILLISECONDS.toNanos(BACKPRESSURED_WITHIN_MILLIS)) {
      return Urgency.AHEAD;
    }
    double c = sentCredit();
    return c >= BURST_MILLIS - REAL_TIME_SLACK_MILLIS ? Urgency.REAL_TIME
        : c > 0 ? Urgency.CATCHING_UP : Urgency.AHEAD;
  }

  private synchronized double sentCredit() {
    refill();
    return sentCreditMillis;
  }

  /**
   * The session's client sent {@code pcm} (16 kHz 16-bit mono), taken from the sending bucket;
   * returns it.
   */
  byte[] received(byte[] pcm) {
    if (nanoClock != null) {
      synchronized (this) {
        refill();
        // no debt: a stream that slows down to real time is urgent again at once
        sentCreditMillis = Math.max(0, sentCreditMillis - millisOf(pcm.length));
      }
    }
    return pcm;
  }

  /** The session refused audio now: its queue of undecoded audio is full. */
  void backpressured() {
    if (nanoClock != null) {
      backpressuredNanos = nanoClock.getAsLong();
    }
  }

  private static double millisOf(int bytes) {
    return bytes / (DecoderPool.SAMPLE_RATE * 2 / 1000.0);
  }

  /**
   * Whether the session's decoding waits for credit instead of taking the models: its client is
   * not sending at real time ({@link #urgency()}) and its decoder has used its credit (less than
   * {@link #HELD_BACK_BELOW_MILLIS} left, so a bucket that refills between two reads still
   * counts) while another tenant's session is speaking (it received speech or
   * had it decoded within {@link #SPOKE_WITHIN_MILLIS}). Decoding ahead of real time is then
   * not only last in line but not done at all: it would keep every core busy, and each step of
   * the other tenant's requests (its socket read, its engine events, its socket write) would
   * wait for the CPU behind it. The tenant's held-back sessions together are decoded at {@link
   * #RATE} times real time meanwhile ({@link #awaitCredit()}). Nothing is refused: a session's
   * queue fills and the server stops reading it. Alone, beside its own tenant's sessions only,
   * or beside sessions that are silent (a microphone open between utterances costs a batch
   * transcription nothing), a session is decoded as fast as the lanes go.
   */
  boolean holdsBack() {
    // cheapest first: most reads have decoding credit; othersSpeaking looks at every session
    if (nanoClock == null || !shortOfCredit()) {
      return false;
    }
    if (urgency() != Urgency.REAL_TIME && othersSpeaking.getAsBoolean()) {
      return true;
    }
    endGrant(); // decoded as fast as it goes now: its own credit decides again
    return false;
  }

  /**
   * Whether less than {@link #HELD_BACK_BELOW_MILLIS} is left: of the grant the session decodes
   * now, if it is on one, else of its credit. A grant is a quantum, however much credit the
   * session earns while its lane decodes it: counting that too let a tenant's held-back sessions
   * decode at up to twice their rate on a machine that decodes at 2.5x real time
   * (LocalSttCapacityTest, 2026-12-07).
   */
  private synchronized boolean shortOfCredit() {
    refill();
    return (Double.isNaN(grantLeftMillis) ? creditMillis : grantLeftMillis)
        < HELD_BACK_BELOW_MILLIS;
  }

  private synchronized void endGrant() {
    grantLeftMillis = Double.NaN;
  }

  /**
   * Waits (sleeping, holding nothing) until the session has {@link #HELD_BACK_QUANTUM_MILLIS} of
   * credit and its tenant's next grant ({@link HeldBackGrants}) is due, then keeps no more credit
   * than that quantum, and is held back again once it has decoded the quantum (the credit it earns
   * meanwhile is not added to it): what it earned while the tenant's other held-back sessions had
   * their grants is theirs, so a tenant's held-back sessions together are decoded at {@link
   * #RATE} times real time. Returns early when no other tenant's session speaks any more
   * (checked every {@link #HELD_BACK_CHECK_MILLIS}) or when interrupted (the interrupt status is
   * kept).
   */
  void awaitCredit() {
    awaitCredit(() -> false);
  }

  /**
   * {@link #awaitCredit()}, returning early also once {@code abandoned} (checked as often): a
   * cancelled session's lane does not sleep on through its key's queue of grants.
   */
  void awaitCredit(BooleanSupplier abandoned) {
    if (nanoClock == null) {
      return;
    }
    long due = grants.reserve();
    while (true) {
      long now = nanoClock.getAsLong();
      double missing;
      synchronized (this) {
        refill();
        missing = HELD_BACK_QUANTUM_MILLIS - creditMillis;
        if (missing <= 0 && now >= due) {
          creditMillis = Math.min(creditMillis, HELD_BACK_QUANTUM_MILLIS);
          grantLeftMillis = HELD_BACK_QUANTUM_MILLIS;
          return;
        }
      }
      if (abandoned.getAsBoolean() || !othersSpeaking.getAsBoolean()) {
        endGrant();
        return;
      }
      long waitMillis = Math.max((long) Math.ceil(missing / RATE),
          TimeUnit.NANOSECONDS.toMillis(due - now + 999_999));
      try {
        Thread.sleep(Math.max(1, Math.min(HELD_BACK_CHECK_MILLIS, waitMillis)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        endGrant();
        return;
      }
    }
  }

  /** The decoder read {@code bytes} of the session's 16 kHz audio. */
  void took(int bytes) {
    if (nanoClock != null) {
      charge(bytes);
    }
  }

  private synchronized void charge(int bytes) {
    refill();
    double ms = millisOf(bytes);
    takenMillis += ms;
    creditMillis = Math.max(0, creditMillis - ms);
    grantLeftMillis -= ms; // NaN stays NaN: not on a grant
    spokeNanos = atNanos; // a pass's audio being decoded: its words and commit are still to come
  }

  /** A pass of the session waited {@code nanos} from its submission until a lane took it. */
  void waitedForLane(long nanos) {
    laneWait.add(nanos);
  }

  /** A lane of the session waited {@code nanos} for a turn on its model set's models. */
  void waitedForTurn(long nanos) {
    turnWait.add(nanos);
  }

  /** A lane of the session waited {@code nanos} held back, for credit ({@link #awaitCredit}). */
  void waitedHeldBack(long nanos) {
    heldBack.add(nanos);
  }

  /** The waits so far ({@link CommitTrace}), ns. */
  long laneWaitNanos() {
    return laneWait.sum();
  }

  long turnWaitNanos() {
    return turnWait.sum();
  }

  long heldBackNanos() {
    return heldBack.sum();
  }

  /** Audio the decoder has read for the session so far, ms (for metrics and tests). */
  synchronized double takenMillis() {
    return takenMillis;
  }

  private void refill() {
    long now = nanoClock.getAsLong();
    if (now > atNanos) {
      double earned = (now - atNanos) / 1e6 * RATE;
      creditMillis = Math.min(BURST_MILLIS, creditMillis + earned);
      sentCreditMillis = Math.min(BURST_MILLIS, sentCreditMillis + earned);
      atNanos = now;
    }
  }
}
