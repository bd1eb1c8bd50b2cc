package io.voicewire.server.internal;

import io.voicewire.protocol.CloseCodes;
import io.voicewire.speech.ErrorCode;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * How a text-to-speech socket ends: the right half of the {@link TtsState} diagram, kept apart
 * from the socket's frames and contexts ({@link TtsSocket}). Four ways:
 * <ul>
 *   <li>{@link #endOfInput}: {@code ""} or {@code close_socket}; the live contexts voice the rest
 *       and send their {@code isFinal}s (ENDING), then close 1000;
 *   <li>{@link #clientError}: a bad message; what was accepted before it is still voiced
 *       (DRAINING, bounded by {@link #DRAIN_TIMEOUT_MILLIS}), then the error and its close;
 *   <li>{@link #now}: every context is cancelled, the error and the close follow at once;
 *   <li>{@link #restart}: the server drains; queued audio goes out, then close 1012.
 * </ul>
 * Each ends in {@link #finish} (CLOSING): the session timers stop, the slot is released once the
 * work has stopped, and the error (if any) and the close are queued behind what is queued.
 *
 * <p>Thread safety: guarded by the socket's monitor; every method but the timer's runs under it.
 */
final class TtsEnding {
  /** After a bad client message, how long the accepted text may take to be voiced. */
  static final long DRAIN_TIMEOUT_MILLIS = 10_000;

  /** How the socket ends: with or without {@code isFinal}s, and which error and close follow. */
  private record Ending(boolean sendFinals, String errorJson, int closeCode, String reason) {}

  private final TtsSocket<?> socket;
  // guarded by socket
  private Ending ending;
  private ScheduledFuture<?> drainTask;

  TtsEnding(TtsSocket<?> socket) {
    this.socket = socket;
  }

  /** Whether a completed context still sends its {@code isFinal} (not after an error). */
  boolean sendsFinals() {
    return ending == null || ending.sendFinals;
  }

  /** End of input: voice the rest, the {@code isFinal}s, close 1000. */
  void endOfInput(Effects fx) {
    assert Thread.holdsLock(socket);
    ending = new Ending(true, null, CloseCodes.NORMAL, "");
    if (!windDown(fx)) {
      socket.state.moveTo(TtsState.ENDING);
    }
  }

  /** A bad client message: the accepted text is voiced (bounded), then the error and close. */
  void clientError(ErrorCode code, String message, int closeCode, Effects fx) {
    assert Thread.holdsLock(socket);
    if (!socket.state.isAny(TtsState.ADMITTING, TtsState.STREAMING)) {
      return;
    }
    endWithError(code, message, closeCode);
    if (!windDown(fx)) {
      socket.state.moveTo(TtsState.DRAINING);
      drainTask = socket.s.timer.schedule(this::onDrainTimeout, DRAIN_TIMEOUT_MILLIS,
          TimeUnit.MILLISECONDS);
    }
  }

  /**
   * No more input: the live contexts voice what they hold. True when none is left, and the
   * ending is {@link #finish}ed; false while contexts still voice.
   */
  private boolean windDown(Effects fx) {
    socket.stopInactivity();
    socket.endLiveContexts(fx);
    if (socket.contexts.isEmpty() && !socket.upstreamBusy()) {
      finish(fx);
      return true;
    }
    return false;
  }

  /**
   * Ends the socket now: every context is cancelled, then the error and the close follow
   * ({@code purge}: what is queued is dropped first, for a client that does not read).
   */
  void now(ErrorCode code, String message, int closeCode, boolean purge,
      Effects fx) {
    assert Thread.holdsLock(socket);
    if (socket.state.isAny(TtsState.CLOSING, TtsState.CLOSED)) {
      return;
    }
    socket.state.moveTo(TtsState.CLOSING);
    endWithError(code, message, closeCode);
    stopTimers();
    socket.releaseSlotWhenStopped(fx);
    socket.closeAllContexts(fx);
    if (purge) {
      socket.out().enqueueFailWith(ending.errorJson, closeCode, message);
    } else {
      socket.out().enqueueUrgent(ending.errorJson);
      socket.out().enqueueClose(closeCode, message);
    }
  }

  /** The ending carries this error, logged now, then its close. */
  private void endWithError(ErrorCode code, String message, int closeCode) {
    socket.logError(code, message);
    ending = new Ending(false, TtsSocket.errorJson(message, code, closeCode, null), closeCode,
        message);
  }

  /** The server drains: moving beats finishing, the client resumes the rest elsewhere. */
  void restart(Effects fx) {
    assert Thread.holdsLock(socket);
    if (socket.state.isAny(TtsState.CLOSING, TtsState.CLOSED)) {
      return;
    }
    if (sendsFinals()) {
      ending = new Ending(false, null, Drain.SERVICE_RESTART, Drain.REASON);
    }
    socket.closeAllContexts(fx);
    finish(fx);
  }

  /** The ending is over (no live context): the error, if any, and the close are queued. */
  void finish(Effects fx) {
    assert Thread.holdsLock(socket);
    socket.state.moveTo(TtsState.CLOSING);
    stopTimers();
    socket.releaseSlotWhenStopped(fx);
    if (ending.errorJson != null) {
      socket.out().enqueueUrgent(ending.errorJson);
    }
    socket.out().enqueueClose(ending.closeCode, ending.reason);
  }

  /** Every timer of the socket: inactivity, the drain bound, the session's own. */
  void stopTimers() {
    assert Thread.holdsLock(socket);
    socket.stopInactivity();
    SocketSession.cancel(drainTask);
    socket.cancelSessionTimers();
  }

  private void onDrainTimeout() {
    socket.locked(fx -> {
      if (!socket.state.isAny(TtsState.ENDING, TtsState.DRAINING)) {
        return;
      }
      socket.closeAllContexts(fx);
      finish(fx);
    });
  }
}
