package io.voicewire.speech;

/**
 * Receives the events of one {@link SttSession}.
 *
 * <p>Calls for one session are serial and come from an engine or network thread that must not be
 * blocked. Every method has a no-op default. Exactly one terminal event is delivered:
 * {@link #onClosed} or {@link #onFailure}. No further calls to this listener will be made after
 * it.
 */
public interface SttListener {
  /** The session is ready; {@code sessionId} is unique per session. Always the first event. */
  default void onStarted(String sessionId) {}

  /** An interim transcript of the current segment; superseded by the next partial or commit. */
  default void onPartial(Transcript partial) {}

  /**
   * A committed segment (after {@link SttSession#commit()}, a VAD end of speech, or the 90 s
   * auto-commit). Carries words when the request asked for timestamps. Never repeated.
   */
  default void onCommitted(Transcript committed) {}

  /**
   * A message of the official protocol this interface does not model, to be sent to the client as
   * given: a relay's upstream {@code final_transcript}, {@code final_transcript_with_timestamps},
   * {@code committed_transcript_entities} or {@code edited_transcript}. The offline engine sends
   * none. Delivered in order with the other events.
   *
   * @param messageType its {@code message_type}
   * @param json the whole message
   */
  default void onServerMessage(String messageType, String json) {}

  /** Terminal. The session closed normally. No further calls to this listener will be made. */
  default void onClosed() {}

  /** Terminal. The session failed. No further calls to this listener will be made. */
  default void onFailure(SpeechError error) {}
}
