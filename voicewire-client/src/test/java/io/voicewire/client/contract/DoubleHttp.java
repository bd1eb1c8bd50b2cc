package io.voicewire.client.contract;

import static io.voicewire.client.contract.ElevenLabsDouble.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voicewire.client.contract.ElevenLabsDouble.HttpExchange;
import io.voicewire.client.contract.ElevenLabsDouble.Seen;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP side of {@link ElevenLabsDouble}: one request, checked against the OpenAPI document
 * and answered. Not thread safe (one instance per request).
 */
final class DoubleHttp {
  /** The TTS models of the double's account. */
  static final List<String> TTS_MODELS = List.of("eleven_multilingual_v2", "eleven_flash_v2_5",
      "eleven_turbo_v2_5");
  static final String VOICE_ID = "21m00Tcm4TlvDq8ikWAM";

  record Answer(int status, String contentType, byte[] body) {
    static Answer json(int status, JsonNode body) {
      return new Answer(status, "application/json",
          ElevenLabsDouble.text(body).getBytes(StandardCharsets.UTF_8));
    }
  }

  private final ElevenLabsDouble d;
  private final HttpExchange ex;
  private final String where;

  DoubleHttp(ElevenLabsDouble d, HttpExchange ex) {
    this.d = d;
    this.ex = ex;
    this.where = ex.method() + " " + ex.path();
  }

  Answer answer() {
    if (ex.method().equals("POST") && ex.path().startsWith("/v1/single-use-token/")) {
      return token(ex.path().substring("/v1/single-use-token/".length()));
    }
    ElevenLabsSpec.Operation op = d.spec.operation(ex.method(), ex.path());
    if (op == null) {
      d.violation(where + ": no such endpoint in the OpenAPI document");
      d.record(new Seen("HTTP", ex.path(), ex.query(), null));
      return Answer.json(404, JSON.createObjectNode().put("detail", "Not Found"));
    }
    Map<String, JsonNode> allowed = new LinkedHashMap<>(d.spec.parameters(op, "query"));
    if (!ex.path().startsWith("/v1/voices") && !ex.path().equals("/v1/models")) {
      allowed.putIfAbsent("token", JSON.createObjectNode().put("type", "string"));
    }
    List<ObjectNode> details = d.checkQuery(where, ex.query(), allowed, d.spec.http);
    boolean tokenOk = ex.query().containsKey("token")
        && d.tokens.remove(ex.query().get("token").get(0));
    if (!ElevenLabsDouble.API_KEY.equals(ex.apiKey()) && !tokenOk) {
      d.record(new Seen("HTTP", ex.path(), ex.query(), null));
      ObjectNode e = JSON.createObjectNode();
      e.putObject("detail").put("status", "invalid_api_key").put("message", "Invalid API key");
      return Answer.json(401, e);
    }
    JsonNode body = body(op, details);
    d.record(new Seen("HTTP", ex.path(), ex.query(), body));
    if (!details.isEmpty()) {
      ObjectNode e = JSON.createObjectNode();
      e.putArray("detail").addAll(details);
      d.checkOwn(where, d.spec.http, d.spec.httpSchema("HTTPValidationError"), e);
      return Answer.json(422, e);
    }
    return switch (op.template()) {
      case "/v1/voices" -> own(op, voices());
      case "/v1/voices/{voice_id}" -> own(op, voice());
      case "/v1/models" -> own(op, models());
      case "/v1/text-to-speech/{voice_id}", "/v1/text-to-speech/{voice_id}/stream" ->
          tts(op, body, false);
      case "/v1/text-to-speech/{voice_id}/with-timestamps",
          "/v1/text-to-speech/{voice_id}/stream/with-timestamps" -> tts(op, body, true);
      case "/v1/speech-to-text" -> stt(op, body);
      default -> {
        d.violation(where + ": an official endpoint voicewire does not claim to use");
        yield Answer.json(404, JSON.createObjectNode().put("detail", "Not Found"));
      }
    };
  }

  private Answer token(String type) {
    d.record(new Seen("HTTP", ex.path(), ex.query(), null));
    if (!d.spec.tokenTypes.contains(type)) {
      d.violation(where + ": token_type '" + type + "' is not one of " + d.spec.tokenTypes);
      ObjectNode e = JSON.createObjectNode();
      e.putArray("detail").add(ElevenLabsDouble.detail("path", "token_type",
          "Input should be " + d.spec.tokenTypes));
      return Answer.json(422, e);
    }
    if (!ex.query().isEmpty()) {
      d.violation(where + ": query parameters on a token request: " + ex.query().keySet());
    }
    if (!ElevenLabsDouble.API_KEY.equals(ex.apiKey())) {
      ObjectNode e = JSON.createObjectNode();
      e.putObject("detail").put("status", "invalid_api_key").put("message", "Invalid API key");
      return Answer.json(401, e);
    }
    ObjectNode t = JSON.createObjectNode();
    for (String f : d.spec.tokenFields) {
      t.put(f, d.mint());
    }
    return Answer.json(200, t);
  }

