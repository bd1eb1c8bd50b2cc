package io.voicewire.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voicewire.protocol.internal.Json;
import io.voicewire.speech.Alignment;
import java.io.IOException;
import java.util.Base64;

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
          AlignmentJson.write(g, "alignment", alignment, "char_start_times_ms",
              "char_durations_ms");
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
      return Json.error(message, error, code, "param", param);
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
      return new Audio(Json.base64("audio", audio),
          AlignmentJson.read(o.get("alignment")), ctx);
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
}
