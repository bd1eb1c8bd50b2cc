package io.voicewire.client.contract;

import static io.voicewire.client.contract.ElevenLabsDouble.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.websocket.api.Callback;

/**
 * One Text-to-Dialogue WebSocket of {@link ElevenLabsDouble} ({@code stream-input} or
 * {@code multi-stream-input}), held to the vendored definition ({@link DialogueSpec}) and the
 * documentation page's rules: {@code voices} on the first message (of each context, at most 1
 * for {@code eleven_v3_conversational}, 10 for {@code eleven_v3}), no {@code voices}, settings or
 * credentials later, registered {@code voice_id}s only, {@code context_id} on every multi message
 * but a lone {@code close_socket}, at most 5 contexts. Text is buffered per turn and "synthesised"
 * at 40 characters and 8 words, a {@code flush}, a new turn ({@code new_turn} or another voice),
 * a {@code close_context} or {@code close_socket}; a finished turn (the last two) gets
 * {@code is_final_audio_for_turn}, a closed context or stream {@code is_final}. Protocol errors
 * are answered with the error payload and close 1008, as the page says.
 *
 * <p>Jetty delivers one event at a time per socket; the state is confined to those events.
 */
public final class DoubleDialogueSocket extends DoubleSocket {
  private static final int TRIGGER_CHARS = 40;
  private static final int TRIGGER_WORDS = 8;
  private static final int MAX_CONTEXTS = 5;
  private static final String SINGLE = "";
  /** The voices of the double's account: Rachel ({@link DoubleHttp#VOICE_ID}) and Domi. */
  static final String DOMI = "AZnzlk1XvdvUeBnXmlld";
  static final Set<String> VOICES = Set.of(DoubleHttp.VOICE_ID, DOMI);

  /** One dialogue stream: its voices and the pending text of the current turn. */
  private static final class Dialogue {
    final Set<String> voices = new LinkedHashSet<>();
    final StringBuilder pending = new StringBuilder();
    String voice;
  }

  private final DialogueSpec spec;
  private final boolean multi;
  private final boolean sync;
  private final String format;
  private final int maxVoices;
  private final Map<String, Dialogue> dialogues = new LinkedHashMap<>();
  private boolean authed;
  private boolean first = true;

  DoubleDialogueSocket(ElevenLabsDouble d, String path, Map<String, List<String>> query,
      boolean authed) {
    super(d, path, query);
    this.spec = d.dialogue;
    this.multi = path.equals(DialogueSpec.MULTI_STREAM_INPUT);
    this.authed = authed || first("single_use_token") != null
        && d.tokens.contains(first("single_use_token"));
    String where = "WS " + path;
    int before = d.violations().size();
    d.checkQuery(where, query, spec.query(), spec.schemas);
    String model = first("model_id") == null ? DialogueSpec.DEFAULT_MODEL : first("model_id");
    if (!model.startsWith("eleven_v3")) {
      d.violation(where + ": model_id '" + model + "' is not an Eleven v3 dialogue model");
    }
    if (d.violations().size() > before) {
      openError = "invalid query parameters";
    }
    this.maxVoices = model.equals(DialogueSpec.DEFAULT_MODEL) ? 1 : 10;
    this.sync = "true".equals(first("sync_alignment"));
    String f = first("output_format");
    this.format = f == null ? "mp3_44100_128" : f;
  }

  @Override
  public void onWebSocketText(String text) {
    String where = "WS " + path + " message";
    JsonNode msg = read(text);
    if (msg == null) {
      return;
    }
    List<String> bad = spec.schemas.check(spec.clientMessage(multi), msg, "message");
    if (!bad.isEmpty()) {
      bad.forEach(b -> d.violation(where + ": " + b));
      fail(null, "invalid_message", null);
      return;
    }
    boolean wasFirst = first;
    first = false;
    if (!authed) {
      authed = ElevenLabsDouble.API_KEY.equals(msg.path("xi_api_key").asText(null))
          || msg.has("authorization") || d.tokens.contains(msg.path("single_use_token")
              .asText(""));
      if (!authed) {
        fail(null, "authentication_required", null);
        return;
      }
    } else if (!wasFirst && (msg.has("xi_api_key") || msg.has("single_use_token"))) {
      d.violation(where + ": credentials after the first message of the connection");
    }
    if (msg.path("close_socket").asBoolean(false) && (!multi || !msg.has("context_id"))) {
      if (!multi && dialogues.isEmpty()) {
        send(JSON.createObjectNode().put("is_final", true)); // nothing registered yet
      }
      for (String id : new ArrayList<>(dialogues.keySet())) {
        finish(id);
      }
      ws.close(1000, "", Callback.NOOP);
      return;
    }
    String id = multi ? msg.path("context_id").asText(null) : SINGLE;
    if (id == null) {
      fail(where + ": a multi-stream-input message without context_id", "invalid_message",
          "context_id");
      return;
    }
    Dialogue dl = dialogues.get(id);
    if (dl == null) {
      dl = open(where, id, msg);
      if (dl == null) {
        return;
      }
    } else if (msg.has("voices") || msg.has("voice_settings")
        || msg.has("pronunciation_dictionary_locators")) {
      d.violation(where + ": voices, voice_settings or pronunciation_dictionary_locators after "
          + "the first message" + (multi ? " of context '" + id + "'" : ""));
    }
    for (JsonNode in : msg.path("inputs")) {
      String voice = in.path("voice_id").asText();
      if (!dl.voices.contains(voice)) {
        fail(where + ": voice_id '" + voice + "' is not registered", "invalid_voice_id",
            "voice_id");
        return;
      }
      if (dl.voice != null && (!voice.equals(dl.voice) || in.path("new_turn").asBoolean(false))) {
        endTurn(id, dl);
      }
      dl.voice = voice;
      dl.pending.append(in.path("text").asText());
      String p = dl.pending.toString().strip();
      if (p.length() >= TRIGGER_CHARS && p.split("\\s+").length >= TRIGGER_WORDS) {
        emit(id, dl);
      }
    }
    if (msg.path("flush").asBoolean(false)) {
      emit(id, dl); // generation only: the turn goes on until new_turn, another voice or a close
    }
    if (multi && msg.path("close_context").asBoolean(false)) {
      finish(id); // unlike TTS: "flush the context's remaining audio, emit its is_final"
    }
  }

