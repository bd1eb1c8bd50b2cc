package io.voicewire.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voicewire.protocol.internal.Json;
import io.voicewire.speech.CommitStrategy;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.Word;
import java.util.List;

/**
 * Messages a server sends on the realtime STT socket (PROTOCOL.md §5.3, §5.5). Decoding is
 * tolerant: the {@code _error} name variants, both {@code characters} forms in words, and
 * unknown types as {@link Other}.
 */
public sealed interface SttServerMessage {

  /** The {@code message_type}. */
  String messageType();

  /** Encodes as a server sends it. */
  String encode();

  /**
   * {@code session_started}.
   *
   * @param sessionId the session id
   * @param request the effective configuration (written into {@code config})
   * @param enableLogging the client's logging choice (echoed in {@code config})
   * @param voicewireResume voicewire's resume extension ({@link SttResume}), or null (the
   *     official shape; always null for a client that did not opt in)
   */
  record SessionStarted(String sessionId, SttRequest request, boolean enableLogging,
      SttResume.Info voicewireResume) implements SttServerMessage {

    /** The official shape: no {@code voicewire_resume} field. */
    public SessionStarted(String sessionId, SttRequest request, boolean enableLogging) {
      this(sessionId, request, enableLogging, null);
    }

    @Override
    public String messageType() {
      return "session_started";
    }

    @Override
    public String encode() {
      return Json.write(g -> {
        g.writeStartObject();
        g.writeStringField("message_type", messageType());
        g.writeStringField("session_id", sessionId);
        g.writeObjectFieldStart("config");
        SttRequest r = request;
        g.writeNumberField("sample_rate", r.audioFormat().sampleRate());
        g.writeStringField("audio_format", r.audioFormat().wireName());
        if (r.languageCode() != null) {
          g.writeStringField("language_code", r.languageCode());
        } else {
          g.writeNullField("language_code");
        }
        // the sources disagree on the key (PROTOCOL.md §5.3): send both
        g.writeStringField("commit_strategy", r.commitStrategy().wireName());
        g.writeStringField("vad_commit_strategy", r.commitStrategy().wireName());
        g.writeNumberField("vad_silence_threshold_secs", r.vad().silenceThresholdSecs());
        g.writeNumberField("vad_threshold", r.vad().threshold());
        g.writeNumberField("min_speech_duration_ms", r.vad().minSpeechDurationMs());
        g.writeNumberField("min_silence_duration_ms", r.vad().minSilenceDurationMs());
        g.writeStringField("model_id", r.modelId());
        g.writeBooleanField("enable_logging", enableLogging);
        g.writeBooleanField("include_timestamps", r.includeTimestamps());
        g.writeBooleanField("include_language_detection", r.includeLanguageDetection());
        g.writeArrayFieldStart("keyterms");
        for (String k : r.keyterms()) {
          g.writeString(k);
        }
        g.writeEndArray();
        // newer options, echoed as chosen (no_verbatim is applied by the server's NoVerbatim;
        // the offline engine detects no entities and filters no background audio)
        g.writeBooleanField("no_verbatim", Boolean.TRUE.equals(r.noVerbatim()));
        writeList(g, "secondary_languages", r.secondaryLanguages());
        writeList(g, "entity_detection", r.entityDetection());
        if (r.filterBackgroundAudio() != null) {
          g.writeBooleanField("filter_background_audio", r.filterBackgroundAudio());
        }
        g.writeEndObject();
        if (voicewireResume != null) {
          voicewireResume.write(g); // only to a client that opted in (SttResume)
        }
        g.writeEndObject();
      });
    }
  }

