package io.voicewire.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voicewire.protocol.internal.Json;
import io.voicewire.speech.PronunciationLocator;
import java.util.ArrayList;
import java.util.List;

/**
 * A client message of the Text-to-Dialogue WebSockets ({@code /v1/text-to-dialogue/stream-input}
 * and {@code /multi-stream-input}; the official SDK's {@code TextToDialogueWebsocketClientMessage}
 * and {@code ...Multi}): dialogue lines ({@code inputs}) and control flags. The first message of
 * the stream (of a context on multi) registers its {@code voices}.
 *
 * @param contextId the context (multi-stream-input), or null
 * @param inputs the dialogue lines, empty when none
 * @param flush generate the buffered text now
 * @param closeContext flush the context's rest, its {@code is_final}, close it (multi)
 * @param closeSocket flush everything, {@code is_final}(s), close
 * @param keepAlive reset the 20 s inactivity timer only
 * @param voices the voice ids to register (first message), or null
 * @param stability {@code voice_settings.stability} (first message), or null
 * @param pronunciationDictionaryLocators dictionaries (first message), empty when none
 * @param apiKey {@code xi_api_key} of the first message, or null
 * @param authorization {@code authorization} of the first message, or null
 * @param singleUseToken {@code single_use_token} of the first message, or null
 */
public record DialogueClientMessage(String contextId, List<Input> inputs, boolean flush,
    boolean closeContext, boolean closeSocket, boolean keepAlive, List<String> voices,
    Double stability, List<PronunciationLocator> pronunciationDictionaryLocators, String apiKey,
    String authorization, String singleUseToken) {

  /**
   * One dialogue line.
   *
   * @param text text appended for the voice
   * @param voiceId one of the registered voices
   * @param newTurn finish the pending segment (the speaker's turn) before this line
   */
  public record Input(String text, String voiceId, boolean newTurn) {}

  /** Validates and copies the lists. */
  public DialogueClientMessage {
    inputs = inputs == null ? List.of() : List.copyOf(inputs);
    voices = voices == null ? null : List.copyOf(voices);
    pronunciationDictionaryLocators = pronunciationDictionaryLocators == null ? List.of()
        : List.copyOf(pronunciationDictionaryLocators);
  }

  /** A message with lines only. */
  public static DialogueClientMessage lines(String contextId, List<Input> inputs, boolean flush) {
    return new DialogueClientMessage(contextId, inputs, flush, false, false, false, null, null,
        List.of(), null, null, null);
  }

  /** A control message: flush, close_context, close_socket or keep_alive. */
  public static DialogueClientMessage control(String contextId, boolean flush,
      boolean closeContext, boolean closeSocket, boolean keepAlive) {
    return new DialogueClientMessage(contextId, List.of(), flush, closeContext, closeSocket,
        keepAlive, null, null, List.of(), null, null, null);
  }

  /**
   * Decodes one message.
   *
   * @throws ProtocolException (input_error, 1007) for malformed JSON, wrong field types, or a
   *     line without {@code text} or {@code voice_id}. Unknown fields are ignored.
   */
  public static DialogueClientMessage decode(String json) throws ProtocolException {
    ObjectNode o = Json.parseObject(json);
    List<Input> inputs = new ArrayList<>();
    JsonNode in = o.get("inputs");
    if (in != null && !in.isNull()) {
      if (!in.isArray()) {
        throw ProtocolException.input("field 'inputs' must be an array");
      }
      for (JsonNode e : in) {
        String text = e.isObject() ? Json.string(e, "text") : null;
        String voice = e.isObject() ? Json.string(e, "voice_id") : null;
        if (text == null || voice == null) {
          throw ProtocolException.input("every entry of 'inputs' needs 'text' and 'voice_id'");
        }
        inputs.add(new Input(text, voice, Json.bool(e, "new_turn", false)));
      }
    }
    List<String> voices = null;
    JsonNode v = o.get("voices");
    if (v != null && !v.isNull()) {
      if (!v.isArray()) {
        throw ProtocolException.input("field 'voices' must be an array of voice ids");
      }
      voices = new ArrayList<>();
      for (JsonNode e : v) {
        if (!e.isTextual()) {
          throw ProtocolException.input("field 'voices' must be an array of voice ids");
        }
        voices.add(e.asText());
      }
    }
    JsonNode vs = Json.object(o, "voice_settings");
    Double stability = vs == null ? null : Json.number(vs, "stability");
    if (stability != null && (stability < 0 || stability > 1)) {
      throw ProtocolException.input("voice_settings.stability must be in [0,1]: " + stability);
    }
    return new DialogueClientMessage(Json.string(o, "context_id"), inputs,
        Json.bool(o, "flush", false), Json.bool(o, "close_context", false),
        Json.bool(o, "close_socket", false), Json.bool(o, "keep_alive", false), voices,
        stability, TtsClientMessage.locators(o), Json.string(o, "xi_api_key"),
        Json.string(o, "authorization"), Json.string(o, "single_use_token"));
  }

  /** Encodes with the official wire names; absent and false fields are left out. */
  public String encode() {
    return Json.write(g -> {
      g.writeStartObject();
      if (contextId != null) {
        g.writeStringField("context_id", contextId);
      }
      if (voices != null) {
        g.writeArrayFieldStart("voices");
        for (String v : voices) {
          g.writeString(v);
        }
        g.writeEndArray();
      }
      if (stability != null) {
        g.writeObjectFieldStart("voice_settings");
        g.writeNumberField("stability", stability);
        g.writeEndObject();
      }
      TtsClientMessage.writeLocators(g, pronunciationDictionaryLocators);
      if (!inputs.isEmpty()) {
        g.writeArrayFieldStart("inputs");
        for (Input i : inputs) {
          g.writeStartObject();
          g.writeStringField("text", i.text());
          g.writeStringField("voice_id", i.voiceId());
          if (i.newTurn()) {
            g.writeBooleanField("new_turn", true);
          }
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      for (String[] f : new String[][] {{"flush", String.valueOf(flush)},
          {"close_context", String.valueOf(closeContext)},
          {"close_socket", String.valueOf(closeSocket)}, {"keep_alive", String.valueOf(keepAlive)}}) {
        if (Boolean.parseBoolean(f[1])) {
          g.writeBooleanField(f[0], true);
        }
      }
      if (apiKey != null) {
        g.writeStringField("xi_api_key", apiKey);
      }
      if (authorization != null) {
        g.writeStringField("authorization", authorization);
      }
      if (singleUseToken != null) {
        g.writeStringField("single_use_token", singleUseToken);
      }
      g.writeEndObject();
    });
  }

  @Override
  public String toString() {
    // never print credentials
    return "DialogueClientMessage[contextId=" + contextId + ", inputs=" + inputs.size()
        + ", flush=" + flush + ", closeContext=" + closeContext + ", closeSocket=" + closeSocket
        + ", keepAlive=" + keepAlive + ", voices=" + voices + "]";
  }
}
