package io.voicewire.client.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The double's strictness can fail: deliberately non-official requests are caught (and answered
 * as the real API answers them), while official ones pass untouched.
 */
@Timeout(60)
class DoubleSelfTest {
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

  private HttpResponse<String> send(String method, String path, String json) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(d.baseUrl() + path))
        .header("xi-api-key", ElevenLabsDouble.API_KEY)
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private void assertCaught(String fragment) {
    assertTrue(d.violations().stream().anyMatch(v -> v.contains(fragment)),
        "expected a violation containing '" + fragment + "', got " + d.violations());
    d.reset();
  }

  @Test
  void officialRequestsPass() throws Exception {
    assertEquals(200, send("GET", "/v1/models", null).statusCode());
    assertEquals(200, send("GET", "/v1/voices", null).statusCode());
    HttpResponse<String> r = send("POST", "/v1/text-to-speech/" + DoubleHttp.VOICE_ID
        + "/stream?output_format=pcm_16000&enable_logging=false",
        "{\"text\":\"Hi.\",\"previous_text\":\"Before.\",\"pronunciation_dictionary_locators\":"
            + "[{\"pronunciation_dictionary_id\":\"d1\",\"version_id\":\"v1\"}]}");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(200, send("POST", "/v1/single-use-token/tts_websocket", null).statusCode());
    d.assertNoViolations();
  }

  @Test
  void unofficialHttpIsCaughtAndAnsweredLikeTheApi() throws Exception {
    send("GET", "/v1/voices?native_sample_rate=1", null);
    assertCaught("unknown query parameter 'native_sample_rate'");

    HttpResponse<String> r = send("POST", "/v1/text-to-speech/" + DoubleHttp.VOICE_ID
        + "/stream", "{\"text\":\"x\",\"chunk_length_schedule\":[50]}");
    assertEquals(422, r.statusCode());
    JsonNode detail = ElevenLabsDouble.JSON.readTree(r.body()).path("detail");
    assertTrue(detail.isArray() && detail.get(0).path("loc").isArray(), r.body());
    assertCaught("chunk_length_schedule: unknown field");

    send("POST", "/v1/text-to-speech/" + DoubleHttp.VOICE_ID + "/stream",
        "{\"text\":\"x\",\"seed\":\"seven\"}");
    assertCaught("body.seed");

    send("POST", "/v1/text-to-speech/" + DoubleHttp.VOICE_ID + "/stream?output_format=wav_1",
        "{\"text\":\"x\"}");
    assertCaught("query.output_format");

    r = send("POST", "/v1/text-to-speech/" + DoubleHttp.VOICE_ID + "/stream",
        "{\"text\":\"x\",\"model_id\":\"scribe_v1\"}");
    assertEquals(400, r.statusCode());
    assertCaught("model_id 'scribe_v1' is not a TTS model");

    assertEquals(404, send("GET", "/v1/speech-to-text/models", null).statusCode());
    assertCaught("no such endpoint");

    send("POST", "/v1/single-use-token/everything", null);
    assertCaught("token_type 'everything'");
  }

  /** Collects the text frames and the close of a raw JDK WebSocket. */
  static class Frames implements WebSocket.Listener {
    final List<String> texts = new CopyOnWriteArrayList<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      texts.add(data.toString());
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
      closed.complete(code);
      return null;
    }
  }

  private WebSocket open(String pathAndQuery, Frames f) throws Exception {
    return http.newWebSocketBuilder().header("xi-api-key", ElevenLabsDouble.API_KEY)
        .buildAsync(URI.create(d.baseUrl().replace("http", "ws") + pathAndQuery), f)
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void unofficialWebSocketTrafficIsCaught() throws Exception {
    Frames f = new Frames();
    WebSocket ws = open("/v1/text-to-speech/" + DoubleHttp.VOICE_ID
        + "/stream-input?model_id=eleven_flash_v2_5&output_format=pcm_16000&made_up=1", f);
    assertEquals(1008, f.closed.get(10, TimeUnit.SECONDS));
    assertCaught("unknown query parameter 'made_up'");
    ws.abort();

    f = new Frames();
    ws = open("/v1/text-to-speech/" + DoubleHttp.VOICE_ID + "/stream-input?output_format="
        + "pcm_16000", f);
    ws.sendText("{\"text\":\" \",\"voice_settings\":{\"stability\":0.5,\"loudness\":2}}", true);
    assertEquals(1008, f.closed.get(10, TimeUnit.SECONDS));
    assertCaught("loudness: unknown field");

    // settings again on SendText: allowed unchanged only
    f = new Frames();
    ws = open("/v1/text-to-speech/" + DoubleHttp.VOICE_ID + "/stream-input?output_format="
        + "pcm_16000", f);
    ws.sendText("{\"text\":\" \",\"voice_settings\":{\"speed\":1.1}}", true)
        .get(5, TimeUnit.SECONDS);
    ws.sendText("{\"text\":\"Same. \",\"voice_settings\":{\"speed\":1.1}}", true)
        .get(5, TimeUnit.SECONDS);
    ws.sendText("{\"text\":\"Changed. \",\"voice_settings\":{\"speed\":0.9}}", true)
        .get(5, TimeUnit.SECONDS);
    ElevenLabsDouble.await(() -> !d.violations().isEmpty(), 10);
    assertEquals(1, d.violations().size(), d.violations().toString());
    assertCaught("voice_settings changed after the first message");
    ws.abort();

    // the double's own answers are held to the documents, the JS SDK-only message too
    assertTrue(d.spec.scribeServerMessage("edited_transcript") != null);
    assertTrue(d.spec.scribeSchemas.check(d.spec.scribeServerMessage("edited_transcript"),
        ElevenLabsDouble.JSON.readTree("{\"message_type\":\"edited_transcript\","
            + "\"text\":\"a\"}"), "m").stream().anyMatch(v -> v.contains("edited_text")),
        "edited_text is required");

    f = new Frames();
    open("/v1/speech-to-text/realtime?model_id=scribe_v1&audio_format=pcm_16000", f);
    assertEquals(1008, f.closed.get(10, TimeUnit.SECONDS));
    assertTrue(f.texts.get(0).contains("\"invalid_request\""), f.texts.toString());
    assertCaught("model_id 'scribe_v1' is not a realtime model");

    f = new Frames();
    ws = open("/v1/speech-to-text/realtime?model_id=scribe_v2_realtime", f);
    ws.sendText("{\"message_type\":\"input_audio_chunk\",\"audio_base_64\":\"AAA=\","
        + "\"commit\":false,\"sample_rate\":16000,\"speaker\":1}", true);
    assertEquals(1008, f.closed.get(10, TimeUnit.SECONDS));
    assertTrue(f.texts.get(f.texts.size() - 1).contains("input_error"), f.texts.toString());
    assertCaught("speaker: unknown field");
  }

  @Test
  void officialWebSocketTrafficPasses() throws Exception {
    Frames f = new Frames();
    WebSocket ws = open("/v1/text-to-speech/" + DoubleHttp.VOICE_ID + "/stream-input?model_id="
        + "eleven_flash_v2_5&output_format=pcm_16000&sync_alignment=true", f);
    ws.sendText("{\"text\":\" \"}", true).get(5, TimeUnit.SECONDS);
    ws.sendText("{\"text\":\"Hello there. \",\"flush\":true}", true).get(5, TimeUnit.SECONDS);
    ws.sendText("{\"text\":\"\"}", true).get(5, TimeUnit.SECONDS);
    assertEquals(1000, f.closed.get(10, TimeUnit.SECONDS));
    assertTrue(f.texts.get(f.texts.size() - 1).contains("isFinal"), f.texts.toString());

    f = new Frames();
    ws = open("/v1/speech-to-text/realtime?model_id=scribe_v2_realtime&include_timestamps=true"
        + "&entity_detection=pii&no_verbatim=true&transcript_edit=Fix%20names.", f);
    ws.sendText("{\"message_type\":\"input_audio_chunk\",\"audio_base_64\":\"AAAAAA==\","
        + "\"commit\":true,\"sample_rate\":16000,\"previous_text\":\"before\"}", true)
        .get(5, TimeUnit.SECONDS);
    Frames stt = f;
    ElevenLabsDouble.await(() -> stt.texts.stream().anyMatch(t -> t.contains("edited_text")),
        10);
    assertTrue(stt.texts.stream().anyMatch(t -> t.contains("committed_transcript_entities")),
        stt.texts.toString());
    assertTrue(stt.texts.stream().anyMatch(t -> t.contains("\"final_transcript\"")),
        stt.texts.toString());
    ws.abort();
    d.assertNoViolations();
  }
}
