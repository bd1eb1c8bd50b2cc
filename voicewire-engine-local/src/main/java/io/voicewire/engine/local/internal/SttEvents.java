package io.voicewire.engine.local.internal;

import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.SttListener;
import io.voicewire.speech.Transcript;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener events of a {@link RealSttSession}, in order on its lane ({@link ListenerEvents}):
 * none after the terminal event, exactly one terminal event. A non-terminal event the lane cannot
 * take ({@link SerialLane#MAX_QUEUED_EVENTS} waiting) fails the session with
 * {@link ErrorCode#QUEUE_OVERFLOW}.
 *
 * <p>Thread safe: the lane orders the events; the overflow handler is the session's own.
 */
final class SttEvents {
  private static final Logger LOG = LoggerFactory.getLogger(SttEvents.class);
  private final String sessionId;
  private final SttListener listener;
  private final ListenerEvents events;
  private final Consumer<SpeechError> onOverflow;

  SttEvents(String sessionId, SttListener listener, SerialLane lane, Runnable onTerminal,
      Consumer<SpeechError> onOverflow) {
    this.sessionId = sessionId;
    this.listener = listener;
    this.events = new ListenerEvents(lane, onTerminal);
    this.onOverflow = onOverflow;
  }

  /** The first event: the session has started. */
  void started() {
    deliver(() -> listener.onStarted(sessionId));
  }

  /** A partial transcript; none when {@code t} is null (nothing new to say). */
  void partial(Transcript t) {
    if (t != null) {
      deliver(() -> listener.onPartial(t));
    }
  }

  /**
   * A committed transcript; none when {@code t} is null (a segment without words). A {@code
   * slowNote} ({@link CommitTrace#slowNote()}, may be null) is logged on the lane, in the
   * transcript's own event: a log line takes no room of its own there, and without a transcript
   * it is dropped rather than fail the session when the lane is full.
   */
  void committed(Transcript t, String slowNote) {
    Runnable log = slowNote == null ? () -> {}
        : () -> LOG.info("stt session {}: {}", sessionId, slowNote);
    if (t != null) {
      deliver(() -> {
        log.run();
        listener.onCommitted(t);
      });
    } else if (slowNote != null) {
      events.deliver(log);
    }
  }

  /** The terminal event of a session that ended normally (closed or cancelled). */
  void closed() {
    events.deliverTerminal(listener::onClosed);
  }

  /** The terminal event of a failed session. */
  void failed(SpeechError error) {
    events.deliverTerminal(() -> listener.onFailure(error));
  }

  private void deliver(Runnable event) {
    if (!events.deliver(event)) {
      onOverflow.accept(new SpeechError(ErrorCode.QUEUE_OVERFLOW,
          "the listener is not taking events: " + SerialLane.MAX_QUEUED_EVENTS + " waiting"));
    }
  }
}
