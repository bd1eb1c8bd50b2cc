package io.voicewire.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voicewire.protocol.internal.Json;
import io.voicewire.speech.PronunciationLocator;
import io.voicewire.speech.VoiceSettings;
import java.util.List;

/**
 * The JSON body of the HTTP TTS endpoints (PROTOCOL.md §4.3).
 *
 * @param text the text, required
 * @param modelId the model, or null for the server's default
 * @param languageCode ISO code, or null
 * @param voiceSettings settings, or null
 * @param seed seed, or null
 * @param previousText continuity text before, or null
 * @param nextText continuity text after, or null
 * @param applyTextNormalization {@code auto}, {@code on} or {@code off}
 * @param pronunciationDictionaryLocators dictionaries with their versions (empty when none)
 */
public record HttpTtsBody(String text, String modelId, String languageCode,
    VoiceSettings voiceSettings, Long seed, String previousText, String nextText,
    String applyTextNormalization, List<PronunciationLocator> pronunciationDictionaryLocators) {

  public HttpTtsBody {
    pronunciationDictionaryLocators = List.copyOf(pronunciationDictionaryLocators == null
        ? List.of() : pronunciationDictionaryLocators);
  }

  /** Longest text accepted in one HTTP request (Flash v2.5's limit). */
  public static final int MAX_TEXT_CHARS = 40_000;

  /** Decodes and validates; errors are input errors naming the field. */
  public static HttpTtsBody decode(String json) throws ProtocolException {
    ObjectNode o = Json.parseObject(json);
    String text = Json.string(o, "text");
    if (text == null) {
      throw ProtocolException.input("field 'text' is required");
    }
    if (text.length() > MAX_TEXT_CHARS) {
      throw ProtocolException.input("field 'text' is longer than " + MAX_TEXT_CHARS
          + " characters: " + text.length());
    }
    JsonNode vs = Json.object(o, "voice_settings");
    Long seed = null;
    if (o.hasNonNull("seed")) {
      JsonNode s = o.get("seed");
      if (!s.isIntegralNumber() || s.asLong() < 0 || s.asLong() > 4294967295L) {
        throw ProtocolException.input("field 'seed' must be an integer in range [0,4294967295]");
      }
      seed = s.asLong();
    }
    String norm = Json.string(o, "apply_text_normalization");
    if (norm != null && !norm.equals("auto") && !norm.equals("on") && !norm.equals("off")) {
      throw ProtocolException.input("field 'apply_text_normalization' must be auto, on or off");
    }
    return new HttpTtsBody(text, Json.string(o, "model_id"), Json.string(o, "language_code"),
        vs == null ? null : TtsClientMessage.voiceSettings(vs), seed,
        Json.string(o, "previous_text"), Json.string(o, "next_text"),
        norm == null ? "auto" : norm, TtsClientMessage.locators(o));
  }

  /** Encodes as a client sends it. */
  public String encode() {
    return Json.write(g -> {
      g.writeStartObject();
      g.writeStringField("text", text);
      if (modelId != null) {
        g.writeStringField("model_id", modelId);
      }
      if (languageCode != null) {
        g.writeStringField("language_code", languageCode);
      }
      TtsClientMessage.writeVoiceSettings(g, voiceSettings);
      if (seed != null) {
        g.writeNumberField("seed", seed);
      }
      if (previousText != null) {
        g.writeStringField("previous_text", previousText);
      }
      if (nextText != null) {
        g.writeStringField("next_text", nextText);
      }
      if (!"auto".equals(applyTextNormalization) && applyTextNormalization != null) {
        g.writeStringField("apply_text_normalization", applyTextNormalization);
      }
      TtsClientMessage.writeLocators(g, pronunciationDictionaryLocators);
      g.writeEndObject();
    });
  }
}
