package io.voicewire.speech;

/**
 * Receives the events of one {@link TtsSession}.
 *
 * <p>Calls for one session are serial (never concurrent) and come from an engine or network
 * thread that must not be blocked: hand data off with a non-blocking offer. Every method has a
 * no-op default. Exactly one terminal event is delivered: {@link #onClosed} or
 * {@link #onFailure}. No further calls to this listener will be made after it.
 */
public interface TtsListener {
  /** A chunk of audio, in input order. */
  default void onAudio(TtsAudio audio) {}

  /**
   * A chunk of audio that is the whole of an upstream message, unchanged, together with that
   * message as received: what a relaying provider calls instead of {@link #onAudio(TtsAudio)}
   * (the SDK's relay streams, for an audio message no resume seam cut). A relay may forward
   * {@code message} as is instead of encoding {@code audio} again, where the client expects
   * the same message. The default hands the audio to {@link #onAudio(TtsAudio)}.
   *
   * @param message the upstream's text message, valid JSON in the {@code stream-input} shape
   */
  default void onUpstreamAudio(TtsAudio audio, String message) {
    onAudio(audio);
  }

  /**
   * How much of the audio this listener was given is still waiting for its consumer, in
   * milliseconds: e.g. a server's queue for a client that reads more slowly than the engine
   * speaks. An engine far faster than real time makes no more audio while this is at or above
   * its bound and goes on when it falls, so that the consumer's pace becomes the engine's and a
   * long text reaches a slow reader without piling up in memory. Called from the engine's
   * threads, often: it must be cheap and must not block. The default, 0, means unknown: no
   * pacing.
   */
  default long backlogMillis() {
    return 0;
  }

  /**
   * Everything released before a {@link TtsSession#flush()} has been voiced. Informational; not
   * terminal (a flush never ends a session).
   */
  default void onFlushed() {}

  /**
   * Terminal. {@code complete} is true when {@link TtsSession#end()} was called and all input was
   * voiced (the protocol's {@code isFinal: true}); false when the session was closed before that.
   * No further calls to this listener will be made.
   */
  default void onClosed(boolean complete) {}

  /** Terminal. The session failed. No further calls to this listener will be made. */
  default void onFailure(SpeechError error) {}
}
