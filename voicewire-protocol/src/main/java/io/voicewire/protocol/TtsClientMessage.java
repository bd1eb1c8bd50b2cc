package io.voicewire.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voicewire.protocol.internal.Json;
import io.voicewire.speech.PronunciationLocator;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.VoiceSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Any message a client sends on {@code stream-input} or {@code multi-stream-input} (PROTOCOL.md
 * §2.3, §3.2), read tolerantly: {@code generation_config} or {@code generator_config},
 * {@code context_id} or {@code contextId}, {@code xi_api_key} or {@code xi-api-key}.
 *
 * @param text the text, null when absent ({@code " "} = init/keep-alive, {@code ""} = end of
 *     input on stream-input, keep-alive on a context)
 * @param flush generate everything buffered now
 * @param tryTriggerGeneration the protocol's weak trigger
 * @param voiceSettings settings, only allowed on a context's first message; null when absent
 * @param chunkLengthSchedule from the generation config, null when absent
 * @param pronunciationDictionaryLocators dictionaries with their versions (forwarded by the relay,
 *     accepted and ignored by the local engine)
 * @param apiKey first-message API key, or null
 * @param authorization first-message bearer token, or null
 * @param contextId the context, or null for the default context
 * @param closeContext close this context after its pending audio
 * @param closeSocket close every context and the socket
 */
