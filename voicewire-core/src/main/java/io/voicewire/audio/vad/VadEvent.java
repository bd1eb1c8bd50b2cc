package io.voicewire.audio.vad;

/**
 * A speech boundary found by {@link VoiceActivityDetector}.
 *
 * @param type start or end of speech
 * @param audioMs where the boundary lies, in milliseconds of audio since the detector's start
 *     (or its last {@link VoiceActivityDetector#reset()}); this is earlier than the moment the
 *     event is reported, because the detector needs some audio after a boundary to decide
 */
public record VadEvent(Type type, long audioMs) {

  /** The kind of boundary. */
  public enum Type {
    /** Speech began at {@code audioMs}. */
    SPEECH_START,
    /** Speech ended at {@code audioMs}. */
    SPEECH_END
  }
}