  private Dialogue open(String where, String id, JsonNode msg) {
    JsonNode voices = msg.get("voices");
    if (voices == null || voices.isEmpty()) {
      fail(where + ": the first message" + (multi ? " of context '" + id + "'" : "")
          + " has no voices", "invalid_message", "voices");
      return null;
    }
    if (voices.size() > maxVoices) {
      fail(where + ": " + voices.size() + " voices; the model takes at most " + maxVoices,
          "invalid_message", "voices");
      return null;
    }
    if (multi && dialogues.size() >= MAX_CONTEXTS) {
      fail(where + ": a sixth context", "max_contexts_exceeded", "context_id");
      return null;
    }
    Dialogue dl = new Dialogue();
    voices.forEach(v -> dl.voices.add(v.asText()));
    if (!VOICES.containsAll(dl.voices)) {
      d.violation(where + ": voices of no account " + dl.voices + "; the double has " + VOICES);
    }
    dialogues.put(id, dl);
    return dl;
  }

  /** The current turn's remaining audio, then its {@code is_final_audio_for_turn}. */
  private void endTurn(String id, Dialogue dl) {
    if (dl.voice == null) {
      return;
    }
    emit(id, dl);
    ObjectNode out = JSON.createObjectNode().put("is_final_audio_for_turn", true);
    if (multi) {
      out.put("context_id", id);
    }
    send(out);
    dl.voice = null;
  }

  /** Flushes a dialogue's remaining audio and sends its {@code is_final}. */
  private void finish(String id) {
    Dialogue dl = dialogues.remove(id);
    if (dl == null) {
      return;
    }
    endTurn(id, dl);
    ObjectNode out = JSON.createObjectNode().put("is_final", true);
    if (multi) {
      out.put("context_id", id);
    }
    send(out);
  }

  private void emit(String id, Dialogue dl) {
    if (dl.pending.isEmpty()) {
      return;
    }
    String text = dl.pending.toString();
    dl.pending.setLength(0);
    d.synthesised(dl.voice + ": " + text);
    ObjectNode out = JSON.createObjectNode();
    out.put("audio", Base64.getEncoder().encodeToString(DoubleAudio.audio(format,
        text.length())));
    if (sync) {
      ObjectNode al = out.putObject("alignment");
      var chars = al.putArray("chars");
      var starts = al.putArray("char_start_times_ms");
      var durations = al.putArray("char_durations_ms");
      for (int i = 0; i < text.length(); i++) {
        chars.add(String.valueOf(text.charAt(i)));
        starts.add(i * DoubleAudio.MS_PER_CHAR);
        durations.add(DoubleAudio.MS_PER_CHAR);
      }
    }
    if (multi) {
      out.put("context_id", id);
    }
    send(out);
  }

  /** A protocol error: recorded (when {@code violation} is set), answered, closed with 1008. */
  @Override
  void refuse(String violation, String error) {
    fail(violation, error, null);
  }

  private void fail(String violation, String error, String param) {
    if (violation != null) {
      d.violation(violation);
    }
    ObjectNode out = JSON.createObjectNode().put("message", violation == null ? error
        : violation).put("error", error).put("code", 1008);
    if (param != null) {
      out.put("param", param);
    }
    send(out);
    ws.close(1008, error, Callback.NOOP);
  }

  private void send(ObjectNode out) {
    List<String> best = null;
    for (JsonNode schema : spec.serverMessages(multi).values()) {
      List<String> v = spec.schemas.check(schema, out, "message");
      if (v.isEmpty()) {
        best = null;
        break;
      }
      best = best == null || v.size() < best.size() ? v : best;
    }
    if (best != null) {
      best.forEach(b -> d.violation("the double answered off-spec on " + path + ": " + b));
    }
    ws.sendText(ElevenLabsDouble.text(out), Callback.NOOP);
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {}

  @Override
  public void onWebSocketError(Throwable cause) {}
}
