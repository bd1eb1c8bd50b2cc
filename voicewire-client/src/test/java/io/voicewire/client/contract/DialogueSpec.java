package io.voicewire.client.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Text-to-Dialogue WebSockets as the vendored official SDK defines them
 * ({@code elevenlabs-spec/elevenlabs-js/dialogue/}, see the README there): each generated
 * serialization file ({@code core.serialization.object({...})}, {@code enum_}, 
 * {@code undiscriminatedUnion}) becomes a JSON schema under {@code #/components/schemas/<Name>},
 * with the wire names ({@code property("is_final_audio_for_turn", ...)}) and
 * {@code .optional()} as {@code required}. The channels' query parameters come from the
 * documentation page's AsyncAPI block (the SDK does not carry them), typed with the vendored
 * enums. Immutable after construction: thread safe.
 */
final class DialogueSpec {
  static final String STREAM_INPUT = "/v1/text-to-dialogue/stream-input";
  static final String MULTI_STREAM_INPUT = "/v1/text-to-dialogue/multi-stream-input";
  /** The documentation page's default model. */
  static final String DEFAULT_MODEL = "eleven_v3_conversational";

  private static final String DIR = "elevenlabs-js/dialogue/";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern EXPORT = Pattern.compile(
      "exports\\.(\\w+) = core\\.serialization\\.(object|enum_|undiscriminatedUnion)\\("
          + "([\\s\\S]*?)\\);\\s*$", Pattern.MULTILINE);
  private static final Pattern FIELD = Pattern.compile("^\\s{4}(\\w+): (.+),$",
      Pattern.MULTILINE);
  private static final Pattern WIRE = Pattern.compile(
      "^core\\.serialization\\.property\\(\"([a-z_]+)\", (.+)\\)$");

  private static final String[] FILES = {"DialogueTextAlignment", "PronunciationDictionaryLocator",
      "TextToDialogueWebsocketApplyTextNormalizationEnum", "TextToDialogueWebsocketAudioChunk",
      "TextToDialogueWebsocketAudioChunkMulti", "TextToDialogueWebsocketClientMessage",
      "TextToDialogueWebsocketClientMessageMulti", "TextToDialogueWebsocketError",
      "TextToDialogueWebsocketFinal", "TextToDialogueWebsocketFinalAudioForTurn",
      "TextToDialogueWebsocketFinalAudioForTurnMulti", "TextToDialogueWebsocketFinalMulti",
      "TextToDialogueWebsocketOutputFormatEnum", "TextToDialogueWebsocketVoiceInput",
      "TextToDialogueWebsocketVoiceSettings", "ReceiveTextToDialogueWebsocketMessage",
      "ReceiveTextToDialogueWebsocketMessageMulti"};

  final JsonNode root;
  final SpecSchema schemas;

  DialogueSpec() {
    ObjectNode r = JSON.createObjectNode();
    ObjectNode all = r.putObject("components").putObject("schemas");
    for (String f : FILES) {
      String js = ElevenLabsSpec.read(DIR + f + ".js");
      Matcher m = EXPORT.matcher(js);
      if (!m.find()) {
        throw new IllegalStateException("no serialization schema in " + f + ".js");
      }
      all.set(m.group(1), schema(m.group(2), m.group(3)));
    }
    root = r;
    schemas = new SpecSchema(r);
  }

  /** The named schema. */
  JsonNode schema(String name) {
    JsonNode s = root.path("components").path("schemas").path(name);
    if (s.isMissingNode()) {
      throw new IllegalStateException("no dialogue schema " + name);
    }
    return s;
  }

  /** The client message schema of a channel. */
  JsonNode clientMessage(boolean multi) {
    return schema(multi ? "TextToDialogueWebsocketClientMessageMulti"
        : "TextToDialogueWebsocketClientMessage");
  }

  /** The server message schemas of a channel (the SDK's receive union), by name. */
  Map<String, JsonNode> serverMessages(boolean multi) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    JsonNode union = schema(multi ? "ReceiveTextToDialogueWebsocketMessageMulti"
        : "ReceiveTextToDialogueWebsocketMessage");
    for (JsonNode ref : union.path("oneOf")) {
      String name = ref.path("$ref").asText();
      out.put(name.substring(name.lastIndexOf('/') + 1), schemas.resolve(ref));
    }
    return out;
  }

  /**
   * The query parameters of both channels (the documentation page's AsyncAPI block:
   * {@code model_id}, {@code output_format}, {@code language_code}, {@code sync_alignment},
   * {@code apply_text_normalization}, {@code seed}, {@code enable_logging}; and
   * {@code single_use_token}, which its text names), typed by the vendored enums.
   */
  Map<String, JsonNode> query() {
    Map<String, JsonNode> q = new LinkedHashMap<>();
    q.put("model_id", type("string"));
    q.put("output_format", ref("TextToDialogueWebsocketOutputFormatEnum"));
    q.put("language_code", type("string"));
    q.put("sync_alignment", type("boolean"));
    q.put("apply_text_normalization", ref("TextToDialogueWebsocketApplyTextNormalizationEnum"));
    q.put("seed", type("integer"));
    q.put("enable_logging", type("boolean"));
    q.put("single_use_token", type("string"));
    return q;
  }

  private static JsonNode schema(String kind, String body) {
    ObjectNode s = JSON.createObjectNode();
    switch (kind) {
      case "enum_" -> {
        s.put("type", "string");
        ArrayNode values = s.putArray("enum");
        Matcher v = Pattern.compile("\"([^\"]+)\"").matcher(body);
        while (v.find()) {
          values.add(v.group(1));
        }
      }
      case "undiscriminatedUnion" -> {
        ArrayNode alts = s.putArray("oneOf");
        Matcher v = Pattern.compile("\\w+_1\\.(\\w+)").matcher(body);
        while (v.find()) {
          alts.add(ref(v.group(1)));
        }
      }
      default -> {
        s.put("type", "object");
        ArrayNode required = s.putArray("required");
        ObjectNode props = s.putObject("properties");
        Matcher f = FIELD.matcher(body);
        while (f.find()) {
          String wire = f.group(1);
          String expr = f.group(2).trim();
          Matcher w = WIRE.matcher(expr);
          if (w.matches()) {
            wire = w.group(1);
            expr = w.group(2).trim();
          }
          boolean optional = expr.endsWith(".optional()");
          if (optional) {
            expr = expr.substring(0, expr.length() - ".optional()".length());
          } else {
            required.add(wire);
          }
          props.set(wire, type(expr));
        }
      }
    }
    return s;
  }

  /** The schema of one serialization expression. */
  private static JsonNode type(String expr) {
    String e = expr.startsWith("core.serialization.") ? expr.substring(19) : expr;
    return switch (e) {
      case "string()", "string" -> JSON.createObjectNode().put("type", "string");
      case "number()" -> JSON.createObjectNode().put("type", "number");
      case "integer" -> JSON.createObjectNode().put("type", "integer");
      case "boolean()", "boolean" -> JSON.createObjectNode().put("type", "boolean");
      case "booleanLiteral(true)" -> JSON.createObjectNode().put("type", "boolean")
          .put("const", true);
      default -> {
        if (e.startsWith("list(") && e.endsWith(")")) {
          ObjectNode l = JSON.createObjectNode().put("type", "array");
          l.set("items", type(e.substring(5, e.length() - 1)));
          yield l;
        }
        Matcher r = Pattern.compile("^\\w+_1\\.(\\w+)$").matcher(e);
        if (r.matches()) {
          yield ref(r.group(1));
        }
        throw new IllegalStateException("unsupported serialization type: " + expr);
      }
    };
  }

  private static ObjectNode ref(String name) {
    return JSON.createObjectNode().put("$ref", "#/components/schemas/" + name);
  }
}
