package io.voicewire.client.internal.stream;

/**
 * What a {@link ConnectionSupervisor} asks of a stream when its connection drops: can the stream
 * be resumed on a new one, is it complete already, does input wait to be accepted. Every method
 * runs with the supervisor's lock held.
 */
interface ResumeState {
  /** Null when a drop can be resumed now, else why not (a phrase: "...and <reason>"). */
  String cannotResumeReason();

  /**
   * The failure a drop reports, as this stream sees it: e.g. a refusal it avoids on the next
   * attempt becomes retryable. Called first, before the other questions.
   */
  default Failure reclassify(Failure f) {
    return f;
  }

  /** True when a drop now needs no reconnect because the stream is complete. */
  boolean completesOnDrop();

  /**
   * True while input waits to be accepted by the server: only then does the give-up clock
   * ({@link io.voicewire.client.ReconnectPolicy#giveUpAfter()}) run.
   */
  default boolean awaitingAcceptance() {
    return false;
  }
}
