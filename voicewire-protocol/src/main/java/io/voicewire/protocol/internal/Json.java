package io.voicewire.protocol.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voicewire.protocol.ProtocolException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Shared JSON plumbing of the protocol: one configured mapper, typed field readers that turn a
 * wrong type into a {@link ProtocolException} naming the field, and a writer helper.
 *
 * <p>Thread safe.
 */
public final class Json {
  private Json() {}

  /** Longest string value accepted in one message: 16 MiB (a large audio chunk in base64). */
  public static final int MAX_STRING_CHARS = 16 * 1024 * 1024;

  static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxStringLength(MAX_STRING_CHARS).maxNestingDepth(32).build())
      .build();
  static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

  /** The shared mapper (configured; do not reconfigure). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Parses a JSON object, or throws an input error. */
  public static ObjectNode parseObject(String text) throws ProtocolException {
    JsonNode node;
    try {
      node = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw ProtocolException.input("malformed JSON: " + e.getOriginalMessage());
    }
    if (!(node instanceof ObjectNode obj)) {
      throw ProtocolException.input("expected a JSON object, got "
          + (node == null ? "nothing" : node.getNodeType().name().toLowerCase()));
    }
    return obj;
  }

  /** A string field, null when absent or JSON null; a non-string is an input error. */
  public static String string(JsonNode obj, String field) throws ProtocolException {
    JsonNode v = obj.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw ProtocolException.input("field '" + field + "' must be a string");
    }
    return v.textValue();
  }

  /** A boolean field, {@code dflt} when absent or null; a non-boolean is an input error. */
  public static boolean bool(JsonNode obj, String field, boolean dflt) throws ProtocolException {
    JsonNode v = obj.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isBoolean()) {
      throw ProtocolException.input("field '" + field + "' must be a boolean");
    }
    return v.booleanValue();
  }

  /** An integer field, null when absent; a non-integer is an input error. */
  public static Integer integer(JsonNode obj, String field) throws ProtocolException {
    JsonNode v = obj.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.canConvertToInt() || !(v.isIntegralNumber() || (v.isNumber()
        && v.doubleValue() == Math.rint(v.doubleValue())))) {
      throw ProtocolException.input("field '" + field + "' must be an integer");
    }
    return v.intValue();
  }

  /** A number field, null when absent; a non-number is an input error. */
  public static Double number(JsonNode obj, String field) throws ProtocolException {
    JsonNode v = obj.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber()) {
      throw ProtocolException.input("field '" + field + "' must be a number");
    }
    return v.doubleValue();
  }

  /** An object field, null when absent; a non-object is an input error. */
  public static JsonNode object(JsonNode obj, String field) throws ProtocolException {
    JsonNode v = obj.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isObject()) {
      throw ProtocolException.input("field '" + field + "' must be an object");
    }
    return v;
  }

  /** An integer array field, null when absent. */
  public static List<Integer> intList(JsonNode obj, String field) throws ProtocolException {
    JsonNode v = obj.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isArray()) {
      throw ProtocolException.input("field '" + field + "' must be an array of numbers");
    }
    List<Integer> out = new ArrayList<>(v.size());
    for (JsonNode e : v) {
      if (!e.isNumber()) {
        throw ProtocolException.input("field '" + field + "' must be an array of numbers");
      }
      double d = e.doubleValue();
      if (!(d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE)) {
        // a cast would wrap (4294967346 became 50): refuse instead
        throw ProtocolException.input("field '" + field + "' holds a number out of range: "
            + e.asText());
      }
      out.add((int) Math.round(d));
    }
    return out;
  }

  /** Decodes base64 (standard alphabet, padding optional), or throws an input error. */
  public static byte[] base64(String field, String value) throws ProtocolException {
    if (value == null || value.isEmpty()) {
      return new byte[0];
    }
    try {
      return Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      throw ProtocolException.input("field '" + field + "' is not valid base64: "
          + e.getMessage());
    }
  }

  /** Writes one JSON value with a generator and returns the text. */
  public static String write(GeneratorBody body) {
    return write(body, 256);
  }

  /**
   * {@link #write(GeneratorBody)} into a buffer of {@code sizeHint} characters to start with, so
   * that a large message (TTS audio: tens of KB of base64) is not copied again each time the
   * buffer doubles; the string is the one copy made at the end.
   */
  public static String write(GeneratorBody body, int sizeHint) {
    SizedWriter w = new SizedWriter(Math.max(64, sizeHint));
    try (JsonGenerator g = FACTORY.createGenerator(w)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  /** A {@link java.io.Writer} into one unsynchronized {@link StringBuilder} of a given size. */
  private static final class SizedWriter extends java.io.Writer {
    private final StringBuilder sb;

    SizedWriter(int capacity) {
      sb = new StringBuilder(capacity);
    }

    @Override
    public void write(char[] c, int off, int len) {
      sb.append(c, off, len);
    }

    @Override
    public void write(String str, int off, int len) {
      sb.append(str, off, off + len);
    }

    @Override
    public void write(int c) {
      sb.append((char) c);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    @Override
    public String toString() {
      return sb.toString();
    }
  }

  /**
   * The error object the WebSocket protocols send before a close:
   * {@code {"message","error","code"}}, plus {@code extraField} when {@code extraValue} is not
   * null (the TTS sockets' {@code contextId}, the dialogue sockets' {@code param}).
   */
  public static String error(String message, String error, int code, String extraField,
      String extraValue) {
    return write(g -> {
      g.writeStartObject();
      g.writeStringField("message", message);
      g.writeStringField("error", error);
      g.writeNumberField("code", code);
      if (extraValue != null) {
        g.writeStringField(extraField, extraValue);
      }
      g.writeEndObject();
    });
  }

  /** Writes into a generator. */
  @FunctionalInterface
  public interface GeneratorBody {
    void write(JsonGenerator g) throws IOException;
  }
}
