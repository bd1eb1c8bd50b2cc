package io.voicewire.client.internal.stream;

import io.voicewire.client.ConnectionStatus.State;
import io.voicewire.client.ConnectionStatus;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A stream's reported connection status: the last {@link ConnectionStatus}, and whether drops can
 * be resumed (with the note saying how exactly), which every status carries. Each new status
 * goes to the sink given at construction (the stream's {@link StreamOutcomes#status}).
 *
 * <p>Thread safety: guarded by the stream's {@link StreamLock}; {@link ConnectionSupervisor}
 * calls it with the lock held.
 */
final class StatusReport {
  private final Consumer<ConnectionStatus> sink;
  private boolean resumable = true;
  private String resumeNote = "";
  private ConnectionStatus current =
      new ConnectionStatus(State.CONNECTING, 0, Duration.ZERO, true, "");

  StatusReport(Consumer<ConnectionStatus> sink) {
    this.sink = sink;
  }

  /** The last status. */
  ConnectionStatus current() {
    return current;
  }

  /** The note on resumability last set ({@link #resumable}). */
  String resumeNote() {
    return resumeNote;
  }

  /** Reports the current status (again). */
  void publish() {
    sink.accept(current);
  }

  /** Records a new status, carrying the current resumability, and reports it. */
  void emit(State state, int attempt, Duration delay, String message) {
    current = new ConnectionStatus(state, attempt, delay, resumable,
        message == null ? "" : message);
    sink.accept(current);
  }

  /**
   * Changes whether drops can be resumed; when that changed and {@code report}, the current
   * status is reported again with it and {@code note} as its message.
   */
  void resumable(boolean r, String note, boolean report) {
    if (resumable == r && resumeNote.equals(note)) {
      return;
    }
    resumable = r;
    resumeNote = note;
    if (report) {
      emit(current.state(), current.attempt(), current.retryDelay(), note);
    }
  }
}