  private JsonNode body(ElevenLabsSpec.Operation op, List<ObjectNode> details) {
    String ct = ex.contentType() == null ? "" : ex.contentType();
    JsonNode jsonSchema = d.spec.requestBody(op, "application/json");
    JsonNode formSchema = d.spec.requestBody(op, "multipart/form-data");
    if (jsonSchema == null && formSchema == null) {
      if (ex.body().length > 0) {
        d.violation(where + ": a body on an endpoint that takes none");
      }
      return null;
    }
    JsonNode body;
    JsonNode schema;
    if (jsonSchema != null && ct.startsWith("application/json")) {
      try {
        body = JSON.readTree(ex.body());
      } catch (java.io.IOException e) {
        details.add(ElevenLabsDouble.detail("body", "", "JSON decode error"));
        d.violation(where + ": body is not JSON");
        return null;
      }
      schema = jsonSchema;
    } else if (formSchema != null && ct.startsWith("multipart/form-data")) {
      body = DoubleForms.parse(ex.body(), ct, formSchema, d.spec.http);
      schema = formSchema;
    } else {
      d.violation(where + ": Content-Type '" + ct + "' is not one the document allows");
      details.add(ElevenLabsDouble.detail("body", "", "unsupported media type"));
      return null;
    }
    for (String bad : d.checkJson(where, d.spec.http, schema, body)) {
      details.add(ElevenLabsDouble.detail("body", bad.substring(bad.indexOf('.') + 1,
          Math.max(bad.indexOf('.') + 1, bad.indexOf(':'))), bad));
    }
    return body;
  }

  private Answer own(ElevenLabsSpec.Operation op, JsonNode answer) {
    d.checkOwn(where, d.spec.http, d.spec.response(op, "application/json"), answer);
    return Answer.json(200, answer);
  }

  private ObjectNode voice() {
    return voice(VOICE_ID, "Rachel");
  }

  private ObjectNode voice(String id, String name) {
    ObjectNode v = JSON.createObjectNode();
    v.put("voice_id", id).put("name", name).put("category", "premade");
    v.putObject("labels").put("accent", "american").put("gender", "female");
    v.put("description", "the double's voice");
    v.putArray("available_for_tiers");
    v.putArray("high_quality_base_model_ids").add(TTS_MODELS.get(0));
    return v;
  }

  private JsonNode voices() {
    ObjectNode o = JSON.createObjectNode();
    // the account's voices: Rachel, and Domi, the second voice of the dialogue sockets
    o.putArray("voices").add(voice()).add(voice(DoubleDialogueSocket.DOMI, "Domi"));
    return o;
  }

  private JsonNode models() {
    ArrayNode arr = JSON.createArrayNode();
    for (String id : TTS_MODELS) {
      ObjectNode m = arr.addObject();
      m.put("model_id", id).put("name", id).put("can_be_finetuned", false)
          .put("can_do_text_to_speech", true).put("can_do_voice_conversion", false)
          .put("can_use_style", true).put("can_use_speaker_boost", true)
          .put("serves_pro_voices", false).put("token_cost_factor", 1.0)
          .put("description", "model " + id).put("requires_alpha_access", false)
          .put("max_characters_request_free_user", 2500)
          .put("max_characters_request_subscribed_user", 5000)
          .put("maximum_text_length_per_request", 40000);
      m.putArray("languages").addObject().put("language_id", "en").put("name", "English");
      m.putObject("model_rates").put("character_cost_multiplier", 1.0);
      m.put("concurrency_group", "standard");
    }
    return arr;
  }

  private Answer tts(ElevenLabsSpec.Operation op, JsonNode body, boolean timestamps) {
    String model = body.path("model_id").asText(defaultOf(op, "model_id"));
    if (!TTS_MODELS.contains(model)) {
      d.violation(where + ": model_id '" + model + "' is not a TTS model of the account");
      ObjectNode e = JSON.createObjectNode();
      e.putObject("detail").put("status", "model_not_found")
          .put("message", "A model with model ID " + model + " does not exist");
      return Answer.json(400, e);
    }
    if (!DoubleHttp.VOICE_ID.equals(op.pathParams().get("voice_id"))) {
      d.violation(where + ": voice '" + op.pathParams().get("voice_id") + "' does not exist");
      ObjectNode e = JSON.createObjectNode();
      e.putObject("detail").put("status", "voice_not_found").put("message", "voice not found");
      return Answer.json(400, e);
    }
    List<String> fmt = ex.query().get("output_format");
    String format = fmt == null ? paramDefault(op, "output_format") : fmt.get(0);
    String text = body.path("text").asText("");
    byte[] audio = DoubleAudio.audio(format, text.length());
    if (!timestamps) {
      return new Answer(200, d.spec.responseTypes(op).get(0), audio);
    }
    ObjectNode line = JSON.createObjectNode();
    line.put("audio_base64", Base64.getEncoder().encodeToString(audio));
    ObjectNode al = line.putObject("alignment");
    DoubleAudio.align(al, text, true);
    line.set("normalized_alignment", al.deepCopy());
    JsonNode schema = d.spec.httpSchema("StreamingAudioChunkWithTimestampsResponseModel");
    d.checkOwn(where, d.spec.http, schema, line);
    String out = ElevenLabsDouble.text(line) + "\n";
    return new Answer(200, "application/json", out.getBytes(StandardCharsets.UTF_8));
  }

