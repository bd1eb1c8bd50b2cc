package io.voicewire.speech;

import io.voicewire.audio.vad.SpeechEndpointer;
import io.voicewire.audio.vad.VoiceActivityDetector;

/**
 * One speech-to-text stream: audio chunks in, partial and committed transcripts out.
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   STARTING ──ready──▶ OPEN (listener.onStarted)
 *   OPEN ──sendAudio/commit──▶ OPEN
 *   OPEN ──close()──▶ CLOSED (pending audio is committed first; listener.onClosed)
 *   any ──cancel()──▶ CLOSED (queued audio and decoding dropped; listener.onClosed)
 *   any ──failure──▶ FAILED (listener.onFailure)
 * </pre>
 * Audio sent before the session is ready is queued (bounded). Calls in the wrong state return
 * {@code false} and do nothing; they never throw.
 *
 * <p>Implementations are thread safe.
 */
public interface SttSession extends AutoCloseable {
  /** The request this session was opened with. */
  SttRequest request();

  /**
   * Sends audio in the request's format (16-bit LE PCM at its rate, or μ-law). Returns false when
   * closed, or when the session's bounded input queue is full: the chunk is then not taken, and
   * nothing taken before is dropped (the uplink's overflow policy is to refuse, never to drop
   * accepted audio; the server answers a refusal with {@code queue_overflow} and close 1013,
   * after committing what was taken).
   */
  boolean sendAudio(byte[] audio);

  /**
   * Sends one plain {@code input_audio_chunk} exactly as the client sent it (no commit, no
   * {@code previous_text}): {@code buf[offset, offset + length)} is its JSON text's bytes as
   * received (ASCII), whose audio is the base64 text {@code buf[b64From, b64To)} holding
   * {@code audioBytes} bytes in the request's format. The frame was validated. The bytes are
   * lent for this call only: the caller reuses {@code buf} afterwards, so a session that keeps
   * the frame (a relay's replay ring, a queue) copies it, and no one modifies it. A relay
   * forwards the bytes upstream unchanged, without decoding or encoding; the default decodes the
   * audio and calls {@link #sendAudio}. Same results as {@link #sendAudio}.
   */
  default boolean sendAudioFrame(byte[] buf, int offset, int length, int b64From, int b64To,
      int audioBytes) {
    if (audioBytes == 0) {
      return true;
    }
    return sendAudio(java.util.Base64.getDecoder().decode(
        java.util.Arrays.copyOfRange(buf, b64From, b64To)));
  }

  /** Commits the current segment now. Returns false when closed. */
  boolean commit();

  /**
   * Commits the current segment only if it holds recognized words (the auto-commit of
   * {@link CommitPolicy}); an empty segment just ends. Returns false when closed. The default
   * commits like {@link #commit()}.
   */
  default boolean commitIfSpeech() {
    return commit();
  }

  /**
   * Whether this session applies the protocol's commit rules itself (VAD commit, the 90 s
   * auto-commit): true (the default) for a relay, whose upstream applies them, and for a
   * session of {@link CommitPolicy}. An engine that implements recognition only returns false,
   * and its callers wrap it with {@link CommitPolicy#apply}.
   */
  default boolean appliesCommitRules() {
    return true;
  }

  /**
   * The end-of-speech detector that {@link CommitPolicy} runs over this session's audio (converted
   * to 16 kHz PCM) for {@code commit_strategy=vad}, with the request's parameters. The default is
   * the energy detector of this module ({@link VoiceActivityDetector}); an engine may return a
   * better one. Called once per session; the result is used by one thread at a time.
   */
  default SpeechEndpointer endpointer(VadParams params) {
    return new VoiceActivityDetector(16_000, params);
  }

  /**
   * The {@code previous_text} a client sent with its first audio chunk, given just before that
   * chunk's audio. A relay forwards it with its own first chunk upstream; an engine with no use
   * for context text ignores it (the default).
   */
  default void previousText(String text) {}

  /** Milliseconds of audio accepted so far. */
  long audioReceivedMs();

  /** Ends the session: commits what is pending, then {@code onClosed()}. Idempotent. */
  @Override
  void close();

  /**
   * Abandons the session (its client is gone): queued audio and queued or running decoding are
   * dropped, nothing more is committed, and the terminal event is delivered only once all of the
   * session's work has stopped, so a caller may release the session's resources (its concurrency
   * slot) on that event. Idempotent; after {@link #close()} it only hastens the end.
   *
   * <p>The default delegates to {@link #close()} for providers that hold no queued work.
   */
  default void cancel() {
    close();
  }
}
