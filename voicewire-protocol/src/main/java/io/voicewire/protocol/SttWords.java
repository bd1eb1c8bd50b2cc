package io.voicewire.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voicewire.protocol.internal.Json;
import io.voicewire.speech.Word;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code words[]} of Scribe's transcripts (the Scribe document's {@code Word}): written with
 * the optional {@code speaker_id}, {@code characters} and {@code channel_index} when a word has
 * them, read in both {@code characters} forms (objects with times, as the document defines, or
 * plain strings, as the JS SDK's committed words type them), and moved on the audio timeline in
 * messages a client passes on as received. Stateless: thread safe.
 */
public final class SttWords {
  private SttWords() {}

  /** One word as a server sends it, as a JSON object. */
  public static String toJson(Word w) {
    return Json.write(g -> write(g, w));
  }

  static void write(JsonGenerator g, Word w) throws IOException {
    g.writeStartObject();
    g.writeStringField("text", w.text());
    g.writeNumberField("start", round3(w.start()));
    g.writeNumberField("end", round3(w.end()));
    g.writeStringField("type", w.type());
    if (w.speakerId() != null) {
      g.writeStringField("speaker_id", w.speakerId());
    }
    g.writeNumberField("logprob", w.logprob());
    if (!w.characters().isEmpty()) {
      g.writeArrayFieldStart("characters");
      for (Word.Char c : w.characters()) {
        g.writeStartObject();
        g.writeStringField("text", c.text());
        if (c.start() != null) {
          g.writeNumberField("start", round3(c.start()));
        }
        if (c.end() != null) {
          g.writeNumberField("end", round3(c.end()));
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    if (w.channelIndex() != null) {
      g.writeNumberField("channel_index", w.channelIndex());
    }
    g.writeEndObject();
  }

  /** The words of {@code arr} (tolerant: missing times are 0, a missing type is a word). */
  static List<Word> read(JsonNode arr) {
    List<Word> out = new ArrayList<>();
    if (arr == null || !arr.isArray()) {
      return out;
    }
    for (JsonNode w : arr) {
      double start = w.path("start").asDouble(0);
      double end = Math.max(start, w.path("end").asDouble(start));
      List<Word.Char> chars = new ArrayList<>();
      for (JsonNode c : w.path("characters")) {
        if (c.isTextual()) {
          chars.add(new Word.Char(c.asText(), null, null));
        } else if (c.isObject()) {
          chars.add(new Word.Char(c.path("text").asText(""), number(c.get("start")),
              number(c.get("end"))));
        }
      }
      JsonNode speaker = w.get("speaker_id");
      JsonNode channel = w.get("channel_index");
      out.add(new Word(w.path("text").asText(""), start, end, w.path("type").asText("word"),
          w.path("logprob").asDouble(0), speaker == null || speaker.isNull() ? null
              : speaker.asText(), chars,
          channel == null || !channel.canConvertToInt() ? null : channel.asInt()));
    }
    return out;
  }

  /**
   * {@code json} (a transcript message) with its words and their characters moved by
   * {@code seconds}; every other field as received. Unreadable text is returned unchanged.
   */
  public static String shifted(String json, double seconds) {
    if (seconds == 0) {
      return json;
    }
    try {
      ObjectNode o = Json.parseObject(json);
      if (!(o.get("words") instanceof ArrayNode words)) {
        return json;
      }
      for (JsonNode w : words) {
        shift((ObjectNode) w, seconds);
        for (JsonNode c : w.path("characters")) {
          if (c instanceof ObjectNode co) {
            shift(co, seconds);
          }
        }
      }
      return Json.mapper().writeValueAsString(o);
    } catch (ProtocolException | IOException | ClassCastException e) {
      return json;
    }
  }

  /**
   * A server message a client passes on as received, as its request asked for it: a
   * {@code final_transcript_with_timestamps} is dropped (null) when the request asked for neither
   * timestamps nor language detection (a client that resumes asks the server for timestamps
   * anyway), loses its words without timestamps, and has its word times moved by
   * {@code shiftSeconds} (the audio before the current session). Other messages are unchanged.
   */
  public static String asRequested(String messageType, String json, boolean timestamps,
      boolean languageDetection, double shiftSeconds) {
    if (!"final_transcript_with_timestamps".equals(messageType)) {
      return json;
    }
    if (!timestamps) {
      return languageDetection ? withoutWords(json) : null;
    }
    return shifted(json, shiftSeconds);
  }

  /** {@code json} without its {@code words} field (language detection without timestamps). */
  public static String withoutWords(String json) {
    try {
      ObjectNode o = Json.parseObject(json);
      if (o.remove("words") == null) {
        return json;
      }
      return Json.mapper().writeValueAsString(o);
    } catch (ProtocolException | IOException e) {
      return json;
    }
  }

  private static void shift(ObjectNode o, double seconds) {
    for (String f : new String[] {"start", "end"}) {
      JsonNode v = o.get(f);
      if (v != null && v.isNumber()) {
        o.put(f, round3(v.asDouble() + seconds));
      }
    }
  }

  private static Double number(JsonNode n) {
    return n == null || !n.isNumber() ? null : n.asDouble();
  }

  static double round3(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }
}
