package io.voicewire.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.voicewire.protocol.internal.Json;
import io.voicewire.speech.ModelInfo;
import io.voicewire.speech.VoiceInfo;
import io.voicewire.speech.VoiceSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON bodies of the REST endpoints other than TTS (PROTOCOL.md §6.2, §8.1, §8.2): voices
 * ({@code GET /v1/voices}, {@code GET /v1/voices/{voice_id}}), models ({@code GET /v1/models},
 * a bare array) and the single-use token ({@code {"token":…}}). The server writes them with the
 * {@code encode} methods; the client reads them with the {@code decode} methods, which accept
 * the official service's answers too. Stateless; thread safe.
 */
public final class RestBodies {
  /** Languages by ISO 639-1 code, for the {@code languages} of {@code /v1/models}. */
  private static final Map<String, String> LANGUAGE_NAMES = Map.ofEntries(
      Map.entry("en", "English"), Map.entry("de", "German"), Map.entry("fr", "French"),
      Map.entry("es", "Spanish"), Map.entry("it", "Italian"), Map.entry("pt", "Portuguese"),
      Map.entry("nl", "Dutch"), Map.entry("pl", "Polish"), Map.entry("ja", "Japanese"),
      Map.entry("zh", "Chinese"), Map.entry("ko", "Korean"), Map.entry("ru", "Russian"),
      Map.entry("sv", "Swedish"), Map.entry("tr", "Turkish"), Map.entry("hi", "Hindi"),
      Map.entry("ar", "Arabic"), Map.entry("te", "Telugu"));
  /** The character limit per request that {@code /v1/models} states for every model. */
  private static final int MAX_CHARACTERS_PER_REQUEST = 40_000;

  private RestBodies() {}

