package io.voicewire.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicewire.protocol.internal.Json;

/**
 * The HTTP error body (PROTOCOL.md §8.4), current format with the legacy {@code status} kept:
 * {@code {"detail":{"type","code","message","status","request_id","param"}}}.
 *
 * @param httpStatus the HTTP status sent with it
 * @param type e.g. {@code validation_error}, {@code authentication_error}
 * @param code e.g. {@code invalid_parameters}, {@code invalid_api_key}
 * @param message human-readable text
 * @param requestId the request id, or null
 * @param param the offending parameter, or null
 */
public record HttpError(int httpStatus, String type, String code, String message,
    String requestId, String param) {

  /** The status of request validation errors, whose body is the FastAPI {@code detail} array. */
  public static final int VALIDATION_STATUS = 422;

  /**
   * Encodes the body. A {@link #VALIDATION_STATUS} error is the official
   * {@code {"detail":[{"loc":[...],"msg","type"}]}}, its location from {@code param}
   * ({@code body.text} → {@code ["body","text"]}); every other error is the object form.
   */
  public String encode() {
    if (httpStatus == VALIDATION_STATUS) {
      return Json.write(g -> {
        g.writeStartObject();
        g.writeArrayFieldStart("detail");
        g.writeStartObject();
        g.writeArrayFieldStart("loc");
        for (String part : (param == null ? "body" : param).split("\\.")) {
          g.writeString(part);
        }
        g.writeEndArray();
        g.writeStringField("msg", message);
        g.writeStringField("type", code);
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
      });
    }
    return Json.write(g -> {
      g.writeStartObject();
      g.writeObjectFieldStart("detail");
      g.writeStringField("type", type);
      g.writeStringField("code", code);
      g.writeStringField("message", message);
      g.writeStringField("status", code);
      if (requestId != null) {
        g.writeStringField("request_id", requestId);
      }
      if (param != null) {
        g.writeStringField("param", param);
      }
      g.writeEndObject();
      g.writeEndObject();
    });
  }

  /** Reads an error body in any of the three formats of §8.4; never throws. */
  public static HttpError decode(int httpStatus, String body) {
    try {
      JsonNode root = Json.mapper().readTree(body);
      JsonNode d = root == null ? null : root.get("detail");
      if (d != null && d.isObject()) {
        String code = d.hasNonNull("code") ? d.get("code").asText() : d.path("status").asText("");
        return new HttpError(httpStatus, d.path("type").asText(""), code,
            d.path("message").asText(""), d.path("request_id").asText(null),
            d.path("param").asText(null));
      }
      if (d != null && d.isArray() && !d.isEmpty()) {
        JsonNode e = d.get(0);
        StringBuilder loc = new StringBuilder();
        for (JsonNode l : e.path("loc")) {
          loc.append(loc.isEmpty() ? "" : ".").append(l.asText());
        }
        return new HttpError(httpStatus, "validation_error", e.path("type").asText(""),
            e.path("msg").asText(""), null, loc.isEmpty() ? null : loc.toString());
      }
    } catch (Exception ignored) {
      // fall through: not JSON
    }
    String text = body == null ? "" : body.length() > 200 ? body.substring(0, 200) : body;
    return new HttpError(httpStatus, "", "", text, null, null);
  }
}
