package io.voicewire.client;

import io.voicewire.audio.AudioFormat;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsAudio;
import java.util.List;
import java.util.Objects;

/**
 * A Text-to-Dialogue WebSocket: {@code /v1/text-to-dialogue/stream-input} (one dialogue) or
 * {@code /multi-stream-input} (up to {@value #MAX_CONTEXTS} dialogue contexts). A dialogue
 * registers its voices ({@link #open}), then takes {@link Line}s: a line in another voice, or
 * with {@code newTurn}, starts a speaker turn. The server sends the audio of each turn, then
 * {@code is_final_audio_for_turn} ({@link Listener#onTurnEnd}); closing a dialogue voices its rest,
 * then {@code is_final} ({@link Listener#onFinal}).
 *
 * <pre>
 *   open(voices) ──▶ OPEN ──say/flush/keepAlive──▶ OPEN ──closeContext / end──▶ is_final
 *   any ──cancel() or a failure──▶ DONE
 * </pre>
 * No reconnect: a dropped connection is a failure ({@link Listener#onFailure}). Unlike
 * {@link MultiContextTts} this client does not wait for a free slot: opening a sixth context is
 * refused by the server (1008).
 *
 * <p>Implementations are thread safe; listener events come serially, in order.
 */
public interface DialogueStream extends AutoCloseable {
  /** Most dialogue contexts per multi-stream-input socket (the official limit). */
  int MAX_CONTEXTS = 5;

  /**
   * One dialogue line.
   *
   * @param text the text, ending with a space as the protocol advises
   * @param voiceId one of the dialogue's registered voices
   * @param newTurn start a new turn even in the same voice
   */
  record Line(String text, String voiceId, boolean newTurn) {
    /** Validates. */
    public Line {
      Objects.requireNonNull(text, "text == null");
      Objects.requireNonNull(voiceId, "voiceId == null");
    }

    /** A line that continues the turn when {@code voiceId} is speaking, else starts one. */
    public static Line of(String voiceId, String text) {
      return new Line(text, voiceId, false);
    }
  }

  /**
   * What to open.
   *
   * @param multi {@code multi-stream-input} (contexts) instead of {@code stream-input}
   * @param modelId {@code eleven_v3} (up to 10 voices) or {@code eleven_v3_conversational} (one
   *     voice, the official default); null for the server's default
   * @param outputFormat the audio format; null for the official default ({@code mp3_44100_128})
   * @param syncAlignment ask for the character alignment of every chunk
   */
  record Options(boolean multi, String modelId, AudioFormat outputFormat, boolean syncAlignment) {
    /** A two-or-more-voice dialogue on {@code stream-input} with {@code eleven_v3}. */
    public static Options dialogue(AudioFormat outputFormat) {
      return new Options(false, "eleven_v3", outputFormat, true);
    }

    /** The same on {@code multi-stream-input}. */
    public Options multiContext() {
      return new Options(true, modelId, outputFormat, syncAlignment);
    }
  }

  /** Events; {@code contextId} is null on {@code stream-input}. */
  interface Listener {
    /** A chunk of a turn's audio. */
    default void onAudio(String contextId, TtsAudio audio) {}

    /** {@code is_final_audio_for_turn}: a speaker's turn has all its audio. */
    default void onTurnEnd(String contextId) {}

    /** {@code is_final}: the dialogue (context) has ended; nothing of it follows. */
    default void onFinal(String contextId) {}

    /** Terminal: the socket closed normally (after {@link #end()}). */
    default void onClosed() {}

    /** Terminal: an error message of the server, a refused handshake or a dropped socket. */
    default void onFailure(SpeechError error) {}
  }

  /**
   * Registers a dialogue's voices: the first message of the stream ({@code contextId} null) or
   * of a context. False when the socket is closing or done.
   */
  boolean open(String contextId, List<String> voices);

  /** Sends lines; {@code flush} generates what is buffered now. False when closing or done. */
  boolean say(String contextId, List<Line> lines, boolean flush);

  /** Resets the 20 s inactivity timer (of the context). */
  boolean keepAlive(String contextId);

  /** Ends a context of multi-stream-input: its rest is voiced, then {@code is_final}. */
  boolean closeContext(String contextId);

  /** {@code close_socket}: everything is voiced, the {@code is_final}s, then the socket closes. */
  boolean end();

  /** Closes the socket at once. Idempotent. */
  void cancel();

  /** Same as {@link #cancel()}. */
  @Override
  void close();
}
