package io.voicewire.client.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicewire.protocol.SttParams;
import io.voicewire.protocol.TtsParams;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/protocol-table.md} lists every official endpoint, parameter and message of the
 * vendored documents: the rows are derived here from the documents, and a row missing from the
 * table fails the build. Run with {@code -Dvoicewire.writeProtocolTable=true} to write the table
 * from {@link ProtocolSupport} (then review the diff).
 */
class ProtocolTableTest {
  static final Path TABLE = Path.of("").toAbsolutePath().getParent()
      .resolve("docs/protocol-table.md");

  /** One row: its key (as it appears in the table) and its section. */
  record Row(String section, String key) {}

  static List<Row> rows() {
    ElevenLabsSpec spec = ElevenLabsSpec.load();
    List<Row> out = new ArrayList<>();
    // TTS WebSockets
    for (String ch : List.of(ElevenLabsSpec.STREAM_INPUT, ElevenLabsSpec.MULTI_STREAM_INPUT)) {
      String sec = "WS " + ch;
      out.add(new Row(sec, "`WS " + ch + "`"));
      spec.ttsQuery(ch).keySet().forEach(q -> out.add(new Row(sec, "query `" + q + "`")));
      for (boolean fromClient : List.of(true, false)) {
        for (Map.Entry<String, JsonNode> m : spec.ttsMessages(ch, fromClient).entrySet()) {
          String msg = (fromClient ? "send " : "receive ") + "`" + m.getKey() + "`";
          out.add(new Row(sec, msg));
          m.getValue().path("properties").fieldNames()
              .forEachRemaining(f -> out.add(new Row(sec, msg + " `" + f + "`")));
        }
      }
    }
    // Text-to-Dialogue WebSockets (the SDK's vendored wire types)
    DialogueSpec ttd = new DialogueSpec();
    for (boolean multi : List.of(false, true)) {
      String ch = multi ? DialogueSpec.MULTI_STREAM_INPUT : DialogueSpec.STREAM_INPUT;
      String sec = "WS " + ch;
      out.add(new Row(sec, "`WS " + ch + "`"));
      ttd.query().keySet().forEach(q -> out.add(new Row(sec, "query `" + q + "`")));
      String send = "send `" + (multi ? "TextToDialogueWebsocketClientMessageMulti"
          : "TextToDialogueWebsocketClientMessage") + "`";
      out.add(new Row(sec, send));
      ttd.clientMessage(multi).path("properties").fieldNames()
          .forEachRemaining(f -> out.add(new Row(sec, send + " `" + f + "`")));
      for (Map.Entry<String, JsonNode> m : ttd.serverMessages(multi).entrySet()) {
        String msg = "receive `" + m.getKey() + "`";
        out.add(new Row(sec, msg));
        m.getValue().path("properties").fieldNames()
            .forEachRemaining(f -> out.add(new Row(sec, msg + " `" + f + "`")));
      }
    }
    // Scribe realtime
    String sec = "WS " + ElevenLabsSpec.SCRIBE_PATH;
    out.add(new Row(sec, "`WS " + ElevenLabsSpec.SCRIBE_PATH + "`"));
    spec.scribeQuery.keySet().forEach(q -> out.add(new Row(sec, "query `" + q + "`")));
    for (boolean fromClient : List.of(true, false)) {
      Map<String, JsonNode> msgs = fromClient ? spec.scribeClientMessages()
          : spec.scribeServerMessages();
      for (JsonNode payload : msgs.values()) {
        String type = payload.path("properties").path("message_type").path("const").asText(
            payload.path("properties").path("message_type").path("enum").path(0).asText());
        String msg = (fromClient ? "send " : "receive ") + "`" + type + "`";
        if (!fromClient && payload.path("properties").path("message_type").has("enum")) {
          msg = "receive `error` (generic)";
        }
        out.add(new Row(sec, msg));
        for (var it = payload.path("properties").fields(); it.hasNext(); ) {
          var f = it.next();
          out.add(new Row(sec, msg + " `" + f.getKey() + "`"));
          if (f.getKey().equals("config")) {
            String m2 = msg;
            f.getValue().path("properties").fieldNames().forEachRemaining(
                c -> out.add(new Row(sec, m2 + " `config." + c + "`")));
          }
        }
      }
    }
    JsonNode word = spec.scribe.at("/components/schemas/Word/properties");
    word.fieldNames().forEachRemaining(f -> out.add(new Row(sec, "word `" + f + "`")));
    // HTTP: every operation; parameters and fields of the ones voicewire serves
    var paths = spec.openapi.path("paths").fields();
    while (paths.hasNext()) {
      var p = paths.next();
      for (var ops = p.getValue().fields(); ops.hasNext(); ) {
        var op = ops.next();
        if (!Set.of("get", "post", "put", "patch", "delete").contains(op.getKey())) {
          continue;
        }
        String ep = op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + p.getKey();
        boolean served = ProtocolSupport.SERVED.contains(ep);
        String s2 = served ? "HTTP " + ep : "HTTP (not served)";
        out.add(new Row(s2, "`" + ep + "`"));
        if (!served) {
          continue;
        }
        ElevenLabsSpec.Operation o = new ElevenLabsSpec.Operation(op.getKey(), p.getKey(),
            op.getValue(), Map.of());
        for (String in : List.of("query", "header")) {
          spec.parameters(o, in).keySet().forEach(n -> out.add(new Row(s2, in + " `" + n + "`")));
        }
        for (String media : List.of("application/json", "multipart/form-data")) {
          JsonNode body = spec.requestBody(o, media);
          if (body != null) {
            body.path("properties").fieldNames()
                .forEachRemaining(f -> out.add(new Row(s2, "body `" + f + "`")));
          }
        }
      }
    }
    String tok = "HTTP POST /v1/single-use-token/{token_type}";
    out.add(new Row(tok, "`POST /v1/single-use-token/{token_type}`"));
    spec.tokenTypes.forEach(t -> out.add(new Row(tok, "path `token_type` = `" + t + "`")));
    return out;
  }