  private static void writeList(com.fasterxml.jackson.core.JsonGenerator g, String name,
      List<String> values) throws java.io.IOException {
    if (values.isEmpty()) {
      return;
    }
    g.writeArrayFieldStart(name);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  /** {@code partial_transcript}. */
  record Partial(String text) implements SttServerMessage {
    @Override
    public String messageType() {
      return "partial_transcript";
    }

    @Override
    public String encode() {
      return textMessage(messageType(), text);
    }
  }

  /** {@code committed_transcript}. */
  record Committed(String text) implements SttServerMessage {
    @Override
    public String messageType() {
      return "committed_transcript";
    }

    @Override
    public String encode() {
      return textMessage(messageType(), text);
    }
  }

  /** {@code committed_transcript_with_timestamps}, sent after {@link Committed}. */
  record CommittedWithTimestamps(String text, String languageCode, List<Word> words)
      implements SttServerMessage {
    @Override
    public String messageType() {
      return "committed_transcript_with_timestamps";
    }

    @Override
    public String encode() {
      return Json.write(g -> {
        g.writeStartObject();
        g.writeStringField("message_type", messageType());
        g.writeStringField("text", text);
        if (languageCode != null) {
          g.writeStringField("language_code", languageCode);
        } else {
          g.writeNullField("language_code");
        }
        if (words == null) {
          g.writeEndObject(); // language detection only: no word list
          return;
        }
        g.writeArrayFieldStart("words");
        for (Word w : words) {
          SttWords.write(g, w);
        }
        g.writeEndArray();
        g.writeEndObject();
      });
    }
  }

  /**
   * An error: {@code {"message_type": <code>, "error": <details>}}.
   *
   * @param code the parsed code
   * @param rawType the {@code message_type} as received (or as sent)
   * @param error the details
   */
  record Error(ErrorCode code, String rawType, String error) implements SttServerMessage {
    /** An error as a server sends it. */
    public static Error of(ErrorCode code, String details) {
      return new Error(code, code.wireName(), details);
    }

    @Override
    public String messageType() {
      return rawType;
    }

    @Override
    public String encode() {
      return Json.write(g -> {
        g.writeStartObject();
        g.writeStringField("message_type", rawType);
        g.writeStringField("error", error);
        g.writeEndObject();
      });
    }
  }

  /** A message of another type (e.g. {@code final_transcript}); clients may ignore it. */
  record Other(String messageType, String json) implements SttServerMessage {
    @Override
    public String encode() {
      return json;
    }
  }

  /** Decodes a server message tolerantly. */
  static SttServerMessage decode(String json) throws ProtocolException {
    ObjectNode o = Json.parseObject(json);
    String type = Json.string(o, "message_type");
    if (type == null) {
      throw ProtocolException.input("field 'message_type' is missing");
    }
    switch (type) {
      case "session_started":
        return new Started(nz(Json.string(o, "session_id")), commitStrategy(o.path("config")), json);
      case "partial_transcript":
        return new Partial(nz(Json.string(o, "text")));
      case "committed_transcript":
        return new Committed(nz(Json.string(o, "text")));
      case "committed_transcript_with_timestamps":
        return new CommittedWithTimestamps(nz(Json.string(o, "text")),
            Json.string(o, "language_code"), SttWords.read(o.get("words")));
      default:
        ErrorCode code = ErrorCode.fromWire(type);
        if (code != null) {
          JsonNode e = o.get("error");
          return new Error(code, type, e == null || e.isNull() ? type : e.asText());
        }
        return new Other(type, json);
    }
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static String textMessage(String type, String text) {
    return Json.write(g -> {
      g.writeStartObject();
      g.writeStringField("message_type", type);
      g.writeStringField("text", text);
      g.writeEndObject();
    });
  }

  /**
   * {@code session_started} as a client decodes it.
   *
   * @param sessionId the id
   * @param commitStrategy the commit strategy of its {@code config}, from either key
   *     ({@code commit_strategy}/{@code vad_commit_strategy}), or null when it names none or one
   *     this version does not know
   * @param json the message text (the whole {@code config} object is in it)
   */
  record Started(String sessionId, CommitStrategy commitStrategy, String json)
      implements SttServerMessage {
    @Override
    public String messageType() {
      return "session_started";
    }

    @Override
    public String encode() {
      return json;
    }

    /**
     * voicewire's resume field ({@link SttResume#FIELD}), or null when the server sent none (an
     * official server, or a connection that did not opt in).
     */
    public SttResume.Info voicewireResume() {
      try {
        return SttResume.Info.from(Json.mapper().readTree(json));
      } catch (java.io.IOException e) {
        return null;
      }
    }
  }

  private static CommitStrategy commitStrategy(JsonNode config) {
    JsonNode v = config.has("commit_strategy") ? config.get("commit_strategy")
        : config.get("vad_commit_strategy");
    if (v == null || !v.isTextual()) {
      return null;
    }
    try {
      return CommitStrategy.parse(v.asText());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
