package io.voicewire.server.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The graceful drain of one server: the registry of live sockets that can be asked to move, and
 * the draining flag that turns {@code /readyz} to 503 and refuses new upgrades.
 *
 * <p>A socket {@link #register registers} when it opens and {@link #unregister unregisters} at
 * its teardown. {@link #begin} asks each live socket to move at its next boundary (after the
 * current TTS chunk, at the next STT commit); {@link #forceAll} asks the rest to move now. A socket
 * that registers while draining is asked at once. Thread safe; the socket callbacks run on the
 * caller's thread and must not block.
 */
public final class Drain {
  private static final Logger LOG = LoggerFactory.getLogger("io.voicewire.server");

  /** The WebSocket close code of a drain: 1012, service restart (RFC 6455 registry). */
  public static final int SERVICE_RESTART = 1012;
  /** The close reason of a drain. */
  static final String REASON = "server restarting: reconnect to continue";

  /** A live socket that can be asked to move. */
  interface Drainable {
    /** Close with {@link #SERVICE_RESTART} at the next boundary of the session's work. */
    void drainAtBoundary();

    /** Close with {@link #SERVICE_RESTART} now (what was queued is still sent first). */
    void drainNow();
  }

  private final Set<Drainable> live = ConcurrentHashMap.newKeySet();
  private volatile boolean draining;

  void register(Drainable d) {
    live.add(d);
    if (draining) {
      d.drainNow();
    }
  }

  void unregister(Drainable d) {
    live.remove(d);
  }

  /** Whether a drain has begun. */
  public boolean draining() {
    return draining;
  }

  /** Live sockets. */
  public int live() {
    return live.size();
  }

  /** Begins the drain (once): every live socket is asked to move at its next boundary. */
  public void begin() {
    if (draining) {
      return;
    }
    draining = true;
    List<Drainable> now = List.copyOf(live);
    LOG.info("draining: {} live WebSocket sessions asked to move (close {})", now.size(),
        SERVICE_RESTART);
    for (Drainable d : now) {
      d.drainAtBoundary();
    }
  }

  /** Asks every socket still live to move now. */
  public void forceAll() {
    for (Drainable d : List.copyOf(live)) {
      d.drainNow();
    }
  }
}
