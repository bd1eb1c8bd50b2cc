package io.voicewire.speech;

/**
 * One text-to-speech utterance stream: text goes in as pieces, audio comes out in chunks while it
 * is being generated.
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   OPEN ──send/flush/tryTrigger──▶ OPEN
 *   OPEN ──end()──▶ ENDING ──all audio delivered──▶ CLOSED  (listener.onClosed(true))
 *   OPEN ──closeContext()──▶ ENDING ──flushed audio delivered──▶ CLOSED (onClosed(true))
 *   OPEN/ENDING ──close()──▶ CLOSED                        (listener.onClosed(false))
 *   any ──engine failure──▶ FAILED                         (listener.onFailure(error))
 * </pre>
 * Text is released for synthesis according to the request: the chunk-length schedule, or
 * sentence by sentence in {@code auto_mode}; {@link #flush()} releases everything buffered.
 * Calls in the wrong state return {@code false} and do nothing; they never throw.
 *
 * <p>Implementations are thread safe: any thread may call any method.
 */
public interface TtsSession extends AutoCloseable {
  /** The request this session was opened with. */
  TtsRequest request();

  /** Appends text. Returns false after {@link #end()}, {@link #close()} or a failure. */
  boolean send(String text);

  /**
   * Appends text from a later message that carries settings again: {@code voice_settings} and/or
   * the schedule of {@code generation_config}, which the protocol allows after a stream's first
   * message only unchanged, and on re-initialising a context. An engine keeps the settings the
   * session was opened with (the default appends the text, and nothing for the one-space
   * keep-alive); a relay forwards the settings with the text.
   *
   * @param text the text, {@code " "} for none
   * @param voiceSettings the message's settings, or null
   * @param chunkLengthSchedule the message's schedule, or null
   */
  default boolean sendWithSettings(String text, VoiceSettings voiceSettings,
      java.util.List<Integer> chunkLengthSchedule) {
    return " ".equals(text) || send(text);
  }

  /**
   * Releases everything buffered for synthesis now, below the schedule's threshold too. Returns
   * false when the session no longer takes input.
   */
  boolean flush();

  /**
   * The protocol's {@code try_trigger_generation}: release the buffer if it holds at least
   * {@link io.voicewire.speech.text.TextReleaser#TRY_TRIGGER_MIN_CHARS} characters.
   */
  boolean tryTrigger();

  /** End of input: flush, voice the rest, then {@code onClosed(true)}. False if already ended. */
  boolean end();

  /**
   * The protocol's {@code close_context} (multi-stream-input AsyncAPI: "No further audio will be
   * generated for this context [...] If it has already been set to flush it will continue
   * flushing"): input ends; the text a {@link #flush()} released before this call is voiced,
   * text sent after the last flush is dropped unvoiced (a sentence already being synthesised may
   * finish), then {@code onClosed(true)}. False if already ended.
   */
  boolean closeContext();

  /** Cancels: stops generating at once, then {@code onClosed(false)}. Idempotent. */
  @Override
  void close();
}
