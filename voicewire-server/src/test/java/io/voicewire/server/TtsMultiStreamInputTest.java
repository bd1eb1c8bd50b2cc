package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tier (c): {@code multi-stream-input} against a real server on port 0 (PROTOCOL.md §3). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TtsMultiStreamInputTest {
  static ToneSpeechProvider provider;
  static ToneSpeechProvider slow;
  static ServerFixture f;
  static ServerFixture slowServer;

  @BeforeAll
  static void start() throws Exception {
    provider = ToneSpeechProvider.create();
    f = ServerFixture.start(provider);
    slow = ToneSpeechProvider.builder().chunkChars(4).chunkDelayMillis(40).build();
    slowServer = ServerFixture.start(slow);
  }

  @AfterAll
  static void stop() {
    f.close();
    slowServer.close();
    provider.close();
    slow.close();
  }

  static String path(String query) {
    return "/v1/text-to-speech/" + ToneSpeechProvider.VOICE + "/multi-stream-input"
        + (query.isEmpty() ? "" : "?" + query);
  }

  /** Everything the socket sends until it closes, grouped: voiced text and finals per context. */
  static final class Transcript {
    final Map<String, StringBuilder> voiced = new HashMap<>();
    final Map<String, Integer> finals = new HashMap<>();
    final List<JsonNode> errors = new ArrayList<>();
    final List<String> order = new ArrayList<>();

    void add(JsonNode m) {
      String ctx = m.path("contextId").asText("<default>");
      if (m.has("audio")) {
        assertFalse(finals.containsKey(ctx), "audio of " + ctx + " after its isFinal: " + m);
        StringBuilder sb = voiced.computeIfAbsent(ctx, k -> new StringBuilder());
        for (JsonNode c : m.path("alignment").path("chars")) {
          sb.append(c.asText());
        }
        order.add("audio:" + ctx);
      } else if (m.path("isFinal").asBoolean(false)) {
        finals.merge(ctx, 1, Integer::sum);
        order.add("final:" + ctx);
      } else if (m.has("error")) {
        errors.add(m);
        order.add("error:" + ctx);
      }
    }

    String voiced(String ctx) {
      StringBuilder sb = voiced.get(ctx);
      return sb == null ? "" : sb.toString();
    }
  }

  @Test
  void contextsCarryTheirIdAndEachGetsOneIsFinalAfterCloseContext() throws Exception {
    WsClient c = f.connect(path("output_format=pcm_16000&sync_alignment=true"));
    c.send("{\"text\":\" \",\"context_id\":\"c1\",\"voice_settings\":{\"speed\":1.0}}");
    c.send("{\"text\":\" \",\"context_id\":\"c2\",\"voice_settings\":{\"speed\":1.2}}");
    c.send("{\"text\":\"first context \",\"context_id\":\"c1\"}");
    c.send("{\"text\":\"second context \",\"context_id\":\"c2\",\"flush\":true}");
    c.send("{\"context_id\":\"c1\",\"flush\":true}");
    Transcript t = new Transcript();
    while (!(t.voiced("c1").equals("first context ")
        && t.voiced("c2").equals("second context "))) {
      t.add(c.next());
    }
    // a flush never produces isFinal
    assertNull(c.messages.poll(300, TimeUnit.MILLISECONDS));
    c.send("{\"context_id\":\"c1\",\"close_context\":true}");
    JsonNode fin = c.next();
    assertTrue(fin.get("isFinal").asBoolean());
    assertEquals("c1", fin.get("contextId").asText());
    t.add(fin);
    c.send("{\"text\":\"still here \",\"context_id\":\"c2\",\"flush\":true}");
    c.send("{\"close_socket\":true}");
    for (JsonNode m : c.untilClose()) {
      t.add(m);
    }
    assertEquals(1000, c.awaitClose().code());
    assertEquals("second context still here ", t.voiced("c2"));
    assertEquals(Map.of("c1", 1, "c2", 1), t.finals);
  }

  @Test
  void camelCaseContextIdIsTolerated() throws Exception {
    WsClient c = f.connect(path(""));
    c.send("{\"text\":\"camel \",\"contextId\":\"k\",\"flush\":true}");
    JsonNode a = c.next();
    assertEquals("k", a.get("contextId").asText());
    c.close();
  }

  @Test
  void theDefaultContextHasNoContextId() throws Exception {
    WsClient c = f.connect(path(""));
    c.send("{\"text\":\"no id \",\"flush\":true}");
    JsonNode a = c.next();
    assertTrue(a.has("audio"));
    assertFalse(a.has("contextId"));
    c.close();
  }

  @Test
  void aSixthContextIsRefusedWith1008() throws Exception {
    WsClient c = f.connect(path(""));
    c.send("{\"text\":\"\"}"); // connection keep-alive: creates no context
    for (int i = 1; i <= 5; i++) {
      c.send("{\"text\":\" \",\"context_id\":\"c" + i + "\"}");
    }
    c.send("{\"text\":\" \",\"context_id\":\"c6\"}");
    JsonNode err = c.next(m -> m.has("error"));
    assertEquals("policy_violation", err.get("error").asText());
    assertTrue(err.get("message").asText().startsWith("Maximum simultaneous contexts exceeded"));
    WsClient.Close close = c.awaitClose();
    assertEquals(1008, close.code());
    assertTrue(close.reason().startsWith("Maximum simultaneous contexts exceeded"));
  }

  @Test
  void aClosedContextFreesItsSlotAfterItsIsFinal() throws Exception {
    WsClient c = f.connect(path(""));
    for (int i = 1; i <= 5; i++) {
      c.send("{\"text\":\" \",\"context_id\":\"c" + i + "\"}");
    }
    c.send("{\"context_id\":\"c3\",\"close_context\":true}");
    JsonNode fin = c.next();
    assertEquals("c3", fin.get("contextId").asText());
    c.send("{\"text\":\"six \",\"context_id\":\"c6\",\"flush\":true}");
    JsonNode a = c.next();
    assertEquals("c6", a.get("contextId").asText());
    c.close();
  }

  @Test
  void reInitialisingAnOpenContextIsAcceptedAsTheSpecAllows() throws Exception {
    WsClient c = f.connect(path(""));
    c.send("{\"text\":\" \",\"context_id\":\"a\",\"voice_settings\":{\"speed\":0.8}}");
    c.send("{\"text\":\" \",\"context_id\":\"b\",\"voice_settings\":{\"speed\":1.2}}");
    c.send("{\"text\":\"x \",\"context_id\":\"a\",\"voice_settings\":{\"speed\":0.9},"
        + "\"generation_config\":{\"chunk_length_schedule\":[50]}}");
    c.send("{\"context_id\":\"a\",\"flush\":true}");
    JsonNode m = c.next(x -> x.has("audio") || x.has("error"));
    assertFalse(m.has("error"), m.toString());
    assertEquals("a", m.get("contextId").asText());
    assertFalse(c.closed.isDone());
    c.close();
  }

  @Test
  void keepAliveOnAContextDoesNotCloseItAndIdleContextsTimeOutAlone() throws Exception {
    WsClient c = f.connect(path("inactivity_timeout=1"));
    c.send("{\"text\":\" \",\"context_id\":\"busy\"}");
    c.send("{\"text\":\" \",\"context_id\":\"idle\"}");
    for (int i = 0; i < 5; i++) {
      Thread.sleep(300);
      c.send("{\"text\":\"\",\"context_id\":\"busy\"}");
    }
    JsonNode err = c.next(m -> m.has("error"));
    assertEquals("input_timeout_exceeded", err.get("error").asText());
    assertEquals("idle", err.get("contextId").asText());
    assertFalse(c.closed.isDone());
    c.send("{\"text\":\"alive \",\"context_id\":\"busy\",\"flush\":true}");
    JsonNode a = c.next(m -> m.has("audio"));
    assertEquals("busy", a.get("contextId").asText());
    // then silence: the whole socket times out
    JsonNode err2 = c.next(m -> m.has("error"));
    assertEquals("input_timeout_exceeded", err2.get("error").asText());
    assertEquals(1008, c.awaitClose().code());
  }

  /**
   * A context closed by {@code close_context} voices what was flushed; while it does, the client
   * has nothing to send and waits for that audio: the socket's inactivity timeout must not end
   * the socket under it. Voicing this text takes the slow provider at least 3 s (4 characters
   * per 40 ms), three times the 1 s timeout.
   */
  @Test
  void aClosedContextStillVoicingKeepsTheSocketAlive() throws Exception {
    WsClient c = slowServer.connect(path("inactivity_timeout=1"));
    String text = "A long answer, closed at once, that takes the provider a few seconds to voice "
        .repeat(4);
    c.send("{\"text\":\"" + text + "\",\"context_id\":\"t\",\"flush\":true}");
    c.send("{\"context_id\":\"t\",\"close_context\":true}");
    Transcript t = new Transcript();
    while (!t.finals.containsKey("t")) {
      JsonNode m = c.next();
      t.add(m);
      assertTrue(t.errors.isEmpty(), "an error while the closed context voiced: " + m);
    }
    assertEquals(text, t.voiced("t"), "everything flushed is voiced");
    // then silence: the socket times out
    JsonNode err = c.next(m -> m.has("error"));
    assertEquals("input_timeout_exceeded", err.get("error").asText());
    assertEquals(1008, c.awaitClose().code());
  }

  @Test
  void bargeInNoAudioOfAClosedContextAfterItsIsFinal() throws Exception {
    WsClient c = slowServer.connect(path(""));
    String longText = "This is a long answer that the user will interrupt halfway through. ";
    c.send("{\"text\":\"" + longText + "\",\"context_id\":\"turn1\",\"flush\":true}");
    Transcript t = new Transcript();
    t.add(c.next(m -> m.has("audio")));
    c.send("{\"context_id\":\"turn1\",\"close_context\":true}");
    c.send("{\"text\":\"New turn. \",\"context_id\":\"turn2\",\"flush\":true}");
    while (!t.voiced("turn2").equals("New turn. ")) {
      t.add(c.next());
    }
    c.send("{\"close_socket\":true}");
    for (JsonNode m : c.untilClose()) {
      t.add(m); // fails on any turn1 audio after turn1's isFinal
    }
    assertEquals(1, t.finals.get("turn1"));
    assertEquals(longText, t.voiced("turn1"), "close_context voices what was flushed");
  }

  /**
   * The AsyncAPI document's CloseContext: "No further audio will be generated for this context
   * [...] If it has already been set to flush it will continue flushing". Text sent after the
   * last flush is never voiced, and the context still ends with exactly one isFinal.
   */
  @Test
  void closeContextVoicesOnlyFlushedTextAndStillSendsIsFinal() throws Exception {
    WsClient c = slowServer.connect(path("sync_alignment=true"));
    c.send("{\"text\":\"Flushed words. \",\"context_id\":\"t\",\"flush\":true}");
    c.send("{\"text\":\"Never voiced words here. \",\"context_id\":\"t\"}");
    c.send("{\"context_id\":\"t\",\"close_context\":true}");
    c.send("{\"text\":\"Other context. \",\"context_id\":\"u\",\"flush\":true}");
    Transcript t = new Transcript();
    while (!t.finals.containsKey("t") || !t.voiced("u").equals("Other context. ")) {
      t.add(c.next());
    }
    c.send("{\"close_socket\":true}");
    for (JsonNode m : c.untilClose()) {
      t.add(m); // fails on any audio of t after its isFinal
    }
    assertEquals("Flushed words. ", t.voiced("t"), "only the flushed text is voiced");
    assertEquals(1, t.finals.get("t"));
    assertEquals(1000, c.awaitClose().code());
  }

  @Test
  void reusingAnIdBeforeItsIsFinalFinishesTheOldContextFirst() throws Exception {
    WsClient c = slowServer.connect(path(""));
    c.send("{\"text\":\"old words that take a while to speak \",\"context_id\":\"x\","
        + "\"flush\":true}");
    Transcript before = new Transcript();
    before.add(c.next(m -> m.has("audio")));
    c.send("{\"context_id\":\"x\",\"close_context\":true}");
    c.send("{\"text\":\"fresh \",\"context_id\":\"x\",\"flush\":true}");
    // everything of the old context comes before its isFinal; after it, only the new text
    StringBuilder after = new StringBuilder();
    boolean finalSeen = false;
    while (!after.toString().equals("fresh ")) {
      JsonNode m = c.next();
      if (m.path("isFinal").asBoolean(false)) {
        assertFalse(finalSeen);
        finalSeen = true;
      } else if (m.has("audio") && finalSeen) {
        for (JsonNode ch : m.path("alignment").path("chars")) {
          after.append(ch.asText());
        }
      }
    }
    assertTrue(finalSeen);
    c.close();
  }

  @Test
  void closeSocketWithoutContextsClosesAt1000() throws Exception {
    WsClient c = f.connect(path(""));
    c.send("{\"close_socket\":true}");
    assertEquals(1000, c.awaitClose().code());
  }

  @Test
  void aFailingContextReportsOnItselfAndTheSocketGoesOn() throws Exception {
    try (ServerFixture g = ServerFixture.start(new ClaimsEveryFormat(provider))) {
      WsClient c = g.connect(path("output_format=opus_48000_64"));
      c.send("{\"text\":\" \",\"context_id\":\"o\"}");
      JsonNode err = c.next();
      assertEquals("unsupported", err.get("error").asText());
      assertEquals("o", err.get("contextId").asText());
      assertFalse(c.closed.isDone());
      c.close();
    }
  }
}
