package io.voicewire.client.contract;

import static io.voicewire.client.contract.ElevenLabsDouble.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voicewire.client.contract.ElevenLabsDouble.Seen;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One Scribe realtime socket of {@link ElevenLabsDouble}: the query is checked against the
 * parameters the official JS SDK sends (typed by the Scribe AsyncAPI document), every client
 * message against {@code InputAudioChunkPayload}, every answer against the document's server
 * messages. Answers: {@code session_started} echoing the configuration, a partial transcript per
 * chunk with audio, on commit a final then a committed transcript, each followed by its
 * timestamped twin when timestamps or language detection are on (words with {@code speaker_id}
 * and timed {@code characters}), the entities message when entity detection is on and
 * {@code edited_transcript} (the JS SDK's type) when {@code transcript_edit} is set. Errors are
 * {@code auth_error}/{@code invalid_request}/{@code input_error} followed by a close.
 *
 * <p>Jetty delivers one event at a time per socket; the state is confined to those events.
 */
public final class DoubleScribeSocket implements Session.Listener.AutoDemanding {
  private final ElevenLabsDouble d;
  private final Map<String, List<String>> query;
  private String errorType;
  private String error;
  private Session ws;
  private int chunks;
  private long bytesSinceCommit;

  DoubleScribeSocket(ElevenLabsDouble d, Map<String, List<String>> query, boolean authed) {
    this.d = d;
    this.query = query;
    String where = "WS " + ElevenLabsSpec.SCRIBE_PATH;
    int before = d.violations().size();
    d.checkQuery(where, query, d.spec.scribeQuery, d.spec.scribeSchemas);
    if (d.violations().size() > before) {
      fail("invalid_request", "invalid query parameters");
    }
    String model = first("model_id");
    if (model == null || !d.realtimeModels().contains(model)) {
      d.violation(where + ": model_id '" + model + "' is not a realtime model "
          + d.realtimeModels());
      fail("invalid_request", "invalid model_id");
    }
    String token = first("token");
    if (!authed && (token == null || !d.tokens.remove(token))) {
      fail("auth_error", "Invalid API key or token");
    }
  }

  private void fail(String type, String message) {
    if (errorType == null) {
      errorType = type;
      error = message;
    }
  }

  private String first(String name) {
    List<String> v = query.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  private boolean on(String name) {
    return "true".equals(first(name));
  }

  @Override
  public void onWebSocketOpen(Session session) {
    this.ws = session;
    if (errorType != null) {
      send(JSON.createObjectNode().put("message_type", errorType).put("error", error));
      session.close(1008, errorType, Callback.NOOP);
      return;
    }
    ObjectNode started = JSON.createObjectNode().put("message_type", "session_started")
        .put("session_id", UUID.randomUUID().toString().replace("-", ""));
    ObjectNode config = started.putObject("config");
    JsonNode props = d.spec.scribe.at("/components/schemas/SessionStartedPayload/properties"
        + "/config/properties");
    props.fieldNames().forEachRemaining(name -> echo(config, name, props.get(name)));
    String format = first("audio_format") == null ? "pcm_16000" : first("audio_format");
    if (props.has("sample_rate")) {
      config.put("sample_rate", DoubleAudio.sampleRate(format));
    }
    if (props.has("vad_commit_strategy") && first("commit_strategy") != null) {
      config.put("vad_commit_strategy", first("commit_strategy"));
    }
    send(started);
  }

  private void echo(ObjectNode config, String name, JsonNode schema) {
    List<String> v = query.get(name);
    if (v == null || v.isEmpty()) {
      return;
    }
    String type = d.spec.scribeSchemas.scalarType(schema);
    if ("array".equals(schema.path("type").asText())) {
      ArrayNode a = config.putArray(name);
      v.forEach(a::add);
    } else if ("boolean".equals(type)) {
      config.put(name, Boolean.parseBoolean(v.get(0)));
    } else if ("integer".equals(type)) {
      config.put(name, Long.parseLong(v.get(0)));
    } else if ("number".equals(type)) {
      config.put(name, Double.parseDouble(v.get(0)));
    } else {
      config.put(name, v.get(0));
    }
  }

  @Override
  public void onWebSocketText(String text) {
    String where = "WS " + ElevenLabsSpec.SCRIBE_PATH + " message";
    JsonNode msg;
    try {
      msg = JSON.readTree(text);
    } catch (java.io.IOException e) {
      d.violation(where + ": not JSON");
      inputError("invalid JSON");
      return;
    }
    d.record(new Seen("WS", ElevenLabsSpec.SCRIBE_PATH, query, msg, text));
    boolean ok = false;
    List<String> best = null;
    for (JsonNode schema : d.spec.scribeClientMessages().values()) {
      List<String> v = d.spec.scribeSchemas.check(schema, msg, "message");
      ok |= v.isEmpty();
      best = best == null || v.size() < best.size() ? v : best;
    }
    if (!ok) {
      best.forEach(b -> d.violation(where + ": " + b));
      inputError("invalid message: " + best.get(0));
      return;
    }
    if (msg.has("previous_text") && chunks > 0) {
      d.violation(where + ": previous_text after the first chunk");
      inputError("previous_text can only be sent alongside the first audio chunk");
      return;
    }
    String format = first("audio_format") == null ? "pcm_16000" : first("audio_format");
    if (msg.path("sample_rate").asInt() != DoubleAudio.sampleRate(format)) {
      d.violation(where + ": sample_rate " + msg.path("sample_rate") + " is not that of "
          + format);
    }
    chunks++;
    int n = Base64.getDecoder().decode(msg.path("audio_base_64").asText("")).length;
    bytesSinceCommit += n;
    if (n > 0) {
      send(JSON.createObjectNode().put("message_type", "partial_transcript")
          .put("text", ElevenLabsDouble.TRANSCRIPT.substring(0, 5)));
    }
    if (msg.path("commit").asBoolean(false) && bytesSinceCommit > 0) {
      bytesSinceCommit = 0;
      commit();
    }
  }

  private void commit() {
    String t = ElevenLabsDouble.TRANSCRIPT;
    boolean words = on("include_timestamps");
    boolean timed = words || on("include_language_detection");
    // settled first (final), then committed; each with its timestamped twin when asked for
    send(JSON.createObjectNode().put("message_type", "final_transcript").put("text", t));
    if (timed) {
      send(timestamped("final_transcript_with_timestamps", t, words));
    }
    send(JSON.createObjectNode().put("message_type", "committed_transcript").put("text", t));
    if (timed) {
      send(timestamped("committed_transcript_with_timestamps", t, words));
    }
    if (query.containsKey("entity_detection")) {
      ObjectNode m = JSON.createObjectNode()
          .put("message_type", "committed_transcript_entities").put("text", t);
      String first = t.split(" ")[0];
      m.putArray("entities").addObject().put("text", first).put("entity_type", "person_name")
          .put("start_char", 0).put("end_char", first.length());
      send(m);
    }
    if (first("transcript_edit") != null) {
      send(JSON.createObjectNode().put("message_type", "edited_transcript").put("text", t)
          .put("edited_text", t.toUpperCase(java.util.Locale.ROOT)));
    }
  }

  /** A timestamped transcript: words with speaker and timed characters, as the document has. */
  private ObjectNode timestamped(String type, String t, boolean words) {
    ObjectNode m = JSON.createObjectNode().put("message_type", type).put("text", t)
        .put("language_code", first("language_code") == null ? "en" : first("language_code"));
    if (words) {
      ArrayNode arr = m.putArray("words");
      double s = 0;
      for (String w : t.split(" ")) {
        ObjectNode word = arr.addObject().put("text", w).put("start", s).put("end", s + 0.3)
            .put("type", "word").put("logprob", -0.05).put("speaker_id", "speaker_0");
        ArrayNode chars = word.putArray("characters");
        for (int i = 0; i < w.length(); i++) {
          chars.addObject().put("text", String.valueOf(w.charAt(i)))
              .put("start", s + i * 0.3 / w.length()).put("end", s + (i + 1) * 0.3 / w.length());
        }
        s += 0.35;
      }
    }
    return m;
  }

  private void inputError(String message) {
    send(JSON.createObjectNode().put("message_type", "input_error").put("error", message));
    ws.close(1008, "input_error", Callback.NOOP);
  }

  private void send(ObjectNode m) {
    JsonNode schema = d.spec.scribeServerMessage(m.path("message_type").asText());
    if (schema == null) {
      d.violation("the double answered off-spec: no server message " + m.path("message_type"));
    } else {
      d.checkOwn("WS " + ElevenLabsSpec.SCRIBE_PATH, d.spec.scribeSchemas, schema, m);
    }
    ws.sendText(ElevenLabsDouble.text(m), Callback.NOOP);
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {}

  @Override
  public void onWebSocketError(Throwable cause) {}
}
