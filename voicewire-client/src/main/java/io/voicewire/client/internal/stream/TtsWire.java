package io.voicewire.client.internal.stream;

import io.voicewire.client.internal.Logs;
import io.voicewire.protocol.ProtocolException;
import io.voicewire.protocol.TtsClientMessage;
import io.voicewire.protocol.TtsServerMessage;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsRequest;
import java.util.List;
import org.slf4j.Logger;

/**
 * The TTS messages both {@code stream-input} and {@code multi-stream-input} streams send and
 * read, in one place (PROTOCOL.md §2, §3). Stateless.
 */
final class TtsWire {
  private static final Logger log = Logs.get(TtsWire.class);

  private TtsWire() {}

  /** A server message, or null (logged) when it cannot be read: such a message is ignored. */
  static TtsServerMessage decode(String stream, String text) {
    try {
      return TtsServerMessage.decode(text);
    } catch (ProtocolException e) {
      log.debug("{}: ignoring an unreadable server message: {}", stream, e.getMessage());
      return null;
    }
  }

  /** The error a server's error message reports; an unknown code reads as a plain error. */
  static SpeechError error(TtsServerMessage.Error e) {
    ErrorCode code = ErrorCode.fromWire(e.error());
    return new SpeechError(code == null ? ErrorCode.ERROR : code,
        e.message() == null ? e.error() : e.message());
  }

  /**
   * The init message: one space, voice settings, the schedule unless in auto_mode, and the
   * pronunciation dictionaries; for a request read from a client (a relay), only the settings
   * that client chose.
   */
  static String init(TtsRequest request, String contextId) {
    return new TtsClientMessage(" ", false, false,
        request.chose("voice_settings") ? request.voiceSettings() : null,
        request.autoMode() || !request.chose("generation_config") ? null
            : request.chunkLengthSchedule(),
        request.pronunciationDictionaryLocators(), null, null, contextId, false, false).encode();
  }

  /** Plain text for a context (or the socket, when {@code contextId} is null). */
  static String text(String text, boolean flush, String contextId) {
    return TtsClientMessage.text(text, flush, contextId).encode();
  }

  /** {@code close_context} for one context of {@code multi-stream-input}. */
  static String closeContext(String contextId) {
    return new TtsClientMessage(null, false, false, null, null, List.of(), null, null, contextId,
        true, false).encode();
  }
}
