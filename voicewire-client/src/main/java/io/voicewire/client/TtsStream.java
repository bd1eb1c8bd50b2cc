package io.voicewire.client;

import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsAudio;
import io.voicewire.speech.TtsRequest;

/**
 * One text-to-speech utterance over {@code stream-input}: text goes in as pieces, audio comes out
 * in chunks with alignment while it is being generated. Survives dropped connections: it
 * reconnects and resumes so that every input character is voiced exactly once (see below).
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   OPEN ──send/flush──▶ OPEN
 *   OPEN ──end()──▶ ENDING ──isFinal──▶ CLOSED            (listener.onClosed(true))
 *   OPEN/ENDING ──cancel()/close()──▶ CLOSED              (listener.onClosed(false))
 *   OPEN/ENDING ──drop──▶ RECONNECTING ──▶ OPEN (resumed)
 *   any ──non-retryable error / gave up──▶ FAILED          (listener.onFailure(error))
 * </pre>
 * Text may be sent at once, before the connection is open and while reconnecting: it is kept and
 * sent when a connection is up. Calls in the wrong state return {@code false} and do nothing.
 *
 * <h2>Resume</h2>
 * The stream keeps the input text and a cursor: how many input characters have had their audio
 * delivered, read from each chunk's {@code alignment}. After a drop it reconnects (with a fresh
 * token when a {@link TokenSupplier} is used), re-sends the init message and the text from the
 * start of the word containing the cursor, and in the new stream drops the audio of characters
 * before the cursor, cutting the first kept chunk at the sample where the cursor's character
 * starts. The seam can therefore fall inside a word; no character is voiced twice. When the server
 * sends no alignment, or the output format is compressed (MP3, Opus) and cannot be cut at a
 * sample, the stream retries only while no audio has been delivered, and says so in
 * {@link ConnectionStatus#resumable()}.
 *
 * <p>Implementations are thread safe.
 */
public interface TtsStream extends AutoCloseable {
  /** The request this stream was opened with. */
  TtsRequest request();

  /**
   * Appends text. With {@code auto_mode} it is cut into sentences and clauses, otherwise into
   * words, by a {@link TextChunker}; what is not yet complete waits for more text, a
   * {@link #flush()} or {@link #end()}. Returns false after {@link #end()}, cancellation or a
   * failure, or when more than {@code MAX_UNVOICED_CHARS} (100 000) characters would be waiting
   * to be voiced (that text is then not taken).
   */
  boolean send(CharSequence text);

  /** Sends everything held and asks the server to generate it now. False when not accepting. */
  boolean flush();

  /**
   * End of input: flushes, then the server voices the rest and sends {@code isFinal}, and the
   * listener gets {@code onClosed(true)}. If no message arrives for the client's finish timeout,
   * the stream fails. False if already ended, cancelled or failed.
   */
  boolean end();

  /** Stops at once: closes the connection, then {@code onClosed(false)}. Idempotent. */
  void cancel();

  /** Same as {@link #cancel()}; use {@link #end()} first to finish gracefully. */
  @Override
  void close();

  /** The current connection status. */
  ConnectionStatus status();

  /** Characters sent (or held) whose audio has not been delivered yet. */
  long unvoicedChars();

  /** A snapshot of this stream's metrics. */
  StreamMetrics metrics();

  /**
   * Receives the events of one {@link TtsStream}, serially (never concurrently) and in order, on
   * the stream's own callback thread, never on the socket's reader thread: a slow listener
   * slows the socket down (back-pressure) but cannot make it fail. Every method has a no-op
   * default. Exactly one terminal event is delivered: {@link #onClosed} or {@link #onFailure}.
   */
  interface Listener {
    /** The connection status changed. */
    default void onStatus(ConnectionStatus status) {}

    /**
     * A chunk of audio in the request's output format, with alignment relative to the chunk's
     * start. Across resumes the chunks join without repeating any input character.
     */
    default void onAudio(TtsAudio audio) {}

    /**
     * Terminal. {@code complete} is true when {@link #end()} was called and all input was voiced
     * ({@code isFinal}); false when the stream was cancelled. No further calls to this listener
     * will be made.
     */
    default void onClosed(boolean complete) {}

    /** Terminal. The stream failed. No further calls to this listener will be made. */
    default void onFailure(SpeechError error) {}
  }

  /** Creates TTS streams; {@link VoiceClient} is one. */
  interface Factory {
    /** Opens a stream; the connection is made in the background. */
    TtsStream newTtsStream(TtsRequest request, Listener listener);
  }
}
