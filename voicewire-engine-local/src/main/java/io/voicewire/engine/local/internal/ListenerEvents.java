package io.voicewire.engine.local.internal;

/**
 * One session's listener events on its {@link SerialLane}: delivered in order, none after the
 * terminal event, and exactly one terminal event. The session's clean-up (which frees its slot
 * in the engine) runs just before the terminal event reaches the listener, so a caller that
 * opens a new session as soon as it hears the end of the previous one finds the slot free.
 *
 * <p>The terminal flag is read and written only inside lane tasks, which a lane runs one at a
 * time, so it needs no lock.
 */
final class ListenerEvents {
  private final SerialLane lane;
  private final Runnable onTerminal;
  private boolean terminalDelivered; // lane tasks only

  ListenerEvents(SerialLane lane, Runnable onTerminal) {
    this.lane = lane;
    this.onTerminal = onTerminal;
  }

  /**
   * Queues a non-terminal event; it is skipped if the terminal event ran first. Returns false
   * when the lane is full ({@link SerialLane#MAX_QUEUED_EVENTS}) and the event was not queued.
   */
  boolean deliver(Runnable event) {
    return lane.execute(() -> {
      if (!terminalDelivered) {
        event.run();
      }
    });
  }

  /** Queues the terminal event (always accepted); only the first one runs. */
  void deliverTerminal(Runnable event) {
    lane.executeAlways(() -> {
      if (terminalDelivered) {
        return;
      }
      terminalDelivered = true;
      try {
        onTerminal.run();
      } finally {
        event.run();
      }
    });
  }
}
