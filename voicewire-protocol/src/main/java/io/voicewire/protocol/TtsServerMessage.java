package io.voicewire.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voicewire.protocol.internal.Json;
import io.voicewire.speech.Alignment;
import java.io.IOException;

/**
 * Messages a server sends on {@code stream-input} / {@code multi-stream-input} (PROTOCOL.md
 * §2.4, §2.7, §3.3). Encoding follows §9 (camelCase {@code isFinal}, {@code contextId},
 * {@code charDurationsMs}, {@code "isFinal": null} on audio); decoding accepts every variant the
 * sources disagree on ({@code is_final}, {@code context_id}, {@code charsDurationsMs},
 * {@code charsStartTimesMs}) and returns {@link Other} for unknown shapes such as
 * {@code flush_done}.
 */
public sealed interface TtsServerMessage {

  /** The context this message belongs to, or null (single-context socket). */
  String contextId();

  /** Encodes the message as a server sends it. */
  String encode();

  /** An audio chunk. */
  record Audio(byte[] audio, Alignment alignment, Alignment normalizedAlignment, String contextId)
      implements TtsServerMessage {
    @Override
    public String encode() {
      // base64 written by the generator (its default variant is the standard alphabet with
      // padding, as Base64.getEncoder()), into a buffer sized for the whole message
      return Json.write(g -> {
        g.writeStartObject();
        g.writeFieldName("audio");
        g.writeBinary(audio);
        g.writeNullField("isFinal");
        writeAlignment(g, "normalizedAlignment", normalizedAlignment);
        writeAlignment(g, "alignment", alignment);
        if (contextId != null) {
          g.writeStringField("contextId", contextId);
        }
        g.writeEndObject();
      }, 4 * ((audio.length + 2) / 3) + 128 + alignmentChars(alignment)
          + alignmentChars(normalizedAlignment) + (contextId == null ? 0 : contextId.length()));
    }

    /** About the JSON characters of an alignment: a character, a start and a duration each. */
    private static int alignmentChars(Alignment a) {
      return a == null ? 0 : 80 + a.size() * 16;
    }
  }

  /** {@code {"isFinal": true}}: all audio of the stream (or context) was sent. */
  record Final(String contextId) implements TtsServerMessage {
    @Override
    public String encode() {
      return Json.write(g -> {
        g.writeStartObject();
        g.writeBooleanField("isFinal", true);
        if (contextId != null) {
          g.writeStringField("contextId", contextId);
        }
        g.writeEndObject();
      });
    }
  }

  /**
   * An error, sent just before the server closes: {@code {"message","error","code"}}.
   *
   * @param message human-readable text
   * @param error the error name, e.g. {@code input_timeout_exceeded}
   * @param code the close code that follows
   * @param contextId the context, or null
   */
  record Error(String message, String error, int code, String contextId)
      implements TtsServerMessage {
    @Override
    public String encode() {
      return Json.error(message, error, code, "contextId", contextId);
    }
  }

  /** A message of another shape (e.g. {@code flush_done}); clients ignore it. */
  record Other(String json, String contextId) implements TtsServerMessage {
    @Override
    public String encode() {
      return json;
    }
  }

  /** Decodes a server message tolerantly. */
  static TtsServerMessage decode(String json) throws ProtocolException {
    ObjectNode o = Json.parseObject(json);
    String ctx = Json.string(o, "contextId");
    if (ctx == null) {
      ctx = Json.string(o, "context_id");
    }
    JsonNode fin = o.has("isFinal") ? o.get("isFinal") : o.get("is_final");
    boolean isFinal = fin != null && fin.isBoolean() && fin.booleanValue();
    String audio = Json.string(o, "audio");
    if (audio != null && !audio.isEmpty()) {
      return new Audio(Json.base64("audio", audio), AlignmentJson.read(o.get("alignment")),
          AlignmentJson.read(o.get("normalizedAlignment")), ctx);
    }
    if (isFinal) {
      return new Final(ctx);
    }
    JsonNode err = o.get("error");
    if (err != null && !err.isNull()) {
      Integer code = Json.integer(o, "code");
      String msg = Json.string(o, "message");
      return new Error(msg == null ? err.asText() : msg, err.asText(),
          code == null ? CloseCodes.POLICY_VIOLATION : code, ctx);
    }
    return new Other(json, ctx);
  }

  private static void writeAlignment(JsonGenerator g, String field, Alignment a)
      throws IOException {
    if (a == null) {
      g.writeNullField(field);
      return;
    }
    AlignmentJson.write(g, field, a, "charStartTimesMs", "charDurationsMs");
  }
}
