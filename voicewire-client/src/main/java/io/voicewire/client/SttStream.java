package io.voicewire.client;

import io.voicewire.speech.SpeechError;
import io.voicewire.speech.SttListener;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.Transcript;
import java.io.IOException;
import java.io.InputStream;

/**
 * One realtime speech-to-text stream ({@code /v1/speech-to-text/realtime}): audio chunks in,
 * partial and committed transcripts out. Survives dropped connections without losing audio or
 * repeating a committed transcript (see below).
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   CONNECTING ──session_started──▶ OPEN (listener.onStarted, once)
 *   OPEN ──sendAudio/commit──▶ OPEN
 *   OPEN ──end()/close()──▶ ENDING ──last committed transcript──▶ CLOSED (listener.onClosed)
 *   OPEN/ENDING ──drop──▶ RECONNECTING ──▶ OPEN (replayed)
 *   any ──cancel()──▶ CLOSED;  any ──non-retryable error / gave up──▶ FAILED (onFailure)
 * </pre>
 * Calls in the wrong state return {@code false} and do nothing.
 *
 * <h2>Resume</h2>
 * Every audio byte sent since the last committed transcript is kept in a bounded ring (the
 * client's {@code sttReplayLimit}, 30 s by default; when it is full the <em>oldest</em> audio is
 * dropped and counted in {@link StreamMetrics#replayOverflowMillis()}). After a drop the stream
 * opens a new session with the same parameters, replays the ring, then continues live; audio sent
 * while reconnecting goes into the ring too. Transcripts carry their place in the stream's audio
 * ({@link Transcript#audioStartMs()}, {@link Transcript#audioEndMs()}, continuous across
 * sessions); a committed transcript that ends at or before the last delivered one is a repeat and
 * is dropped. The first partial after a seam supersedes the partials before it. To place
 * committed text on the audio timeline the stream asks the server for word timestamps; it strips
 * them when the request did not ask for them.
 *
 * <p>Implementations are thread safe.
 */
public interface SttStream extends AutoCloseable {
  /** The request this stream was opened with. */
  SttRequest request();

  /**
   * Sends audio in the request's format (16-bit LE mono PCM at its rate, or μ-law), a whole
   * number of frames. Returns false when not accepting, or when the connection's outgoing queue is
   * full (the chunk is then not taken; the stream goes on).
   */
  boolean sendAudio(byte[] audio);

  /** Sends {@code len} bytes of {@code audio} from {@code offset}; see {@link #sendAudio(byte[])}. */
  boolean sendAudio(byte[] audio, int offset, int len);

  /** Commits the current segment. False when not accepting. */
  boolean commit();

  /**
   * Ends gracefully: commits what is pending, waits for its committed transcript (bounded by the
   * client's finish timeout), closes, then {@code onClosed()}. False if already ending or done.
   */
  boolean end();

  /** Stops at once, then {@code onClosed()}. Idempotent. */
  void cancel();

  /** Same as {@link #end()}. */
  @Override
  void close();

  /** Milliseconds of audio taken so far. */
  long audioSentMs();

  /** The current connection status. */
  ConnectionStatus status();

  /** A snapshot of this stream's metrics. */
  StreamMetrics metrics();

  /**
   * Sends everything {@code in} yields (raw audio in the request's format, no header) in chunks of
   * {@code chunkMillis}, paced at real time when {@code realTime} is true, then returns the number
   * of bytes sent. Blocks the calling thread (use a virtual thread); stops early when the stream
   * stops accepting. Does not end the stream.
   */
  default long pump(InputStream in, int chunkMillis, boolean realTime) throws IOException {
    return io.voicewire.client.audio.AudioPump.pump(in, this, chunkMillis, realTime);
  }

  /**
   * Receives the events of one {@link SttStream}, serially and in order, on the stream's own
   * callback thread (never the socket's reader thread). Every method has a no-op default. Exactly
   * one terminal event is delivered: {@link #onClosed} or {@link #onFailure}.
   *
   * <p>The transcript and terminal events are those of an engine's {@link SttListener}; a stream
   * adds its connection status and replay drops.
   */
  interface Listener extends SttListener {
    /** The connection status changed. */
    default void onStatus(ConnectionStatus status) {}

    /** The first session started. Delivered once, before any transcript. */
    @Override
    default void onStarted(String sessionId) {}

    /** An interim transcript of the current segment; superseded by the next partial or commit. */
    @Override
    default void onPartial(Transcript partial) {}

    /** A committed segment. Never repeated, also across resumes. */
    @Override
    default void onCommitted(Transcript committed) {}

    /**
     * The full replay ring dropped its oldest audio (drop-oldest, at the client's
     * {@code sttReplayLimit}): that audio was sent, but its transcript was not committed yet and
     * can no longer be replayed after a drop.
     *
     * @param droppedMillis audio dropped now
     * @param totalDroppedMillis audio dropped since the stream opened
     */
    default void onReplayDropped(long droppedMillis, long totalDroppedMillis) {}

    /**
     * A server message this SDK does not model as an event, as received: Scribe's
     * {@code final_transcript}, {@code final_transcript_with_timestamps} and
     * {@code committed_transcript_entities} (with {@code entity_detection}), and newer types.
     * After a resume, one may repeat what was said before the seam.
     *
     * @param messageType its {@code message_type}
     * @param json the whole message
     */
    @Override
    default void onServerMessage(String messageType, String json) {}

    /** Terminal. The stream ended. No further calls to this listener will be made. */
    @Override
    default void onClosed() {}

    /** Terminal. The stream failed. No further calls to this listener will be made. */
    @Override
    default void onFailure(SpeechError error) {}
  }

  /** Creates STT streams; {@link VoiceClient} is one. */
  interface Factory {
    /** Opens a stream; the connection is made in the background. */
    SttStream newSttStream(SttRequest request, Listener listener);
  }
}
