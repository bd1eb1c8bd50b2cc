package io.voicewire.client.internal.transport;

import java.lang.reflect.Field;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Random;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.eclipse.jetty.websocket.core.WebSocketConnection;
import org.eclipse.jetty.websocket.core.WebSocketCoreSession;

/**
 * Gives each client WebSocket connection of Jetty its own generator of frame mask keys.
 *
 * <p>Why: a client masks every frame with 4 random bytes (RFC 6455 §5.3), and Jetty's client
 * connection draws them from {@code new SecureRandom()}, which on Linux is {@code NativePRNG}: all
 * its instances share one generator behind two JVM-wide locks (a SHA1PRNG mix and a buffered
 * {@code /dev/urandom} read). A relay sends one frame upstream per 20 ms chunk per stream, so every
 * upstream send of every session took the same lock; on a loaded machine a holder that is
 * descheduled stalls all senders for a time slice (JFR: 1,206 waits of 10 ms or more in 100 s at
 * 25 streams, and a third of the connection-lock parks behind them; docs/bench-relay.md). Here a
 * connection gets its own {@code DRBG} instance (NIST SP 800-90A, seeded from the system's entropy
 * once per connection): keys as unpredictable as before, and no lock shared between connections.
 *
 * <p>Jetty 12.1 has no setting for the client's mask generator (its field is set in the
 * connection's constructor), so it is replaced by reflection, once per connection at open,
 * before the first frame of ours is sent. Where that is not allowed (Jetty on the module path
 * without an {@code opens}, or a later Jetty without the field), connections keep Jetty's
 * generator: correct, only slower; {@link #installed()} says which. JDK 26 warns once about the
 * reflective write of a final field (JEP 500); the replacement for it is a Jetty setting for the
 * client's mask generator, or the relay's own connection class (docs/bench-relay.md, next steps).
 * Thread safe (stateless).
 */
final class MaskKeys {
  /** Jetty's {@code WebSocketConnection.random}, accessible; null when it cannot be replaced. */
  private static final Field RANDOM = randomField();

  private MaskKeys() {}

  private static Field randomField() {
    try {
      Field f = WebSocketConnection.class.getDeclaredField("random");
      if (f.getType() != Random.class) {
        return null;
      }
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException notAllowed) {
      return null; // InaccessibleObjectException on the module path, or another Jetty
    }
  }

  /** Whether connections get their own generator (false: Jetty's shared one is kept). */
  static boolean installed() {
    return RANDOM != null;
  }

  /**
   * Gives {@code session}'s connection its own mask key generator; does nothing for a server
   * session or where that is not possible. Call at open, on the thread that opened it.
   */
  static void install(Session session) {
    if (RANDOM == null || !(session instanceof WebSocketSession ws)
        || !(ws.getCoreSession() instanceof WebSocketCoreSession core)) {
      return;
    }
    WebSocketConnection c = core.getConnection();
    if (c == null) {
      return;
    }
    try {
      RANDOM.set(c, SecureRandom.getInstance("DRBG"));
    } catch (NoSuchAlgorithmException | ReflectiveOperationException | RuntimeException e) {
      // keep Jetty's generator: same keys' quality, only the shared lock
    }
  }
}
