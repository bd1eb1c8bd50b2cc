package io.voicewire.client.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicewire.client.contract.DoubleSelfTest.Frames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The double's Text-to-Dialogue WebSockets: an official two-voice dialogue passes on both
 * sockets with the answers the definition names ({@code is_final_audio_for_turn},
 * {@code is_final}, snake_case alignment), and non-official traffic is caught.
 */
@Timeout(60)
class DialogueDoubleSelfTest {
  static final String A = DoubleHttp.VOICE_ID;
  static final String B = "AZnzlk1XvdvUeBnXmlld";
  ElevenLabsDouble d;
  HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    d = ElevenLabsDouble.start();
  }

  @AfterEach
  void stop() throws Exception {
    d.close();
    http.close();
  }

  private WebSocket open(String pathAndQuery, Frames f) throws Exception {
    return http.newWebSocketBuilder().header("xi-api-key", ElevenLabsDouble.API_KEY)
        .buildAsync(URI.create(d.baseUrl().replace("http", "ws") + pathAndQuery), f)
        .get(10, TimeUnit.SECONDS);
  }

  private static void send(WebSocket ws, String json) throws Exception {
    ws.sendText(json, true).get(5, TimeUnit.SECONDS);
  }

  private static List<JsonNode> parsed(Frames f) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String t : f.texts) {
      out.add(ElevenLabsDouble.JSON.readTree(t));
    }
    return out;
  }

  @Test
  void aTwoVoiceDialogueOnStreamInputPasses() throws Exception {
    Frames f = new Frames();
    WebSocket ws = open(DialogueSpec.STREAM_INPUT
        + "?model_id=eleven_v3&output_format=pcm_16000&sync_alignment=true", f);
    send(ws, "{\"voices\":[\"" + A + "\",\"" + B + "\"],\"voice_settings\":{\"stability\":0.5}}");
    send(ws, "{\"inputs\":[{\"text\":\"Knock knock. \",\"voice_id\":\"" + A + "\"},"
        + "{\"text\":\"Who is there? \",\"voice_id\":\"" + B + "\"}]}");
    send(ws, "{\"flush\":true}");
    send(ws, "{\"keep_alive\":true}");
    send(ws, "{\"close_socket\":true}");
    assertEquals(1000, f.closed.get(10, TimeUnit.SECONDS));
    d.assertNoViolations();
    List<JsonNode> m = parsed(f);
    assertEquals(2, m.stream().filter(x -> x.path("is_final_audio_for_turn").asBoolean()).count(),
        m.toString());
    assertTrue(m.get(m.size() - 1).path("is_final").asBoolean(), m.toString());
    assertEquals("K", m.get(0).path("alignment").path("chars").get(0).asText(), m.toString());
    assertEquals(List.of(A + ": Knock knock. ", B + ": Who is there? "), d.synthesised());
  }

  @Test
  void multiStreamInputContextsCloseWithTheirRemainingAudio() throws Exception {
    Frames f = new Frames();
    WebSocket ws = open(DialogueSpec.MULTI_STREAM_INPUT + "?model_id=eleven_v3", f);
    send(ws, "{\"context_id\":\"c1\",\"voices\":[\"" + A + "\",\"" + B + "\"]}");
    send(ws, "{\"context_id\":\"c1\",\"inputs\":[{\"text\":\"Hello. \",\"voice_id\":\"" + A
        + "\"},{\"text\":\"Hi! \",\"voice_id\":\"" + B + "\",\"new_turn\":true}]}");
    send(ws, "{\"context_id\":\"c1\",\"close_context\":true}");
    send(ws, "{\"close_socket\":true}");
    assertEquals(1000, f.closed.get(10, TimeUnit.SECONDS));
    d.assertNoViolations();
    List<JsonNode> m = parsed(f);
    assertTrue(m.stream().allMatch(x -> x.path("context_id").asText().equals("c1")),
        m.toString());
    assertEquals(1, m.stream().filter(x -> x.path("is_final").asBoolean()).count());
    assertEquals(List.of(A + ": Hello. ", B + ": Hi! "), d.synthesised(), "close_context "
        + "flushes the remaining text");
  }

  @Test
  void unofficialDialogueTrafficIsCaught() throws Exception {
    Frames f = new Frames();
    WebSocket ws = open(DialogueSpec.STREAM_INPUT + "?model_id=eleven_flash_v2_5&made_up=1", f);
    assertEquals(1008, f.closed.get(10, TimeUnit.SECONDS));
    assertTrue(d.violations().stream().anyMatch(v -> v.contains("made_up")), d.violations()
        .toString());
    assertTrue(d.violations().stream().anyMatch(v -> v.contains("not an Eleven v3")));
    d.reset();

    f = new Frames();
    ws = open(DialogueSpec.STREAM_INPUT, f); // eleven_v3_conversational: one voice
    send(ws, "{\"voices\":[\"" + A + "\",\"" + B + "\"]}");
    assertEquals(1008, f.closed.get(10, TimeUnit.SECONDS));
    assertTrue(d.violations().stream().anyMatch(v -> v.contains("at most 1")));
    assertTrue(parsed(f).get(0).has("error"), f.texts.toString());
    d.reset();

    f = new Frames();
    ws = open(DialogueSpec.STREAM_INPUT + "?model_id=eleven_v3", f);
    send(ws, "{\"voices\":[\"" + A + "\"],\"inputs\":[{\"text\":\"x \",\"voice_id\":\"" + B
        + "\"}]}");
    assertEquals(1008, f.closed.get(10, TimeUnit.SECONDS));
    assertTrue(d.violations().stream().anyMatch(v -> v.contains("not registered")));
    d.reset();

    f = new Frames();
    ws = open(DialogueSpec.MULTI_STREAM_INPUT + "?model_id=eleven_v3", f);
    send(ws, "{\"context_id\":\"a\",\"voices\":[\"" + A + "\"],\"text\":\"TTS field\"}");
    assertEquals(1008, f.closed.get(10, TimeUnit.SECONDS));
    assertTrue(d.violations().stream().anyMatch(v -> v.contains("text")), d.violations()
        .toString());
    d.reset();

    f = new Frames();
    ws = open(DialogueSpec.MULTI_STREAM_INPUT + "?model_id=eleven_v3", f);
    send(ws, "{\"context_id\":\"a\",\"voices\":[\"" + A + "\"]}");
    send(ws, "{\"inputs\":[{\"text\":\"no context \",\"voice_id\":\"" + A + "\"}]}");
    assertEquals(1008, f.closed.get(10, TimeUnit.SECONDS));
    assertTrue(d.violations().stream().anyMatch(v -> v.contains("without context_id")));
  }
}
