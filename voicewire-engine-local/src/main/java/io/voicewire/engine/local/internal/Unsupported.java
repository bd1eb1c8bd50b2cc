package io.voicewire.engine.local.internal;

import io.voicewire.audio.AudioFormat;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsRequest;
import java.util.Locale;

/**
 * What the local engine refuses at open with {@code unsupported} because it cannot do it, rather
 * than doing something else silently: a language other than English (its voices and its
 * recognizer are English only) and, for speech, an output format it cannot write.
 */
final class Unsupported {
  private Unsupported() {}

  /** The refusal of a speech request, or null when the engine can voice it. */
  static SpeechError tts(TtsRequest request) {
    AudioFormat f = request.outputFormat();
    if (!f.isDecodable()) {
      return new SpeechError(ErrorCode.UNSUPPORTED, "output_format " + f.wireName()
          + " is not supported by the local engine; use pcm_* , ulaw_8000 or alaw_8000");
    }
    return language(request.languageCode(), "speaks");
  }

  /**
   * The refusal of {@code code} (ISO 639-1 or 639-3, optionally with a region), or null for none,
   * a blank one or English.
   *
   * @param does what the engine does in English only, for the message ("speaks", "recognizes")
   */
  static SpeechError language(String code, String does) {
    if (code == null || code.isBlank()
        || code.toLowerCase(Locale.ROOT).matches("en|eng|en[-_].*")) {
      return null;
    }
    return new SpeechError(ErrorCode.UNSUPPORTED, "language_code '" + code + "' is not"
        + " supported by the local engine; it " + does + " English (en) only");
  }
}
