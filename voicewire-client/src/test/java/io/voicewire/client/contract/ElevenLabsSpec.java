package io.voicewire.client.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The vendored official ElevenLabs definitions ({@code src/test/resources/elevenlabs-spec}, see its
 * README), parsed at run time: the OpenAPI document for HTTP, the AsyncAPI documents for the TTS
 * WebSockets and for Scribe realtime, and the few {@code @elevenlabs/elevenlabs-js} files that
 * define what the documents leave out (the realtime query parameters, the single-use token types).
 * Nothing here is a hand-typed copy of the contract: every allowed name, type and enum comes from
 * those files.
 *
 * <p>Immutable after {@link #load()}: thread safe.
 */
final class ElevenLabsSpec {
  /** The realtime STT endpoint, which the Scribe AsyncAPI document names only as a channel. */
  static final String SCRIBE_PATH = "/v1/speech-to-text/realtime";
  static final String STREAM_INPUT = "/v1/text-to-speech/{voice_id}/stream-input";
  static final String MULTI_STREAM_INPUT = "/v1/text-to-speech/{voice_id}/multi-stream-input";

  private static final String DIR = "/elevenlabs-spec/";
  private static final ObjectMapper JSON = new ObjectMapper();

  final JsonNode openapi;
  final JsonNode tts;
  final JsonNode scribe;
  final SpecSchema http;
  final SpecSchema ttsSchemas;
  final SpecSchema scribeSchemas;
  /** Realtime STT query parameters and their schemas, from the JS SDK and the Scribe document. */
  final Map<String, JsonNode> scribeQuery;
  /** {@code token_type} values of {@code POST /v1/single-use-token/{token_type}}. */
  final Set<String> tokenTypes;
  /** The field of the single-use token answer. */
  final Set<String> tokenFields;
  /** Realtime STT server messages only the JS SDK defines (see {@link #scribeServerMessages}). */
  final Map<String, JsonNode> scribeSdkOnlyMessages;

  /** One HTTP operation of the OpenAPI document matched by a concrete request. */
  record Operation(String method, String template, JsonNode op, Map<String, String> pathParams) {}

  private ElevenLabsSpec() {
    openapi = readJson("openapi.json");
    tts = readYaml("asyncapi.yml");
    scribe = readYaml("scribe.asyncapi.yaml");
    http = new SpecSchema(openapi);
    ttsSchemas = new SpecSchema(tts);
    scribeSchemas = new SpecSchema(scribe);
    tokenTypes = quoted(read("elevenlabs-js/SingleUseTokenType.d.ts"),
        Pattern.compile(":\\s*\"([a-z_]+)\""));
    tokenFields = quoted(read("elevenlabs-js/SingleUseTokenResponseModel.d.ts"),
        Pattern.compile("^\\s+([a-z_]+)\\??:", Pattern.MULTILINE));
    scribeQuery = scribeQuery();
    scribeSdkOnlyMessages = sdkOnlyMessages();
  }

  private static final class Holder {
    static final ElevenLabsSpec SPEC = new ElevenLabsSpec();
  }

  /** The parsed documents (parsed once per JVM). */
  static ElevenLabsSpec load() {
    return Holder.SPEC;
  }

  // ---- HTTP

  /** The operation for {@code method} and a concrete {@code path}, or null when none exists. */
  Operation operation(String method, String path) {
    var it = openapi.path("paths").fields();
    while (it.hasNext()) {
      var e = it.next();
      Map<String, String> params = match(e.getKey(), path);
      JsonNode op = e.getValue().get(method.toLowerCase(java.util.Locale.ROOT));
      if (params != null && op != null) {
        return new Operation(method, e.getKey(), op, params);
      }
    }
    return null;
  }

  /** Parameters of {@code op} that are {@code in} (query, path, header) → their schema. */
  Map<String, JsonNode> parameters(Operation op, String in) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (JsonNode p : op.op().path("parameters")) {
      JsonNode r = http.resolve(p);
      if (in.equals(r.path("in").asText())) {
        out.put(r.path("name").asText(), r.path("schema"));
      }
    }
    return out;
  }

  /** The request body schema of {@code op} for {@code mediaType}, or null. */
  JsonNode requestBody(Operation op, String mediaType) {
    JsonNode s = op.op().path("requestBody").path("content").path(mediaType).path("schema");
    return s.isMissingNode() ? null : http.resolve(s);
  }

  /** The schema of the 200 answer of {@code op} for {@code mediaType}, or null. */
  JsonNode response(Operation op, String mediaType) {
    JsonNode s = op.op().path("responses").path("200").path("content").path(mediaType)
        .path("schema");
    return s.isMissingNode() ? null : http.resolve(s);
  }

  /** The media types the 200 answer of {@code op} may have. */
  List<String> responseTypes(Operation op) {
    List<String> out = new ArrayList<>();
    op.op().path("responses").path("200").path("content").fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** The named schema of the OpenAPI document. */
  JsonNode httpSchema(String name) {
    return openapi.path("components").path("schemas").path(name);
  }

  // ---- TTS WebSockets

  /** The query parameters of a TTS channel → their schema. */
  Map<String, JsonNode> ttsQuery(String channel) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    tts.path("channels").path(channel).path("bindings").path("ws").path("query")
        .path("properties").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  /** Payload schemas of the messages a client sends ({@code publish}) or receives. */
  Map<String, JsonNode> ttsMessages(String channel, boolean fromClient) {
    JsonNode list = tts.path("channels").path(channel).path(fromClient ? "publish" : "subscribe")
        .path("message").path("oneOf");
    return messages(ttsSchemas, list);
  }

  // ---- Scribe realtime

  /** Payload schemas of the messages a realtime STT client sends. */
  Map<String, JsonNode> scribeClientMessages() {
    // the Scribe document is written from the server's side: the client publishes to "subscribe"
    return messages(scribeSchemas,
        scribe.path("channels").path("ScribeMessages").path("subscribe").path("message")
            .path("oneOf"));
  }

  /**
   * Payload schemas of the messages a realtime STT server sends: the Scribe document's, then the
   * ones only the official JS SDK's {@code WebSocketMessage} union defines (such as
   * {@code edited_transcript}, the answer to {@code transcript_edit}), typed from its interface.
   */
  Map<String, JsonNode> scribeServerMessages() {
    Map<String, JsonNode> out = messages(scribeSchemas,
        scribe.path("channels").path("ScribeMessages").path("publish").path("message")
            .path("oneOf"));
    out.putAll(scribeSdkOnlyMessages);
    return out;
  }

  /** Server messages of the JS SDK's union that the Scribe document lacks, by interface name. */
  private Map<String, JsonNode> sdkOnlyMessages() {
    String ts = read("elevenlabs-js/connection.d.ts");
    Matcher union = Pattern.compile("export type WebSocketMessage = ([^;]+);").matcher(ts);
    if (!union.find()) {
      throw new IllegalStateException("the vendored connection.d.ts has no WebSocketMessage");
    }
    Set<String> known = new LinkedHashSet<>();
    messages(scribeSchemas, scribe.path("channels").path("ScribeMessages").path("publish")
        .path("message").path("oneOf")).values().forEach(p -> known.add(
            p.path("properties").path("message_type").path("const").asText()));
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (String name : union.group(1).split("\\|")) {
      Matcher body = Pattern.compile("export interface " + name.trim() + " \\{([^}]*)\\}")
          .matcher(ts);
      if (!body.find()) {
        continue; // a union of other types (ServerErrorMessage)
      }
      Matcher mt = Pattern.compile("message_type:\\s*\"([a-z_]+)\"").matcher(body.group(1));
      if (!mt.find() || known.contains(mt.group(1))) {
        continue;
      }
      com.fasterxml.jackson.databind.node.ObjectNode schema = JSON.createObjectNode()
          .put("type", "object");
      var required = schema.putArray("required");
      var props = schema.putObject("properties");
      Matcher f = Pattern.compile("^\\s+([a-z_]+)(\\??):\\s*([^;]+);", Pattern.MULTILINE)
          .matcher(body.group(1));
      while (f.find()) {
        String type = f.group(3).trim();
        var p = props.putObject(f.group(1));
        if (type.startsWith("\"")) {
          p.put("type", "string").put("const", type.replace("\"", ""));
        } else {
          p.put("type", switch (type) {
            case "number" -> "number";
            case "boolean" -> "boolean";
            case "string" -> "string";
            default -> throw new IllegalStateException("unsupported type " + type + " in "
                + name.trim());
          });
        }
        if (f.group(2).isEmpty()) {
          required.add(f.group(1));
        }
      }
      out.put(name.trim(), schema);
    }
    return out;
  }

  /** The server message schema whose {@code message_type} is {@code type}, or null. */
  JsonNode scribeServerMessage(String type) {
    for (JsonNode payload : scribeServerMessages().values()) {
      JsonNode mt = payload.path("properties").path("message_type");
      if (type.equals(mt.path("const").asText(null))) {
        return payload;
      }
    }
    return null;
  }

  private static Map<String, JsonNode> messages(SpecSchema s, JsonNode oneOf) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (JsonNode ref : oneOf) {
      JsonNode msg = s.resolve(ref);
      String name = ref.path("$ref").asText();
      out.put(name.substring(name.lastIndexOf('/') + 1), s.resolve(msg.path("payload")));
    }
    return out;
  }

  private Map<String, JsonNode> scribeQuery() {
    // names: what the official JS SDK puts in the realtime URL
    Set<String> names = quoted(read("elevenlabs-js/scribe.js"),
        Pattern.compile("params\\.append\\(\"([a-z_0-9]+)\""));
    // types: the session_started config of the Scribe document, then the JS SDK's Config type
    JsonNode config = scribe.at("/components/schemas/SessionStartedPayload/properties/config"
        + "/properties");
    Map<String, String> tsTypes = new LinkedHashMap<>();
    Matcher m = Pattern.compile("^\\s+([a-z_]+)\\?:\\s*([A-Za-z\\[\\]]+)", Pattern.MULTILINE)
        .matcher(read("elevenlabs-js/connection.d.ts"));
    while (m.find()) {
      tsTypes.putIfAbsent(m.group(1), m.group(2));
    }
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (String n : names) {
      JsonNode s = config.path(n);
      if (s.isMissingNode()) {
        String t = switch (tsTypes.getOrDefault(n, "string")) {
          case "boolean" -> "boolean";
          case "number" -> "number";
          default -> "string";
        };
        s = JSON.createObjectNode().put("type", t);
      } else if (s.path("type").asText().equals("array")) {
        s = s.path("items"); // repeated in the query, one value each
      }
      out.put(n, s);
    }
    return out;
  }

  // ---- helpers

  /** Matches an OpenAPI/AsyncAPI path template against a concrete path. */
  static Map<String, String> match(String template, String path) {
    String[] t = template.split("/", -1);
    String[] p = path.split("/", -1);
    if (t.length != p.length) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < t.length; i++) {
      if (t[i].startsWith("{") && t[i].endsWith("}")) {
        if (p[i].isEmpty()) {
          return null;
        }
        out.put(t[i].substring(1, t[i].length() - 1), p[i]);
      } else if (!t[i].equals(p[i])) {
        return null;
      }
    }
    return out;
  }

  private static Set<String> quoted(String text, Pattern p) {
    Set<String> out = new LinkedHashSet<>();
    Matcher m = p.matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("the vendored file no longer matches " + p);
    }
    return out;
  }

  static String read(String name) {
    try (InputStream in = ElevenLabsSpec.class.getResourceAsStream(DIR + name)) {
      if (in == null) {
        throw new IllegalStateException("missing vendored spec file " + DIR + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode readJson(String name) {
    try {
      return JSON.readTree(read(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode readYaml(String name) {
    LoaderOptions o = new LoaderOptions();
    o.setCodePointLimit(16 * 1024 * 1024);
    Object tree = new Yaml(o).load(read(name));
    return JSON.valueToTree(tree);
  }
}
