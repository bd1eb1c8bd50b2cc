package io.voicewire.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voicewire.protocol.internal.Json;
import io.voicewire.speech.Alignment;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A server message of the Text-to-Dialogue WebSockets (the official SDK's
 * {@code ReceiveTextToDialogueWebsocketMessage} / {@code ...Multi} unions). Unlike the TTS
 * sockets every name is snake_case: {@code is_final}, {@code is_final_audio_for_turn},
 * {@code context_id}, {@code char_start_times_ms}, {@code char_durations_ms}.
 */
public sealed interface DialogueServerMessage {

  /** The context (multi-stream-input), or null. */
  String contextId();

  /** Encodes with the official wire names. */
  String encode();

  /** An audio chunk ({@code alignment} when {@code sync_alignment=true}, else null). */
  record Audio(byte[] audio, Alignment alignment, String contextId)
      implements DialogueServerMessage {
    @Override
    public String encode() {
      return Json.write(g -> {
        g.writeStartObject();
        g.writeStringField("audio", Base64.getEncoder().encodeToString(audio));
        if (alignment != null) {
          writeAlignment(g, alignment);
        }
        context(g, contextId);
        g.writeEndObject();
      });
    }
  }

  /** {@code is_final_audio_for_turn}: the last audio of a speaker's turn was sent. */
  record TurnFinal(String contextId) implements DialogueServerMessage {
    @Override
    public String encode() {
      return flag("is_final_audio_for_turn", contextId);
    }
  }

  /** {@code is_final}: the stream (or the context) has ended; nothing of it follows. */
  record Final(String contextId) implements DialogueServerMessage {
    @Override
    public String encode() {
      return flag("is_final", contextId);
    }
  }

  /**
   * The error payload that precedes a close: {@code message}, {@code error}, {@code code} (the
   * close code that follows), {@code param} when a field is to blame. It names no context.
   */
  record Error(String message, String error, int code, String param)
      implements DialogueServerMessage {
    @Override
    public String contextId() {
      return null;
    }

    @Override
    public String encode() {
      return Json.write(g -> {
        g.writeStartObject();
        g.writeStringField("message", message);
        g.writeStringField("error", error);
        g.writeNumberField("code", code);
        if (param != null) {
          g.writeStringField("param", param);
        }
        g.writeEndObject();
      });
    }
  }

  /**
   * Decodes a message.
   *
   * @throws ProtocolException for malformed JSON or a message of none of the four shapes
   */
  static DialogueServerMessage decode(String json) throws ProtocolException {
    ObjectNode o = Json.parseObject(json);
    String ctx = Json.string(o, "context_id");
    String audio = Json.string(o, "audio");
    if (audio != null) {
      return new Audio(Json.base64("audio", audio), alignment(o.get("alignment")), ctx);
    }
    if (Json.bool(o, "is_final", false)) {
      return new Final(ctx);
    }
    if (Json.bool(o, "is_final_audio_for_turn", false)) {
      return new TurnFinal(ctx);
    }
    String error = Json.string(o, "error");
    if (error != null) {
      Integer code = Json.integer(o, "code");
      String msg = Json.string(o, "message");
      return new Error(msg == null ? error : msg, error,
          code == null ? CloseCodes.POLICY_VIOLATION : code, Json.string(o, "param"));
    }
    throw ProtocolException.input("not a Text-to-Dialogue server message: " + json);
  }

  private static String flag(String name, String contextId) {
    return Json.write(g -> {
      g.writeStartObject();
      g.writeBooleanField(name, true);
      context(g, contextId);
      g.writeEndObject();
    });
  }

  private static void context(JsonGenerator g, String contextId) throws IOException {
    if (contextId != null) {
      g.writeStringField("context_id", contextId);
    }
  }

  private static void writeAlignment(JsonGenerator g, Alignment a) throws IOException {
    g.writeObjectFieldStart("alignment");
    g.writeArrayFieldStart("chars");
    for (String c : a.chars()) {
      g.writeString(c);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("char_start_times_ms");
    for (int i = 0; i < a.size(); i++) {
      g.writeNumber(a.startMs(i));
    }
    g.writeEndArray();
    g.writeArrayFieldStart("char_durations_ms");
    for (int i = 0; i < a.size(); i++) {
      g.writeNumber(a.durationMs(i));
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static Alignment alignment(JsonNode n) throws ProtocolException {
    if (n == null || n.isNull() || !n.path("chars").isArray()) {
      return null;
    }
    List<String> cs = new ArrayList<>();
    n.get("chars").forEach(c -> cs.add(c.asText()));
    try {
      return new Alignment(cs, ints(n.get("char_start_times_ms"), cs.size()),
          ints(n.get("char_durations_ms"), cs.size()));
    } catch (IllegalArgumentException e) {
      throw ProtocolException.input(e.getMessage());
    }
  }

  private static int[] ints(JsonNode arr, int expected) {
    int[] out = new int[arr == null || !arr.isArray() ? expected : arr.size()];
    for (int i = 0; arr != null && arr.isArray() && i < out.length; i++) {
      out[i] = (int) Math.round(arr.get(i).asDouble());
    }
    return out;
  }
}
