package io.voicewire.client.internal.stream;

import io.voicewire.client.internal.transport.Connection;

/**
 * What one stream sends and receives on each connection its {@link ConnectionSupervisor} opens:
 * the init message and the replay on open, the routing of server messages, the keep-alives.
 * Every method runs with the supervisor's lock held and may only queue on the connection.
 */
interface WireSession {
  /** A connection opened: send the init message and replay what must be replayed. */
  void onOpen(Connection c);

  /** One message from the server on the current connection. */
  void onMessage(Connection c, String text);

  /** Called every {@link ConnectionSupervisor#TICK_MILLIS} while a connection is open. */
  default void onTick(Connection c, long nowNanos) {}

  /** The current connection was lost (before any retry decision). */
  default void onLost() {}

  /** The current connection was lost for {@code why} (before any retry decision). */
  default void onLost(Failure why) {
    onLost();
  }

  /**
   * Query parameters the next connection attempt adds to the endpoint's ({@code &}-prefixed),
   * or empty; asked once per attempt.
   */
  default String queryExtras() {
    return "";
  }
}
