package io.voicewire.client.internal.stream;

import io.voicewire.client.ConnectionStatus;
import io.voicewire.client.internal.Dispatcher;
import io.voicewire.speech.SpeechError;
import java.util.function.Consumer;

/**
 * Where a {@link ConnectionSupervisor} reports a stream's status and its one terminal event.
 * Every method runs with the supervisor's lock held: it only queues callbacks on the stream's
 * {@link Dispatcher}, never calls a listener itself.
 */
interface StreamOutcomes {
  /** The connection status changed. */
  void status(ConnectionStatus status);

  /** The stream ended normally; {@code complete} when all input was answered. */
  void closed(boolean complete);

  /** The stream failed for good. */
  void failed(SpeechError error);

  /** The stream reached a terminal phase, just before {@link #closed} or {@link #failed}. */
  default void onTerminal() {}

  /** Outcomes that queue the three callbacks of a single stream's listener on {@code events}. */
  static StreamOutcomes queued(Dispatcher events, Consumer<ConnectionStatus> status,
      Consumer<Boolean> closed, Consumer<SpeechError> failed) {
    return queued(events, status, closed, failed, () -> { });
  }

  /** As above; {@code terminal} runs at {@link #onTerminal}, lock held (it must not block). */
  static StreamOutcomes queued(Dispatcher events, Consumer<ConnectionStatus> status,
      Consumer<Boolean> closed, Consumer<SpeechError> failed, Runnable terminal) {
    return new StreamOutcomes() {
      @Override
      public void onTerminal() {
        terminal.run();
      }

      @Override
      public void status(ConnectionStatus s) {
        events.offer(() -> status.accept(s));
      }

      @Override
      public void closed(boolean complete) {
        events.offer(() -> closed.accept(complete));
      }

      @Override
      public void failed(SpeechError error) {
        events.offer(() -> failed.accept(error));
      }
    };
  }
}
