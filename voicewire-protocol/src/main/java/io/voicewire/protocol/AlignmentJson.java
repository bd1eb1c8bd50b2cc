package io.voicewire.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.voicewire.speech.Alignment;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link Alignment} as JSON: the TTS sockets' camelCase object and the dialogue sockets'
 * snake_case one. Package-private, so that no public signature of the protocol names a Jackson
 * type.
 */
final class AlignmentJson {
  private AlignmentJson() {}

  /** Writes {@code a} as the object {@code field} with these names of its time arrays. */
  static void write(JsonGenerator g, String field, Alignment a, String startsName,
      String durationsName) throws IOException {
    g.writeObjectFieldStart(field);
    g.writeArrayFieldStart("chars");
    for (String c : a.chars()) {
      g.writeString(c);
    }
    g.writeEndArray();
    g.writeArrayFieldStart(startsName);
    for (int i = 0; i < a.size(); i++) {
      g.writeNumber(a.startMs(i));
    }
    g.writeEndArray();
    g.writeArrayFieldStart(durationsName);
    for (int i = 0; i < a.size(); i++) {
      g.writeNumber(a.durationMs(i));
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /** Reads a WS alignment object, tolerating the duration/start key variants; null if absent. */
  static Alignment read(JsonNode n) throws ProtocolException {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isObject()) {
      throw ProtocolException.input("alignment must be an object");
    }
    JsonNode chars = n.get("chars");
    // camelCase on the TTS sockets (two spellings), snake_case on the dialogue sockets
    JsonNode starts = first(n, "charStartTimesMs", "charsStartTimesMs", "char_start_times_ms");
    JsonNode durs = first(n, "charDurationsMs", "charsDurationsMs", "char_durations_ms");
    if (chars == null || !chars.isArray()) {
      return null;
    }
    List<String> cs = new ArrayList<>(chars.size());
    for (JsonNode c : chars) {
      cs.add(c.asText());
    }
    int[] st = ints(starts, cs.size());
    int[] du = ints(durs, cs.size());
    try {
      return new Alignment(cs, st, du);
    } catch (IllegalArgumentException e) {
      throw ProtocolException.input(e.getMessage());
    }
  }

  private static JsonNode first(JsonNode n, String... names) {
    for (String name : names) {
      JsonNode v = n.get(name);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static int[] ints(JsonNode arr, int expected) {
    if (arr == null || !arr.isArray()) {
      return new int[expected];
    }
    int[] out = new int[arr.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (int) Math.round(arr.get(i).asDouble());
    }
    return out;
  }
}
