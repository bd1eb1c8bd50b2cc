package io.voicewire.server.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/** The server's side of a WebSocket's closing handshake, for {@link Outbox}. */
final class CloseFrame {
  /** A peer that does not answer our close frame within this time is disconnected. */
  static final long CANCEL_AFTER_MILLIS = 5_000;
  /**
   * How long an error close frame (any code but 1000, 1005 and 3000+) waits behind the error
   * message that precedes it, unless the peer closes first. Jetty drops the TCP connection as soon
   * as it has written such a frame, without waiting for the peer's close; a peer that is still
   * sending then gets a reset, and a reset can make the peer's stack throw away the error message
   * it has not read yet (the JDK's WebSocket client does), so it would reconnect and retry an
   * error that retrying cannot fix. Our SDKs close on the error message, which ends the wait.
   */
  static final long ERROR_GRACE_MILLIS = 1_000;

  private CloseFrame() {}

  /** Close codes after which Jetty waits for the peer's close frame (see Jetty's CloseStatus). */
  static boolean isOrdinary(int code) {
    return code == 1000 || code == 1005 || code >= 3000;
  }

  /**
   * Sends the close frame ({@code reason} already fits one), then runs {@code closed} once it is
   * written or failed; a peer that never answers is cut off after
   * {@link #CANCEL_AFTER_MILLIS}.
   */
  static void send(Session session, ScheduledExecutorService timer, int code, String reason,
      Runnable closed) {
    try {
      // a no-op (callback failed) when the peer closed during the grace period
      session.close(code, reason, Callback.from(closed, x -> closed.run()));
    } catch (RuntimeException e) {
      closed.run();
    }
    // second phase: a peer that never answers the close frame is cut off
    try {
      timer.schedule(session::disconnect, CANCEL_AFTER_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException shuttingDown) {
      session.disconnect();
    }
  }
}