  /** {@code {"voices":[…]}}; {@code ttsModelIds} are every voice's high-quality base models. */
  public static String encodeVoices(List<VoiceInfo> voices, List<String> ttsModelIds) {
    return Json.write(g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("voices");
      for (VoiceInfo v : voices) {
        writeVoice(g, v, ttsModelIds);
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  /** One voice, as {@code GET /v1/voices/{voice_id}} answers it. */
  public static String encodeVoice(VoiceInfo v, List<String> ttsModelIds) {
    return Json.write(g -> writeVoice(g, v, ttsModelIds));
  }

  private static void writeVoice(JsonGenerator g, VoiceInfo v, List<String> ttsModelIds)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("voice_id", v.voiceId());
    g.writeStringField("name", v.name());
    g.writeStringField("category", v.category());
    g.writeObjectFieldStart("labels");
    for (Map.Entry<String, String> e : v.labels().entrySet()) {
      g.writeStringField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
    g.writeStringField("description", v.description());
    g.writeNullField("preview_url");
    g.writeArrayFieldStart("samples");
    g.writeEndArray();
    TtsClientMessage.writeVoiceSettings(g, "settings", VoiceSettings.DEFAULT);
    g.writeArrayFieldStart("high_quality_base_model_ids");
    for (String id : ttsModelIds) {
      g.writeString(id);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("available_for_tiers");
    g.writeEndArray();
    g.writeBooleanField("is_owner", false);
    g.writeBooleanField("is_legacy", false);
    g.writeBooleanField("is_mixed", false);
    g.writeNumberField("native_sample_rate", v.nativeSampleRate());
    g.writeEndObject();
  }

  /**
   * The voices of a {@code {"voices":[…]}} body; entries without a {@code voice_id} are skipped.
   * The official answer has no sample rate (a voice's rate is that of the output format asked
   * for), so {@link VoiceInfo#nativeSampleRate()} is 0 (unknown).
   */
  public static List<VoiceInfo> decodeVoices(String json) throws ProtocolException {
    List<VoiceInfo> out = new ArrayList<>();
    for (JsonNode v : Json.parseObject(json).path("voices")) {
      Map<String, String> labels = new LinkedHashMap<>();
      v.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(),
          e.getValue().asText()));
      String id = v.path("voice_id").asText(null);
      if (id == null) {
        continue;
      }
      out.add(new VoiceInfo(id, v.path("name").asText(id), v.path("category").asText("premade"),
          labels, v.path("description").asText(""), 0));
    }
    return out;
  }

  /** The bare array of {@code GET /v1/models}. */
  public static String encodeModels(List<ModelInfo> models) {
    return Json.write(g -> {
      g.writeStartArray();
      for (ModelInfo m : models) {
        writeModel(g, m);
      }
      g.writeEndArray();
    });
  }

  private static void writeModel(JsonGenerator g, ModelInfo m) throws IOException {
    g.writeStartObject();
    g.writeStringField("model_id", m.modelId());
    g.writeStringField("name", m.name());
    g.writeStringField("description", m.description());
    g.writeBooleanField("can_be_finetuned", false);
    g.writeBooleanField("can_do_text_to_speech", m.canDoTextToSpeech());
    g.writeBooleanField("can_do_voice_conversion", false);
    g.writeBooleanField("can_do_speech_to_text", m.canDoSpeechToText());
    g.writeBooleanField("can_use_style", false);
    g.writeBooleanField("can_use_speaker_boost", false);
    g.writeBooleanField("serves_pro_voices", false);
    g.writeNumberField("token_cost_factor", 1.0);
    g.writeBooleanField("requires_alpha_access", false);
    g.writeNumberField("max_characters_request_free_user", MAX_CHARACTERS_PER_REQUEST);
    g.writeNumberField("max_characters_request_subscribed_user", MAX_CHARACTERS_PER_REQUEST);
    g.writeNumberField("maximum_text_length_per_request", MAX_CHARACTERS_PER_REQUEST);
    g.writeArrayFieldStart("languages");
    for (String lang : m.languages()) {
      g.writeStartObject();
      g.writeStringField("language_id", lang);
      g.writeStringField("name", LANGUAGE_NAMES.getOrDefault(lang.toLowerCase(Locale.ROOT), lang));
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeObjectFieldStart("model_rates");
    g.writeNumberField("character_cost_multiplier", 1.0);
    g.writeEndObject();
    g.writeStringField("concurrency_group", "standard");
    g.writeEndObject();
  }

  /**
   * The models of a {@code GET /v1/models} array; entries without a {@code model_id} are skipped.
   * The official answer says only {@code can_do_text_to_speech}; speech-to-text models are the
   * Scribe family, which no official field flags (a voicewire server adds
   * {@code can_do_speech_to_text}, honoured when present).
   */
  public static List<ModelInfo> decodeModels(String json) throws ProtocolException {
    JsonNode arr;
    try {
      arr = Json.mapper().readTree(json);
    } catch (IOException e) {
      throw ProtocolException.input(e.getMessage());
    }
    if (arr == null || !arr.isArray()) {
      throw ProtocolException.input(
          "the models response is not a JSON array");
    }
    List<ModelInfo> out = new ArrayList<>();
    for (JsonNode m : arr) {
      String id = m.path("model_id").asText(null);
      if (id == null) {
        continue;
      }
      List<String> langs = new ArrayList<>();
      for (JsonNode l : m.path("languages")) {
        langs.add(l.isTextual() ? l.asText() : l.path("language_id").asText(""));
      }
      JsonNode stt = m.get("can_do_speech_to_text");
      out.add(new ModelInfo(id, m.path("name").asText(id), m.path("description").asText(""),
          m.path("can_do_text_to_speech").asBoolean(false),
          stt != null && stt.isBoolean() ? stt.asBoolean() : isSpeechToText(id), langs));
    }
    return out;
  }

  /** True for the ids of ElevenLabs' speech-to-text models ({@code scribe_*}). */
  public static boolean isSpeechToText(String modelId) {
    return modelId.startsWith("scribe_");
  }

  /** {@code {"token":…}}, the answer of {@code POST /v1/single-use-token/{token_type}}. */
  public static String encodeToken(String token) {
    return Json.write(g -> {
      g.writeStartObject();
      g.writeStringField("token", token);
      g.writeEndObject();
    });
  }

  /** The token of a {@code {"token":…}} body; a missing or empty token is an input error. */
  public static String decodeToken(String json) throws ProtocolException {
    String token = Json.string(Json.parseObject(json), "token");
    if (token == null || token.isEmpty()) {
      throw ProtocolException.input("the token response has no 'token'");
    }
    return token;
  }
}