  private Answer stt(ElevenLabsSpec.Operation op, JsonNode form) {
    String model = form.path("model_id").asText("");
    if (!d.batchSttModels().contains(model)) {
      d.violation(where + ": model_id '" + model + "' is not a batch STT model "
          + d.batchSttModels());
      ObjectNode e = JSON.createObjectNode();
      e.putArray("detail").add(ElevenLabsDouble.detail("body", "model_id",
          "model_id must be one of " + d.batchSttModels()));
      return Answer.json(422, e);
    }
    ObjectNode r = JSON.createObjectNode();
    r.put("language_code", form.path("language_code").asText("en"))
        .put("language_probability", 0.98).put("text", ElevenLabsDouble.TRANSCRIPT);
    ArrayNode words = r.putArray("words");
    double t = 0;
    String[] ws = ElevenLabsDouble.TRANSCRIPT.split(" ");
    for (int i = 0; i < ws.length; i++) {
      words.addObject().put("text", ws[i]).put("start", t).put("end", t + 0.3)
          .put("type", "word").put("logprob", -0.1);
      t += 0.3;
      if (i + 1 < ws.length) {
        words.addObject().put("text", " ").put("start", t).put("end", t)
            .put("type", "spacing").put("logprob", 0.0);
      }
    }
    d.checkOwn(where, d.spec.http, d.spec.httpSchema("SpeechToTextChunkResponseModel"), r);
    return Answer.json(200, r);
  }

  private String defaultOf(ElevenLabsSpec.Operation op, String field) {
    JsonNode s = d.spec.requestBody(op, "application/json");
    return d.spec.http.resolve(s.path("properties").path(field)).path("default").asText(null);
  }

  private String paramDefault(ElevenLabsSpec.Operation op, String name) {
    return d.spec.http.resolve(d.spec.parameters(op, "query").get(name)).path("default")
        .asText("mp3_44100_128");
  }

  /** Multipart helpers. */
  static final class DoubleForms {
    private DoubleForms() {}

    /** The form fields as a JSON object typed by {@code schema}; a file part becomes a string. */
    static JsonNode parse(byte[] body, String contentType, JsonNode schema, SpecSchema s) {
      String boundary = contentType.replaceAll(".*boundary=\"?([^\";]+)\"?.*", "$1");
      String all = new String(body, StandardCharsets.ISO_8859_1);
      ObjectNode out = JSON.createObjectNode();
      List<String> parts = new ArrayList<>(List.of(all.split("--" + java.util.regex.Pattern
          .quote(boundary))));
      for (String part : parts) {
        int headerEnd = part.indexOf("\r\n\r\n");
        if (headerEnd < 0) {
          continue;
        }
        String headers = part.substring(0, headerEnd);
        String value = part.substring(headerEnd + 4);
        if (value.endsWith("\r\n")) {
          value = value.substring(0, value.length() - 2);
        }
        java.util.regex.Matcher nm = java.util.regex.Pattern.compile("[;\\s]name=\"([^\"]*)\"")
            .matcher(headers);
        String name = nm.find() ? nm.group(1) : "";
        if (headers.contains("filename=")) {
          out.put(name, "<" + value.length() + " bytes>");
          continue;
        }
        value = new String(value.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        JsonNode fs = schema.path("properties").path(name);
        String type = fs.isMissingNode() ? "string" : s.scalarType(fs);
        try {
          switch (type == null ? "string" : type) {
            case "boolean" -> {
              if (value.equals("true") || value.equals("false")) {
                out.put(name, Boolean.parseBoolean(value));
              } else {
                out.put(name, value);
              }
            }
            case "integer" -> out.put(name, Long.parseLong(value));
            case "number" -> out.put(name, Double.parseDouble(value));
            default -> out.put(name, value);
          }
        } catch (NumberFormatException e) {
          out.put(name, value);
        }
      }
      return out;
    }
  }
}
