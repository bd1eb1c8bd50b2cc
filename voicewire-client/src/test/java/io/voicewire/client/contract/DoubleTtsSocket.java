package io.voicewire.client.contract;

import static io.voicewire.client.contract.ElevenLabsDouble.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.websocket.api.Callback;

/**
 * One TTS WebSocket of {@link ElevenLabsDouble} ({@code stream-input} or
 * {@code multi-stream-input}): every client message is checked against the AsyncAPI document's
 * {@code publish} messages of the channel, and every answer against its {@code subscribe}
 * messages. Text is buffered per context and "synthesised" on {@code flush},
 * {@code try_trigger_generation}, a full first schedule step or the end of input; a
 * {@code close_context} drops the context's unflushed text unvoiced
 * ({@link ElevenLabsDouble#dropped}).
 *
 * <p>Jetty delivers one event at a time per socket; the state is confined to those events.
 */
public final class DoubleTtsSocket extends DoubleSocket {
  private static final int TRIGGER_CHARS = 120;
  private static final String DEFAULT_CONTEXT = "";

  private final String channel;
  private final boolean multi;
  private final String format;
  private final Map<String, StringBuilder> contexts = new LinkedHashMap<>();
  private boolean authed;
  private JsonNode firstSettings;
  private JsonNode firstSchedule;

  DoubleTtsSocket(ElevenLabsDouble d, String channel, String voiceId,
      Map<String, List<String>> query, boolean authed) {
    super(d, channel.replace("{voice_id}", voiceId), query);
    this.channel = channel;
    this.multi = channel.equals(ElevenLabsSpec.MULTI_STREAM_INPUT);
    this.authed = authed;
    String where = "WS " + path;
    int before = d.violations().size();
    d.checkQuery(where, query, d.spec.ttsQuery(channel), d.spec.ttsSchemas);
    if (d.violations().size() > before) {
      openError = "invalid query parameters";
    }
    String model = first("model_id");
    if (model != null && !DoubleHttp.TTS_MODELS.contains(model)) {
      d.violation(where + ": model_id '" + model + "' is not a TTS model of the account");
      openError = "model_not_found";
    }
    if (!DoubleHttp.VOICE_ID.equals(voiceId)) {
      d.violation(where + ": voice '" + voiceId + "' does not exist");
      openError = "voice_not_found";
    }
    String f = first("output_format");
    this.format = f == null || f.split("_").length < 3 && !f.startsWith("pcm_")
        && !f.startsWith("ulaw_") && !f.startsWith("alaw_") ? "mp3_44100_128" : f;
    if (first("authorization") != null) {
      this.authed = true;
    }
  }

  @Override
  public void onWebSocketText(String text) {
    String where = "WS " + path + " message";
    JsonNode msg = read(text);
    if (msg == null) {
      return;
    }
    if (!conforms(where, msg, d.spec.ttsMessages(channel, true), true)) {
      ws.close(1008, "invalid_message", Callback.NOOP);
      return;
    }
    if (!authed) {
      authed = ElevenLabsDouble.API_KEY.equals(msg.path(multi ? "xi_api_key" : "xi-api-key")
          .asText(null)) || msg.has("authorization");
      if (!authed) {
        ws.close(1008, "Invalid API key", Callback.NOOP);
        return;
      }
    }
    if (multi) {
      onMulti(msg);
    } else {
      onSingle(msg);
    }
  }

