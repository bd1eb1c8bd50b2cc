package io.voicewire.client;

import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsAudio;
import io.voicewire.speech.TtsRequest;
import java.util.concurrent.CompletableFuture;

/**
 * Several independent TTS contexts on one {@code multi-stream-input} socket (PROTOCOL.md §3): one
 * per conversational turn, closed on barge-in. The socket is opened once and kept alive; each
 * context resumes after a drop exactly like a {@link TtsStream}.
 *
 * <h2>The context pool</h2>
 * The server allows at most {@link #MAX_CONTEXTS} contexts per socket and closes the socket with
 * 1008 when a sixth is opened, counting a closed context until its {@code isFinal} has been sent.
 * This client never opens a sixth: {@link #openContext} waits for a slot, which a context frees
 * when its {@code isFinal} arrives, and fails with a {@link java.util.concurrent.TimeoutException}
 * after the client's context-wait timeout.
 *
 * <pre>
 *   openContext ──slot free──▶ OPEN ──send/flush──▶ OPEN
 *   OPEN ──close()──▶ CLOSING ──isFinal──▶ DONE (onClosed(true)), slot freed
 *   OPEN/CLOSING ──cancel()──▶ DONE at once (onClosed(false)); slot freed at isFinal
 * </pre>
 *
 * <p>Implementations are thread safe.
 */
public interface MultiContextTts extends AutoCloseable {
  /** Most contexts per socket. */
  int MAX_CONTEXTS = 5;

  /** The request (voice, model, format, settings) every context uses. */
  TtsRequest request();

  /**
   * Opens a context once a slot is free. The future fails with
   * {@link java.util.concurrent.TimeoutException} when no slot frees within the client's
   * context-wait timeout, and with {@link IllegalStateException} when the id is in use or the
   * socket is closed.
   *
   * @param contextId the id, unique among open contexts
   */
  CompletableFuture<Context> openContext(String contextId, ContextListener listener);

  /** Contexts holding a slot: open, closing, or cancelled but not yet final. */
  int contextsInUse();

  /** The current connection status. */
  ConnectionStatus status();

  /** A snapshot of this socket's metrics (all contexts together). */
  StreamMetrics metrics();

  /**
   * Closes gracefully: every context is closed ({@code close_context}), their audio is
   * delivered, then the socket closes and the listener gets {@code onClosed()}. False if already
   * closing or done.
   */
  boolean end();

  /** Closes the socket at once; open contexts get {@code onClosed(false)}. Idempotent. */
  void cancel();

  /** Same as {@link #cancel()}. */
  @Override
  void close();

  /** One context. Thread safe. */
  interface Context {
    /** The id. */
    String id();

    /** Appends text, chunked like {@link TtsStream#send}. False when the context is closing or done. */
    boolean send(CharSequence text);

    /** Generates what is buffered now. False when the context is closing or done. */
    boolean flush();

    /**
     * Ends the turn: the rest is sent with a {@code flush} before {@code close_context} (which
     * voices only flushed text), so all of it is voiced, then {@code isFinal} and
     * {@code onClosed(true)}. False if already closing or done.
     */
    boolean close();

    /**
     * Barge-in: drops any further audio of this context at once and delivers
     * {@code onClosed(false)}; the server is told to close the context, and its slot is freed
     * when the server's {@code isFinal} for it arrives. Idempotent.
     */
    void cancel();

    /** Characters sent or held whose audio has not been delivered yet. */
    long unvoicedChars();
  }

  /**
   * Events of one context, on the socket's callback thread, serially and in order. Exactly one
   * terminal event.
   */
  interface ContextListener {
    /** A chunk of this context's audio; never repeats an input character across resumes. */
    default void onAudio(TtsAudio audio) {}

    /** Terminal: true after {@link Context#close()} and {@code isFinal}; false when cancelled. */
    default void onClosed(boolean complete) {}

    /** Terminal: the socket failed for good. */
    default void onFailure(SpeechError error) {}
  }

  /** Socket-level events. Exactly one terminal event. */
  interface Listener {
    /** The connection status changed. */
    default void onStatus(ConnectionStatus status) {}

    /** Terminal: the socket closed after {@link #end()} or {@link #cancel()}. */
    default void onClosed() {}

    /** Terminal: the socket failed for good. */
    default void onFailure(SpeechError error) {}
  }

  /** Creates multi-context sockets; {@link VoiceClient} is one. */
  interface Factory {
    /** Opens the socket in the background. */
    MultiContextTts newMultiContextTts(TtsRequest request, Listener listener);
  }
}
