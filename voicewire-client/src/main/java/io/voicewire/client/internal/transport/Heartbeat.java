package io.voicewire.client.internal.transport;

import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A connection's ping/pong accounting: at most one ping outstanding; a beat that finds it
 * unanswered misses it, unless a message arrived or one of ours was written since the last beat
 * (a server that stopped reading our frames for back-pressure cannot read the ping queued behind
 * them, but its messages and the progress of our writes show the connection alive). Every ping
 * carries the time it was made (8 bytes); the pong echoes it, so {@link #answeredPingNanos()}
 * tells how recent the frames are that the peer has read. The owning {@link BaseConnection}
 * runs the beats ({@link #start}) and sends the frames.
 *
 * <p>Thread safety: guarded by the owning connection's lock (every method but {@link #traffic}
 * is called with it held); {@link #traffic} is lock-free (one volatile write per message).
 */
final class Heartbeat {
  /** What a beat does. */
  enum Beat {
    /** Nothing: the ping is outstanding, but traffic shows the connection alive. */
    WAIT,
    /** The outstanding ping was not answered: the connection fails. */
    MISSED,
    /** A new ping is sent. */
    PING
  }

  private boolean awaitingPong;
  private int sentPings;
  private int receivedPongs;
  private long pingSentNanos;
  /** The making time of the most recent ping answered, {@link Long#MIN_VALUE} before any. */
  private long answeredPingNanos = Long.MIN_VALUE;
  /**
   * A message arrived, or one of ours was written, since the last beat; set without the lock,
   * cleared by the beat.
   */
  private volatile boolean trafficSinceBeat;
  private ScheduledFuture<?> task;

  /**
   * Runs {@code beat} every {@code intervalMillis} (none when it is 0) until {@link #stop}.
   *
   * @return false when the client is shutting down (the scheduler refused the beats)
   */
  boolean start(ScheduledExecutorService scheduler, long intervalMillis, Runnable beat) {
    if (intervalMillis > 0) {
      try {
        task = scheduler.scheduleAtFixedRate(beat, intervalMillis, intervalMillis,
            TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException clientClosed) {
        return false;
      }
    }
    return true;
  }

  /** Stops the beats, if started. */
  void stop() {
    if (task != null) {
      task.cancel(false);
    }
  }

  /** A message arrived, or one of ours was written. No lock needed. */
  void traffic() {
    trafficSinceBeat = true;
  }

  /**
   * A beat while reading is paused on purpose (back-pressure): a pong could not be read, so it
   * is not missed; the beat is skipped.
   */
  void skip() {
    awaitingPong = false;
  }

  /** A beat at {@code now}: what to do; on {@link Beat#PING} the ping is counted as sent. */
  Beat beat(long now) {
    boolean heard = trafficSinceBeat;
    trafficSinceBeat = false;
    if (awaitingPong) {
      return heard ? Beat.WAIT : Beat.MISSED;
    }
    awaitingPong = true;
    sentPings++;
    pingSentNanos = now;
    return Beat.PING;
  }

  /**
   * A pong arrived at {@code now} with {@code payload} (ours: the ping's making time).
   *
   * A pong while no ping is outstanding is unsolicited (RFC 6455 §5.5.3): the voicewire server's
   * heartbeat while it holds our uplink; it shows the peer alive but measures no round trip.
   *
   * @return the round trip of the last ping sent, ns; -1 for an unsolicited pong
   */
  long pong(ByteBuffer payload, long now) {
    boolean answers = awaitingPong;
    awaitingPong = false;
    receivedPongs++;
    if (payload != null && payload.remaining() == Long.BYTES) {
      answeredPingNanos = Math.max(answeredPingNanos, payload.getLong(payload.position()));
    }
    return answers ? now - pingSentNanos : -1;
  }

  /** Pings sent. */
  int sentPings() {
    return sentPings;
  }

  /** Pongs received. */
  int receivedPongs() {
    return receivedPongs;
  }

  /** The making time of the most recent ping answered, {@link Long#MIN_VALUE} before any. */
  long answeredPingNanos() {
    return answeredPingNanos;
  }

  /** A ping's payload: its making time. */
  static ByteBuffer stamp(long nanos) {
    return ByteBuffer.allocate(Long.BYTES).putLong(0, nanos);
  }
}
