package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tier (c): the Text-to-Dialogue sockets against a real server on port 0: two voices take turns,
 * each turn ends with {@code is_final_audio_for_turn}, the dialogue with {@code is_final}, and
 * the official rules are enforced.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DialogueSocketTest {
  static final String A = ToneSpeechProvider.VOICE;
  static final String B = ToneSpeechProvider.VOICE_2;
  static ToneSpeechProvider provider;
  static ServerFixture f;

  @BeforeAll
  static void start() throws Exception {
    provider = ToneSpeechProvider.builder().chunkChars(4).chunkDelayMillis(5).build();
    f = ServerFixture.start(provider);
  }

  @AfterAll
  static void stop() {
    f.close();
    provider.close();
  }

  static String line(String text, String voice) {
    return "{\"text\":\"" + text + "\",\"voice_id\":\"" + voice + "\"}";
  }

  /** The messages until the close, as a transcript: "A:" / "|turn" / "|final" markers. */
  static String transcript(List<JsonNode> ms, String ctx) {
    StringBuilder b = new StringBuilder();
    for (JsonNode m : ms) {
      if (ctx != null && !ctx.equals(m.path("context_id").asText(null))) {
        continue;
      }
      if (m.has("audio")) {
        assertFalse(m.has("contextId") || m.has("isFinal"), "snake_case only: " + m);
        m.path("alignment").path("chars").forEach(c -> b.append(c.asText()));
      } else if (m.path("is_final_audio_for_turn").asBoolean(false)) {
        b.append("|turn|");
      } else if (m.path("is_final").asBoolean(false)) {
        b.append("|final");
      }
    }
    return b.toString();
  }

  @Test
  void twoVoicesTakeTurnsOnStreamInput() throws Exception {
    WsClient c = f.connect("/v1/text-to-dialogue/stream-input?model_id=eleven_v3"
        + "&output_format=pcm_16000&sync_alignment=true");
    c.send("{\"voices\":[\"" + A + "\",\"" + B + "\"],\"voice_settings\":{\"stability\":0.5}}");
    c.send("{\"inputs\":[" + line("Knock knock. ", A) + "," + line("Who is there? ", B) + ","
        + line("Lettuce. ", A) + "]}");
    c.send("{\"inputs\":[" + line("Lettuce who? ", B) + "],\"flush\":true}");
    c.send("{\"keep_alive\":true}");
    c.send("{\"close_socket\":true}");
    List<JsonNode> ms = c.untilClose();
    assertEquals(1000, c.awaitClose().code());
    assertEquals("Knock knock. |turn|Who is there? |turn|Lettuce. |turn|Lettuce who? |turn||final",
        transcript(ms, null));
    assertTrue(ms.stream().filter(m -> m.has("audio")).allMatch(m -> !m.has("context_id")));
  }

  @Test
  void multiStreamInputContextsCloseWithTheirRestVoiced() throws Exception {
    WsClient c = f.connect("/v1/text-to-dialogue/multi-stream-input?model_id=eleven_v3"
        + "&output_format=pcm_16000&sync_alignment=true");
    c.send("{\"context_id\":\"x\",\"voices\":[\"" + A + "\",\"" + B + "\"]}");
    c.send("{\"context_id\":\"y\",\"voices\":[\"" + B + "\"]}");
    c.send("{\"context_id\":\"x\",\"inputs\":[" + line("Hello there. ", A) + ","
        + line("Hi! ", B) + "]}");
    c.send("{\"context_id\":\"y\",\"inputs\":[" + line("Other room. ", B) + "]}");
    c.send("{\"context_id\":\"x\",\"close_context\":true}");
    List<JsonNode> ms = new ArrayList<>();
    while (!transcript(ms, "x").endsWith("|final")) {
      ms.add(c.next());
    }
    assertEquals("Hello there. |turn|Hi! |turn||final", transcript(ms, "x"),
        "close_context voices the dialogue's rest");
    c.send("{\"close_socket\":true}");
    ms.addAll(c.untilClose());
    assertEquals(1000, c.awaitClose().code());
    assertEquals("Other room. |turn||final", transcript(ms, "y"));
  }

  /**
   * Multi: a context without a message for {@code inactivity_timeout} (the AsyncAPI document's
   * rule, default 20 s, here 1 s) closes on its own: its unvoiced text is dropped, its
   * {@code is_final} sent, its slot freed; the others and the socket go on, and
   * {@code keep_alive} keeps a context open.
   */
  @Test
  void multiContextsIdleForTheTimeoutCloseAloneAndTheSocketGoesOn() throws Exception {
    WsClient c = f.connect("/v1/text-to-dialogue/multi-stream-input?model_id=eleven_v3"
        + "&output_format=pcm_16000&sync_alignment=true&inactivity_timeout=1");
    c.send("{\"context_id\":\"busy\",\"voices\":[\"" + A + "\",\"" + B + "\"]}");
    // a turn in progress whose text was never flushed: nothing of it is voiced yet
    c.send("{\"context_id\":\"idle\",\"voices\":[\"" + A + "\"],\"inputs\":["
        + line("Never flushed ", A) + "]}");
    for (int i = 0; i < 5; i++) {
      Thread.sleep(300);
      c.send("{\"context_id\":\"busy\",\"keep_alive\":true}");
    }
    JsonNode fin = c.next(m -> m.has("error") || m.path("is_final").asBoolean(false));
    assertFalse(fin.has("error"), fin.toString());
    assertEquals("idle", fin.get("context_id").asText(), fin.toString());
    assertFalse(c.closed.isDone());
    // its slot is free: busy and four more make the limit of 5, refused if idle still counted
    for (int i = 1; i <= 4; i++) {
      c.send("{\"context_id\":\"c" + i + "\",\"voices\":[\"" + B + "\"]}");
    }
    c.send("{\"context_id\":\"busy\",\"inputs\":[" + line("Still here. ", B) + "],"
        + "\"close_context\":true}");
    List<JsonNode> ms = new ArrayList<>();
    while (!transcript(ms, "busy").endsWith("|final")) {
      JsonNode m = c.next();
      assertFalse(m.has("error"), m.toString());
      ms.add(m);
    }
    assertEquals("Still here. |turn||final", transcript(ms, "busy"));
    c.send("{\"close_socket\":true}");
    ms.addAll(c.untilClose());
    assertEquals(1000, c.awaitClose().code());
    assertEquals("", transcript(ms, "idle"), "nothing of the closed context after its is_final");
  }

  @Test
  void officialRulesAreEnforced() throws Exception {
    WsClient c = f.connect("/v1/text-to-dialogue/stream-input"); // eleven_v3_conversational
    c.send("{\"voices\":[\"" + A + "\",\"" + B + "\"]}");
    JsonNode err = c.next(m -> m.has("error"));
    assertTrue(err.get("message").asText().contains("at most 1"), err.toString());
    assertEquals(1008, c.awaitClose().code());

    c = f.connect("/v1/text-to-dialogue/stream-input?model_id=eleven_v3");
    c.send("{\"voices\":[\"" + A + "\"],\"inputs\":[" + line("x ", B) + "]}");
    err = c.next(m -> m.has("error"));
    assertTrue(err.get("message").asText().contains("not one of the registered"), err.toString());
    assertEquals(1008, c.awaitClose().code());

    c = f.connect("/v1/text-to-dialogue/multi-stream-input?model_id=eleven_v3");
    c.send("{\"voices\":[\"" + A + "\"]}");
    err = c.next(m -> m.has("error"));
    assertTrue(err.get("message").asText().contains("context_id"), err.toString());
    assertEquals(1008, c.awaitClose().code());

    c = f.connect("/v1/text-to-dialogue/multi-stream-input?model_id=eleven_v3");
    for (int i = 1; i <= 6; i++) {
      c.send("{\"context_id\":\"c" + i + "\",\"voices\":[\"" + A + "\"]}");
    }
    err = c.next(m -> m.has("error"));
    assertTrue(err.get("message").asText().startsWith("Maximum simultaneous contexts"),
        err.toString());
    assertEquals(1008, c.awaitClose().code());

    c = f.connect("/v1/text-to-dialogue/stream-input?model_id=eleven_flash_v2_5");
    c.send("{\"voices\":[\"" + A + "\"]}");
    err = c.next(m -> m.has("error"));
    assertTrue(err.get("message").asText().contains("not a dialogue model"), err.toString());
  }
}
