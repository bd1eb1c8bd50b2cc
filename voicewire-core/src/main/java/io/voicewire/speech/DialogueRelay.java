package io.voicewire.speech;

/**
 * A provider's upstream for the Text-to-Dialogue WebSockets: a relay serves each dialogue socket
 * ({@code /v1/text-to-dialogue/stream-input} or {@code /multi-stream-input}) over one socket of
 * the same endpoint upstream, with the client's official query parameters and (its credentials
 * removed) its official messages; the upstream's messages come back as the upstream sent them.
 * The turns are the upstream's: {@code is_final_audio_for_turn} and {@code is_final} are its own.
 *
 * <p>Implementations are thread safe.
 */
public interface DialogueRelay {
  /** One upstream dialogue socket. Thread safe; no method blocks. */
  interface Upstream {
    /**
     * Queues one official client message (JSON) for the upstream, in order; messages sent before
     * the upstream socket is open wait for it (bounded). False when the socket is done or the
     * bound is reached (the message is not taken; the socket then fails).
     */
    boolean send(String json);

    /** Closes the upstream socket once the queued messages are written. Idempotent. */
    void close();
  }

  /**
   * Events of one upstream socket, serially. Handlers must not block. Exactly one terminal
   * event: {@link #onClosed} or {@link #onFailure}.
   */
  interface Listener {
    /** One upstream message (audio, {@code is_final_audio_for_turn}, {@code is_final}, error). */
    void onMessage(String json);

    /** Terminal: the upstream closed the socket with {@code code}. */
    void onClosed(int code, String reason);

    /** Terminal: the upstream socket could not be opened, or broke. */
    void onFailure(SpeechError error);

    /**
     * How much of the upstream's audio is still waiting for the relay's client, in milliseconds
     * (as {@link TtsListener#backlogMillis}): while it is at or above the upstream's bound, the
     * upstream socket is not read, so TCP slows the upstream down to the client's pace instead
     * of the audio piling up in the relay. Called from the upstream's threads, often: cheap, never
     * blocking. The default, 0, means unknown: no pacing.
     */
    default long backlogMillis() {
      return 0;
    }
  }

  /**
   * Opens a dialogue socket upstream; events follow on {@code listener}, never on the calling
   * thread.
   *
   * @param multi {@code multi-stream-input} instead of {@code stream-input}
   * @param query the client's official query parameters, percent-encoded ({@code a=1&b=2}),
   *     without credentials; empty for none
   */
  Upstream open(boolean multi, String query, Listener listener);
}