  private void onSingle(JsonNode msg) {
    String text = msg.path("text").asText("");
    StringBuilder buf = contexts.get(DEFAULT_CONTEXT);
    if (buf == null) {
      contexts.put(DEFAULT_CONTEXT, new StringBuilder()); // the init message
      firstSettings = msg.get("voice_settings");
      firstSchedule = msg.path("generation_config").get("chunk_length_schedule");
      return;
    }
    // SendText: "can be provided in the first InitializeConnection message and then must either
    // be not provided or not changed"
    if (msg.has("voice_settings") && !msg.get("voice_settings").equals(firstSettings)) {
      d.violation("WS " + path + ": voice_settings changed after the first message: "
          + msg.get("voice_settings") + " after " + firstSettings);
    }
    JsonNode later = msg.path("generator_config").get("chunk_length_schedule");
    if (later != null && !later.equals(firstSchedule)) {
      d.violation("WS " + path + ": generator_config changed after the first message");
    }
    if (text.isEmpty() && !msg.path("flush").asBoolean(false)) {
      emit(DEFAULT_CONTEXT);
      send(JSON.createObjectNode().put("isFinal", true));
      ws.close(1000, "", Callback.NOOP);
      return;
    }
    buf.append(text);
    if (msg.path("flush").asBoolean(false) || msg.path("try_trigger_generation").asBoolean(false)
        || buf.length() >= TRIGGER_CHARS) {
      emit(DEFAULT_CONTEXT);
    }
  }

  private void onMulti(JsonNode msg) {
    if (msg.path("close_socket").asBoolean(false)) {
      for (String ctx : new ArrayList<>(contexts.keySet())) {
        emit(ctx);
        sendFinal(ctx);
      }
      ws.close(1000, "", Callback.NOOP);
      return;
    }
    String ctx = msg.path("context_id").asText(DEFAULT_CONTEXT);
    StringBuilder buf = contexts.get(ctx);
    if (msg.path("close_context").asBoolean(false)) {
      if (buf == null) {
        d.violation("WS " + path + ": close_context for unknown context '" + ctx + "'");
        return;
      }
      // CloseContext: "No further audio will be generated for this context [...] If it has
      // already been set to flush it will continue flushing": what was flushed is already out
      // (emit is synchronous here); the unflushed rest is dropped, never voiced
      contexts.remove(ctx);
      if (!buf.isEmpty()) {
        d.dropped(buf.toString());
      }
      sendFinal(ctx);
      return;
    }
    String text = msg.path("text").asText("");
    if (buf == null) {
      contexts.put(ctx, new StringBuilder(text.isBlank() ? "" : text)); // initialise
      return;
    }
    buf.append(text);
    if (msg.path("flush").asBoolean(false) || buf.length() >= TRIGGER_CHARS) {
      emit(ctx);
    }
  }

  private void emit(String ctx) {
    StringBuilder buf = contexts.get(ctx);
    if (buf == null || buf.isEmpty()) {
      return;
    }
    String text = buf.toString();
    buf.setLength(0);
    d.synthesised(text);
    ObjectNode out = JSON.createObjectNode();
    out.put("audio", Base64.getEncoder().encodeToString(DoubleAudio.audio(format,
        text.length())));
    ObjectNode al = out.putObject("alignment");
    DoubleAudio.align(al, text, false);
    out.set("normalizedAlignment", al.deepCopy());
    if (multi) {
      out.put("contextId", ctx);
    }
    send(out);
  }

  private void sendFinal(String ctx) {
    send(JSON.createObjectNode().put("isFinal", true).put("contextId", ctx));
  }

  private void send(ObjectNode out) {
    conforms("the double's own message on " + path, out, d.spec.ttsMessages(channel, false),
        false);
    String text = ElevenLabsDouble.text(out);
    d.ttsSent(text);
    ws.sendText(text, Callback.NOOP);
  }

  /** True when {@code msg} is one of {@code allowed}; else records the closest mismatch. */
  private boolean conforms(String where, JsonNode msg, Map<String, JsonNode> allowed,
      boolean fromClient) {
    List<String> best = null;
    for (JsonNode schema : allowed.values()) {
      List<String> v = d.spec.ttsSchemas.check(schema, msg, "message");
      if (v.isEmpty()) {
        return true;
      }
      if (best == null || v.size() < best.size()) {
        best = v;
      }
    }
    for (String b : best == null ? List.of("no message is defined") : best) {
      d.violation((fromClient ? "" : "the double answered off-spec: ") + where + ": " + b);
    }
    return false;
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {}

  @Override
  public void onWebSocketError(Throwable cause) {}

  @Override
  void refuse(String violation, String error) {
    d.violation(violation);
    ws.close(1008, error, Callback.NOOP);
  }
}
