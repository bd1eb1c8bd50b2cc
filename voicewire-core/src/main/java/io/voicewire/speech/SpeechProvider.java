package io.voicewire.speech;

import io.voicewire.audio.AudioFormat;
import java.util.List;

/**
 * A source of speech sessions: the offline engine, or ElevenLabs through the SDK. The server's
 * protocol handlers see only this interface.
 *
 * <p>A provider is shared by all sessions and is thread safe. Opening a session never blocks on
 * synthesis or recognition; problems the request cannot know of in advance (an unknown voice, an
 * output format the engine cannot make, no capacity) are reported through the listener's
 * {@code onFailure}, never thrown.
 */
public interface SpeechProvider extends AutoCloseable {
  /** A short name for logs and metrics, e.g. {@code local} or {@code elevenlabs}. */
  String name();

  /** True once the provider can serve sessions at full speed (models loaded and warmed). */
  boolean isReady();

  /** The voices offered. */
  List<VoiceInfo> voices();

  /** The models offered. */
  List<ModelInfo> models();

  /** Opens a text-to-speech session. */
  TtsSession openTts(TtsRequest request, TtsListener listener);

  /** Opens a speech-to-text session; {@link SttListener#onStarted} follows. */
  SttSession openStt(SttRequest request, SttListener listener);

  /**
   * The upstream HTTP endpoints when this provider relays to another server (the ElevenLabs
   * cloud): the server then forwards its HTTP text-to-speech, batch speech-to-text, voices and
   * models endpoints there unchanged. Null (the default) for an engine that serves them itself.
   */
  default HttpRelay httpRelay() {
    return null;
  }

  /**
   * The upstream for the Text-to-Dialogue WebSockets, for a provider that relays them to the
   * same sockets of another server (see {@link DialogueRelay}). Null (the default) for an engine
   * that voices a dialogue's turns itself, as text-to-speech sessions.
   */
  default DialogueRelay dialogueRelay() {
    return null;
  }

  /**
   * True when this provider makes audio in {@code format} itself. For a format it does not make
   * but {@link io.voicewire.audio.AudioEncoder} can encode (MP3 and Opus from the offline
   * engine), the server asks the provider for PCM at the codec's rate and encodes each chunk as
   * it arrives. The default: the formats voicewire decodes ({@code pcm_*}, G.711).
   */
  default boolean producesFormat(AudioFormat format) {
    return format.isDecodable();
  }

  /**
   * True when opening a session and every call on a session never block the caller (a relay's
   * asynchronous sends): the server may then run its WebSocket handlers on the socket's selector
   * thread, with no hand-off per frame (opt-in, see the server docs). {@link #voices()} and
   * {@link #models()} may still block (a relay fetches its catalog). False (the default) for an
   * engine that may wait.
   */
  default boolean nonBlockingCalls() {
    return false;
  }

  /** Releases the engine's resources. */
  @Override
  void close();
}