public record TtsClientMessage(
    String text,
    boolean flush,
    boolean tryTriggerGeneration,
    VoiceSettings voiceSettings,
    List<Integer> chunkLengthSchedule,
    List<PronunciationLocator> pronunciationDictionaryLocators,
    String apiKey,
    String authorization,
    String contextId,
    boolean closeContext,
    boolean closeSocket) {

  /** True when the message carries settings that are allowed only on a context's first message. */
  public boolean hasSettings() {
    return voiceSettings != null || chunkLengthSchedule != null;
  }

  /**
   * {@code base} with the settings of this first message of a stream or context applied; the
   * names of the fields this message carries join {@link TtsRequest#explicit()} when {@code base}
   * was read from a client, so a relay forwards them and nothing else.
   */
  public TtsRequest applyTo(TtsRequest base) {
    TtsRequest.Builder b = base.toBuilder();
    java.util.Set<String> chosen = base.explicit() == null ? null
        : new java.util.LinkedHashSet<>(base.explicit());
    if (voiceSettings != null) {
      b.voiceSettings(voiceSettings);
      if (chosen != null) {
        chosen.add("voice_settings");
      }
    }
    if (chunkLengthSchedule != null) {
      b.chunkLengthSchedule(chunkLengthSchedule);
      if (chosen != null) {
        chosen.add("generation_config");
      }
    }
    if (!pronunciationDictionaryLocators.isEmpty()) {
      b.pronunciationDictionaryLocators(pronunciationDictionaryLocators);
    }
    return b.explicit(chosen).build();
  }

  /** A plain text message. */
  public static TtsClientMessage text(String text, boolean flush, String contextId) {
    return new TtsClientMessage(text, flush, false, null, null, List.of(), null, null, contextId,
        false, false);
  }

  /**
   * Decodes one message.
   *
   * @throws ProtocolException (input_error, 1007) for malformed JSON, wrong field types, invalid
   *     voice settings or an out-of-range schedule. Unknown fields are ignored, as
   *     newer clients may send fields this server does not know.
   */
  public static TtsClientMessage decode(String json) throws ProtocolException {
    ObjectNode o = Json.parseObject(json);
    String text = Json.string(o, "text");
    boolean flush = Json.bool(o, "flush", false);
    boolean tryTrigger = Json.bool(o, "try_trigger_generation", false);
    VoiceSettings vs = null;
    JsonNode vsNode = Json.object(o, "voice_settings");
    if (vsNode != null) {
      vs = voiceSettings(vsNode);
    }
    List<Integer> schedule = null;
    JsonNode gen = Json.object(o, "generation_config");
    if (gen == null) {
      gen = Json.object(o, "generator_config");
    }
    if (gen != null) {
      schedule = Json.intList(gen, "chunk_length_schedule");
      if (schedule != null) {
        if (schedule.isEmpty()) {
          throw ProtocolException.input("chunk_length_schedule must not be empty");
        }
        for (int v : schedule) {
          if (v < 50 || v > 500) {
            throw ProtocolException.input(
                "chunk_length_schedule values must be in range [50,500]: " + v);
          }
        }
      }
    }
    List<PronunciationLocator> dicts = locators(o);
    String key = Json.string(o, "xi_api_key");
    if (key == null) {
      key = Json.string(o, "xi-api-key");
    }
    String ctx = Json.string(o, "context_id");
    if (ctx == null) {
      ctx = Json.string(o, "contextId");
    }
    return new TtsClientMessage(text, flush, tryTrigger, vs, schedule, dicts, key,
        Json.string(o, "authorization"), ctx, Json.bool(o, "close_context", false),
        Json.bool(o, "close_socket", false));
  }

  /** The {@code pronunciation_dictionary_locators} of {@code o}, versions kept; empty if none. */
  static List<PronunciationLocator> locators(JsonNode o) throws ProtocolException {
    List<PronunciationLocator> dicts = new ArrayList<>();
    JsonNode pd = o.get("pronunciation_dictionary_locators");
    if (pd != null && !pd.isNull()) {
      if (!pd.isArray()) {
        throw ProtocolException.input("field 'pronunciation_dictionary_locators' must be an array");
      }
      for (JsonNode e : pd) {
        String id = e.isObject() ? Json.string(e, "pronunciation_dictionary_id") : null;
        if (id == null) {
          throw ProtocolException.input(
              "pronunciation_dictionary_locators entries need a pronunciation_dictionary_id");
        }
        dicts.add(new PronunciationLocator(id, Json.string(e, "version_id")));
      }
    }
    return dicts;
  }

  /** Writes {@code pronunciation_dictionary_locators} unless {@code locators} is empty. */
  static void writeLocators(com.fasterxml.jackson.core.JsonGenerator g,
      List<PronunciationLocator> locators) throws java.io.IOException {
    if (locators == null || locators.isEmpty()) {
      return;
    }
    g.writeArrayFieldStart("pronunciation_dictionary_locators");
    for (PronunciationLocator l : locators) {
      g.writeStartObject();
      g.writeStringField("pronunciation_dictionary_id", l.dictionaryId());
      if (l.versionId() != null) {
        g.writeStringField("version_id", l.versionId());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  /**
   * The {@code voice_settings} object {@code n}: unset fields get the protocol's defaults, and
   * {@link VoiceSettings#chosen()} names the ones it carried.
   */
  static VoiceSettings voiceSettings(JsonNode n) throws ProtocolException {
    VoiceSettings d = VoiceSettings.DEFAULT;
    try {
      Double st = Json.number(n, "stability");
      Double sim = Json.number(n, "similarity_boost");
      Double style = Json.number(n, "style");
      Double speed = Json.number(n, "speed");
      java.util.Set<String> chosen = new java.util.LinkedHashSet<>();
      for (String f : VoiceSettings.FIELDS) {
        if (n.hasNonNull(f)) {
          chosen.add(f);
        }
      }
      return new VoiceSettings(st == null ? d.stability() : st,
          sim == null ? d.similarityBoost() : sim, style == null ? d.style() : style,
          Json.bool(n, "use_speaker_boost", d.useSpeakerBoost()),
          speed == null ? d.speed() : speed, chosen);
    } catch (IllegalArgumentException e) {
      throw ProtocolException.input("voice_settings: " + e.getMessage());
    }
  }

  /** Writes {@code voice_settings} with the fields the settings carry, unless null. */
  static void writeVoiceSettings(com.fasterxml.jackson.core.JsonGenerator g, VoiceSettings vs)
      throws java.io.IOException {
    writeVoiceSettings(g, "voice_settings", vs);
  }

  /** Writes {@code vs} as the object field {@code field}, with the fields it carries, unless null. */
  static void writeVoiceSettings(com.fasterxml.jackson.core.JsonGenerator g, String field,
      VoiceSettings vs) throws java.io.IOException {
    if (vs == null) {
      return;
    }
    g.writeObjectFieldStart(field);
    if (vs.chose("stability")) {
      g.writeNumberField("stability", vs.stability());
    }
    if (vs.chose("similarity_boost")) {
      g.writeNumberField("similarity_boost", vs.similarityBoost());
    }
    if (vs.chose("style")) {
      g.writeNumberField("style", vs.style());
    }
    if (vs.chose("use_speaker_boost")) {
      g.writeBooleanField("use_speaker_boost", vs.useSpeakerBoost());
    }
    if (vs.chose("speed")) {
      g.writeNumberField("speed", vs.speed());
    }
    g.writeEndObject();
  }

  /** Encodes as a client sends it ({@code context_id}, {@code generation_config}). */
  public String encode() {
    return encode("generation_config");
  }

  /**
   * Encodes as a later {@code SendText} on {@code stream-input}, whose document names the
   * schedule's object {@code generator_config}.
   */
  public String encodeAsSendText() {
    return encode("generator_config");
  }

  private String encode(String generationConfigName) {
    return Json.write(g -> {
      g.writeStartObject();
      if (text != null) {
        g.writeStringField("text", text);
      }
      if (contextId != null) {
        g.writeStringField("context_id", contextId);
      }
      if (flush) {
        g.writeBooleanField("flush", true);
      }
      if (tryTriggerGeneration) {
        g.writeBooleanField("try_trigger_generation", true);
      }
      writeVoiceSettings(g, voiceSettings);
      if (chunkLengthSchedule != null) {
        g.writeObjectFieldStart(generationConfigName);
        g.writeArrayFieldStart("chunk_length_schedule");
        for (int v : chunkLengthSchedule) {
          g.writeNumber(v);
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      writeLocators(g, pronunciationDictionaryLocators);
      if (apiKey != null) {
        g.writeStringField("xi_api_key", apiKey);
      }
      if (authorization != null) {
        g.writeStringField("authorization", authorization);
      }
      if (closeContext) {
        g.writeBooleanField("close_context", true);
      }
      if (closeSocket) {
        g.writeBooleanField("close_socket", true);
      }
      g.writeEndObject();
    });
  }

  @Override
  public String toString() {
    // never print credentials
    return "TtsClientMessage[text=" + (text == null ? null : text.length() + " chars")
        + ", flush=" + flush + ", contextId=" + contextId + ", closeContext=" + closeContext
        + ", closeSocket=" + closeSocket + ", settings=" + hasSettings() + "]";
  }
}