  @Test
  void everyRowOfTheOfficialDocumentsIsInTheTable() throws Exception {
    List<Row> rows = rows();
    if (Boolean.getBoolean("voicewire.writeProtocolTable")) {
      Files.writeString(TABLE, ProtocolSupport.render(rows), StandardCharsets.UTF_8);
    }
    String table = Files.readString(TABLE, StandardCharsets.UTF_8);
    Set<String> missing = new TreeSet<>();
    String section = null;
    for (Row r : rows) {
      if (!r.section().equals(section)) {
        section = r.section();
        if (!table.contains("### " + section + "\n")) {
          missing.add("section " + section);
        }
      }
      if (!table.contains("| " + r.key() + " |")) {
        missing.add(r.section() + ": " + r.key());
      }
    }
    assertTrue(missing.isEmpty(), missing.size() + " rows of the official documents are missing "
        + "from docs/protocol-table.md (regenerate with -Dvoicewire.writeProtocolTable=true):\n"
        + String.join("\n", missing));
  }

  /** The close_context row states the document's semantics: only flushed text is voiced. */
  @Test
  void theCloseContextRowSaysOnlyFlushedTextIsVoiced() throws Exception {
    String table = Files.readString(TABLE, StandardCharsets.UTF_8);
    String row = table.lines().filter(l -> l.startsWith("| send `CloseContextClient` "
        + "`close_context` |")).findFirst().orElseThrow();
    String[] want = ProtocolSupport.support("WS " + ElevenLabsSpec.MULTI_STREAM_INPUT,
        "send `CloseContextClient` `close_context`");
    for (String cell : want) {
      assertTrue(row.contains("| " + cell + " |"), "row: " + row + "\nwants: " + cell);
    }
  }

  @Test
  void theRelaysForwardListsAreTheOfficialQueryParameters() {
    ElevenLabsSpec spec = ElevenLabsSpec.load();
    Set<String> tts = new LinkedHashSet<>(spec.ttsQuery(ElevenLabsSpec.STREAM_INPUT).keySet());
    tts.remove("authorization"); // a credential: authenticates at the relay
    assertEquals(tts, new LinkedHashSet<>(TtsParams.OFFICIAL_QUERY));
    Set<String> stt = new LinkedHashSet<>(spec.scribeQuery.keySet());
    stt.remove("token"); // a credential
    Set<String> ours = new LinkedHashSet<>(SttParams.OFFICIAL_QUERY);
    stt.removeAll(ProtocolSupport.STT_QUERY_NOT_FORWARDED);
    assertEquals(stt, ours);
  }
}
