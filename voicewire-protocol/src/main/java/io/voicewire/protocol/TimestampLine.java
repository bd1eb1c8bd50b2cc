package io.voicewire.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voicewire.protocol.internal.Json;
import io.voicewire.speech.Alignment;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One line of {@code /stream/with-timestamps} (PROTOCOL.md §4.4): snake_case keys, times in
 * <b>seconds</b>, end times instead of durations, cumulative over the request.
 *
 * @param audio the audio bytes
 * @param alignment original-text alignment with times in ms <b>from the start of the request</b>,
 *     or null
 * @param normalizedAlignment normalized-text alignment, same time base, or null
 */
public record TimestampLine(byte[] audio, Alignment alignment, Alignment normalizedAlignment) {

  /** Encodes one line (without the trailing newline). */
  public String encode() {
    return Json.write(g -> {
      g.writeStartObject();
      g.writeStringField("audio_base64", Base64.getEncoder().encodeToString(audio));
      write(g, "alignment", alignment);
      write(g, "normalized_alignment", normalizedAlignment);
      g.writeEndObject();
    });
  }

  private static void write(JsonGenerator g, String field, Alignment a) throws IOException {
    if (a == null) {
      g.writeNullField(field);
      return;
    }
    g.writeObjectFieldStart(field);
    g.writeArrayFieldStart("characters");
    for (String c : a.chars()) {
      g.writeString(c);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("character_start_times_seconds");
    for (int i = 0; i < a.size(); i++) {
      g.writeNumber(a.startMs(i) / 1000.0);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("character_end_times_seconds");
    for (int i = 0; i < a.size(); i++) {
      g.writeNumber((a.startMs(i) + a.durationMs(i)) / 1000.0);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /** Decodes one line. */
  public static TimestampLine decode(String line) throws ProtocolException {
    ObjectNode o = Json.parseObject(line);
    return new TimestampLine(Json.base64("audio_base64", Json.string(o, "audio_base64")),
        read(o.get("alignment")), read(o.get("normalized_alignment")));
  }

  private static Alignment read(JsonNode n) {
    if (n == null || !n.isObject() || !n.path("characters").isArray()) {
      return null;
    }
    JsonNode cs = n.get("characters");
    JsonNode st = n.path("character_start_times_seconds");
    JsonNode en = n.path("character_end_times_seconds");
    List<String> chars = new ArrayList<>();
    int[] s = new int[cs.size()];
    int[] d = new int[cs.size()];
    for (int i = 0; i < cs.size(); i++) {
      chars.add(cs.get(i).asText());
      double a = st.path(i).asDouble(0);
      double b = en.path(i).asDouble(a);
      s[i] = (int) Math.round(a * 1000);
      d[i] = (int) Math.max(0, Math.round(b * 1000) - s[i]);
    }
    return new Alignment(chars, s, d);
  }
}
