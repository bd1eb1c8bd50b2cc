package io.voicewire.client.contract;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A strict checker of JSON values against the JSON-Schema subset the vendored ElevenLabs documents
 * use ({@code $ref}, {@code anyOf}/{@code oneOf}/{@code allOf}, {@code type}, {@code nullable},
 * {@code enum}, {@code const}, {@code properties}, {@code required}, {@code items},
 * {@code minimum}/{@code maximum}). Strict means: a field the schema does not name is a violation
 * even when the schema leaves {@code additionalProperties} open, unless it gives
 * {@code additionalProperties} a schema or {@code true} (as for {@code labels}).
 *
 * <p>Stateless: thread safe.
 */
final class SpecSchema {
  private final JsonNode root;

  /** A checker resolving {@code #/...} references against {@code root}. */
  SpecSchema(JsonNode root) {
    this.root = root;
  }

  /** Resolves a local {@code $ref} chain. */
  JsonNode resolve(JsonNode schema) {
    JsonNode s = schema;
    for (int i = 0; s != null && s.has("$ref") && i < 32; i++) {
      String ref = s.get("$ref").asText();
      if (!ref.startsWith("#/")) {
        throw new IllegalStateException("only local references are supported: " + ref);
      }
      s = root.at(ref.substring(1).replace("~1", "/"));
      if (s.isMissingNode()) {
        throw new IllegalStateException("dangling reference " + ref);
      }
    }
    return s;
  }

  /** The violations of {@code value} against {@code schema}; empty when it conforms. */
  List<String> check(JsonNode schema, JsonNode value, String where) {
    List<String> out = new ArrayList<>();
    check(schema, value, where, out);
    return out;
  }

  private void check(JsonNode schema, JsonNode value, String where, List<String> out) {
    JsonNode s = resolve(schema);
    if (s == null || s.isMissingNode() || s.isEmpty()) {
      return; // an empty schema allows anything
    }
    if (value.isNull() && s.path("nullable").asBoolean(false)) {
      return;
    }
    for (String alt : List.of("anyOf", "oneOf")) {
      if (s.has(alt)) {
        List<String> best = null;
        for (JsonNode branch : s.get(alt)) {
          List<String> v = check(branch, value, where);
          if (v.isEmpty()) {
            return;
          }
          if (best == null || v.size() < best.size()) {
            best = v;
          }
        }
        out.addAll(best == null ? List.of(where + ": no alternative") : best);
        return;
      }
    }
    if (s.has("allOf")) {
      for (JsonNode part : s.get("allOf")) {
        check(part, value, where, out);
      }
    }
    if (s.has("const") && !constEquals(s.get("const"), value)) {
      out.add(where + ": must be " + s.get("const") + ", was " + value);
      return;
    }
    if (s.has("enum")) {
      boolean found = false;
      for (JsonNode e : s.get("enum")) {
        found |= constEquals(e, value);
      }
      if (!found) {
        out.add(where + ": " + value + " is not one of " + s.get("enum"));
        return;
      }
    }
    String type = s.path("type").asText(null);
    if (type == null && s.has("properties")) {
      type = "object";
    }
    if (type != null && !typeMatches(type, value)) {
      out.add(where + ": expected " + type + ", was " + kind(value));
      return;
    }
    if (value.isNumber()) {
      if (s.has("minimum") && value.asDouble() < s.get("minimum").asDouble()) {
        out.add(where + ": " + value + " < minimum " + s.get("minimum"));
      }
      if (s.has("maximum") && value.asDouble() > s.get("maximum").asDouble()) {
        out.add(where + ": " + value + " > maximum " + s.get("maximum"));
      }
    }
    if (value.isArray() && s.has("items")) {
      int i = 0;
      for (JsonNode item : value) {
        check(s.get("items"), item, where + "[" + i++ + "]", out);
      }
    }
    if (value.isObject()) {
      checkObject(s, value, where, out);
    }
  }

  private void checkObject(JsonNode s, JsonNode value, String where, List<String> out) {
    JsonNode props = s.path("properties");
    for (JsonNode req : s.path("required")) {
      if (!value.has(req.asText())) {
        out.add(where + ": required field '" + req.asText() + "' is missing");
      }
    }
    JsonNode extra = s.get("additionalProperties");
    Iterator<Map.Entry<String, JsonNode>> it = value.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> f = it.next();
      String at = where + "." + f.getKey();
      if (props.has(f.getKey())) {
        check(props.get(f.getKey()), f.getValue(), at, out);
      } else if (extra != null && extra.isObject()) {
        check(extra, f.getValue(), at, out);
      } else if (extra == null || !extra.asBoolean(false)) {
        out.add(at + ": unknown field");
      }
    }
  }

  private static boolean constEquals(JsonNode expected, JsonNode value) {
    if (expected.isNumber() && value.isNumber()) {
      return expected.asDouble() == value.asDouble();
    }
    return expected.equals(value);
  }

  private static boolean typeMatches(String type, JsonNode v) {
    return switch (type) {
      case "string" -> v.isTextual();
      case "integer" -> v.isIntegralNumber() || (v.isNumber() && v.asDouble() == Math.rint(
          v.asDouble()));
      case "number" -> v.isNumber();
      case "boolean" -> v.isBoolean();
      case "array" -> v.isArray();
      case "object" -> v.isObject();
      case "null" -> v.isNull();
      default -> true;
    };
  }

  /** Checks a query-string value (always text on the wire) against a parameter schema. */
  List<String> checkQueryValue(JsonNode schema, String raw, String where) {
    return check(schema, queryValue(schema, raw), where);
  }

  private JsonNode queryValue(JsonNode schema, String raw) {
    com.fasterxml.jackson.databind.node.JsonNodeFactory f =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
    String type = scalarType(schema);
    try {
      return switch (type == null ? "string" : type) {
        case "boolean" -> "true".equals(raw) || "false".equals(raw)
            ? f.booleanNode(Boolean.parseBoolean(raw)) : f.textNode(raw);
        case "integer" -> f.numberNode(Long.parseLong(raw));
        case "number" -> f.numberNode(Double.parseDouble(raw));
        default -> f.textNode(raw);
      };
    } catch (NumberFormatException e) {
      return f.textNode(raw);
    }
  }

  /** The first scalar type a (possibly composite) schema names, or null. */
  String scalarType(JsonNode schema) {
    JsonNode s = resolve(schema);
    if (s.has("type") && !"null".equals(s.get("type").asText())) {
      return s.get("type").asText();
    }
    for (String alt : List.of("anyOf", "oneOf", "allOf")) {
      for (JsonNode b : s.path(alt)) {
        String t = scalarType(b);
        if (t != null) {
          return t;
        }
      }
    }
    return s.has("enum") || s.has("const") ? "string" : null;
  }

  private static String kind(JsonNode v) {
    return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }
}
