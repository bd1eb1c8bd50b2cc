package io.voicewire.client.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicewire.audio.AudioFormat;
import io.voicewire.client.ClientTestAccess;
import io.voicewire.client.ElevenLabsProvider;
import io.voicewire.client.MultiContextTts;
import io.voicewire.client.ReconnectPolicy;
import io.voicewire.client.RecordingSttListener;
import io.voicewire.client.RecordingTtsListener;
import io.voicewire.client.SttStream;
import io.voicewire.client.TtsStream;
import io.voicewire.client.VoiceClient;
import io.voicewire.client.contract.DoubleSelfTest.Frames;
import io.voicewire.client.contract.ElevenLabsDouble.Seen;
import io.voicewire.protocol.TokenType;
import io.voicewire.server.VoicewireServer;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.TtsRequest;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The relay backend ({@code voicewire serve --backend elevenlabs}: the server with
 * {@link ElevenLabsProvider}) against the strict double, every endpoint through the server: each
 * test fails on any off-contract upstream traffic, and checks that the client's official
 * parameters reach upstream exactly, with nothing added.
 */
@Timeout(90)
class RelayContractTest {
  static final String RELAY_KEY = "relay-key";
  static final String VOICE = DoubleHttp.VOICE_ID;
  ElevenLabsDouble d;
  VoiceClient upstream;
  ElevenLabsProvider provider;
  VoicewireServer relay;
  String url;
  HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    d = ElevenLabsDouble.start();
    upstream = ClientTestAccess.relayUpstream(d.baseUrl(), ElevenLabsDouble.API_KEY)
        .reconnectPolicy(ReconnectPolicy.NEVER).build();
    provider = new ElevenLabsProvider(upstream);
    relay = VoicewireServer.create(c -> c.provider(provider).apiKeys(List.of(RELAY_KEY)));
    url = "http://127.0.0.1:" + relay.start(0);
  }

  @AfterEach
  void stop() throws Exception {
    relay.close();
    provider.close();
    upstream.close();
    http.close();
    d.close();
    d.assertNoViolations();
  }

  VoiceClient client() {
    return VoiceClient.builder().baseUrl(url).apiKey(RELAY_KEY)
        .reconnectPolicy(ReconnectPolicy.NEVER).build();
  }

  private HttpResponse<byte[]> post(String pathAndQuery, String contentType, byte[] body)
      throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url + pathAndQuery))
        .header("xi-api-key", RELAY_KEY).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private WebSocket open(String pathAndQuery, Frames f) throws Exception {
    return http.newWebSocketBuilder().header("xi-api-key", RELAY_KEY)
        .buildAsync(URI.create(url.replace("http", "ws") + pathAndQuery), f)
        .get(10, TimeUnit.SECONDS);
  }

  /** 100 ms of silence with {@code commit: true}, and {@code extraFields} (",\"k\":v" or ""). */
  private static void sendCommittedChunk(WebSocket ws, String extraFields) throws Exception {
    ws.sendText("{\"message_type\":\"input_audio_chunk\",\"audio_base_64\":\""
        + java.util.Base64.getEncoder().encodeToString(new byte[3200]) + "\",\"commit\":true,"
        + "\"sample_rate\":16000" + extraFields + "}", true).get(5, TimeUnit.SECONDS);
  }

  private Seen last(String path) {
    List<Seen> s = d.seen(path);
    assertFalse(s.isEmpty(), "nothing reached " + path + " upstream");
    return s.get(s.size() - 1);
  }

  @Test
  void httpTtsGoesToTheSameEndpointUpstreamWithExactlyTheClientsFields() throws Exception {
    String body = "{\"text\":\"Relayed.\",\"previous_text\":\"Before.\",\"next_text\":\"After.\","
        + "\"pronunciation_dictionary_locators\":[{\"pronunciation_dictionary_id\":\"d1\","
        + "\"version_id\":\"v7\"}]}";
    for (String suffix : List.of("/stream", "/stream/with-timestamps", "", "/with-timestamps")) {
      String path = "/v1/text-to-speech/" + VOICE + suffix;
      HttpResponse<byte[]> r = post(path + "?enable_logging=false&optimize_streaming_latency=2",
          "application/json", body.getBytes(StandardCharsets.UTF_8));
      assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
      Seen up = last(path);
      assertEquals(ElevenLabsDouble.JSON.readTree(body), up.body(), "body forwarded unchanged");
      assertEquals(List.of("false"), up.query().get("enable_logging"));
      assertEquals(List.of("2"), up.query().get("optimize_streaming_latency"));
      assertNull(up.query().get("output_format"), "no format injected");
    }
    assertEquals(1, d.seen("/v1/text-to-speech/" + VOICE + "/stream").stream()
        .filter(s -> s.kind().equals("HTTP") && s.path().endsWith("/stream")).count());
    assertTrue(d.seen("/v1/text-to-speech/" + VOICE + "/stream-input").isEmpty(),
        "HTTP TTS must not use the WebSocket upstream");
  }

  @Test
  void batchSttGoesToTheBatchEndpointUpstream() throws Exception {
    String boundary = "b0undary";
    String form = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"model_id\"\r\n\r\n"
        + "scribe_v1\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; "
        + "filename=\"a.wav\"\r\nContent-Type: audio/wav\r\n\r\nRIFFxxxx\r\n--" + boundary
        + "--\r\n";
    HttpResponse<byte[]> r = post("/v1/speech-to-text?enable_logging=false",
        "multipart/form-data; boundary=" + boundary, form.getBytes(StandardCharsets.ISO_8859_1));
    assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    JsonNode answer = ElevenLabsDouble.JSON.readTree(r.body());
    assertEquals(ElevenLabsDouble.TRANSCRIPT, answer.path("text").asText());
    assertEquals("scribe_v1", last("/v1/speech-to-text").body().path("model_id").asText());
    assertTrue(d.seen("/v1/speech-to-text/realtime").isEmpty(), "not the realtime socket");
  }

  @Test
  void catalogAndTokensThroughTheRelay() throws Exception {
    try (VoiceClient c = client()) {
      assertEquals(VOICE, c.voices().get(0).voiceId());
      assertTrue(c.models().stream().allMatch(m -> m.canDoTextToSpeech()));
      for (TokenType t : TokenType.values()) {
        assertTrue(c.mintToken(t).startsWith("vwt_"), "the relay mints its own tokens");
      }
      HttpResponse<String> v = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/voices/"
          + VOICE)).header("xi-api-key", RELAY_KEY).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, v.statusCode(), v.body());
    }
  }

  @Test
  void streamInputForwardsExactlyWhatTheClientChose() throws Exception {
    Frames f = new Frames();
    WebSocket ws = open("/v1/text-to-speech/" + VOICE
        + "/stream-input?enable_logging=false&enable_ssml_parsing=true", f);
    ws.sendText("{\"text\":\" \",\"pronunciation_dictionary_locators\":[{"
        + "\"pronunciation_dictionary_id\":\"d1\",\"version_id\":\"v2\"}]}", true)
        .get(5, TimeUnit.SECONDS);
    ws.sendText("{\"text\":\"Hello through the relay. \",\"flush\":true}", true)
        .get(5, TimeUnit.SECONDS);
    ws.sendText("{\"text\":\"\"}", true).get(5, TimeUnit.SECONDS);
    assertEquals(1000, f.closed.get(20, TimeUnit.SECONDS), f.texts.toString());
    Seen open = d.seen("/v1/text-to-speech/" + VOICE + "/stream-input").get(0);
    assertEquals(List.of("false"), open.query().get("enable_logging"));
    assertEquals(List.of("true"), open.query().get("enable_ssml_parsing"));
    assertNull(open.query().get("output_format"), "no format injected: " + open.query());
    assertNull(open.query().get("model_id"), "no model injected: " + open.query());
    JsonNode init = d.seen("/v1/text-to-speech/" + VOICE + "/stream-input").get(1).body();
    assertEquals("v2", init.path("pronunciation_dictionary_locators").get(0).path("version_id")
        .asText(), init.toString());
    assertFalse(init.has("voice_settings"), "no settings injected: " + init);
    assertFalse(init.has("generation_config"), "no schedule injected: " + init);
  }

  @Test
  void aRawClientsPreviousTextReachesUpstreamWithTheFirstChunk() throws Exception {
    Frames f = new Frames();
    WebSocket ws = open("/v1/speech-to-text/realtime?"
        + "model_id=scribe_v2_realtime&include_language_detection=true", f);
    ElevenLabsDouble.await(() -> !f.texts.isEmpty(), 10);
    sendCommittedChunk(ws, ",\"previous_text\":\"Said before.\"");
    ElevenLabsDouble.await(() -> f.texts.stream()
        .anyMatch(t -> t.contains("committed_transcript_with_timestamps")), 10);
    ws.abort();
    assertTrue(f.texts.stream().anyMatch(t -> t.contains("committed_transcript_with_timestamps")
        && t.contains("language_code") && !t.contains("words")), f.texts.toString());
    List<Seen> up = d.seen("/v1/speech-to-text/realtime").stream()
        .filter(s -> s.kind().equals("WS")).toList();
    assertEquals("Said before.", up.get(0).body().path("previous_text").asText(), up.toString());
    assertNull(up.get(0).query().get("audio_format"), "no format injected");
  }

  /**
   * A plain audio chunk goes upstream as the client's bytes, not re-encoded: its spacing and
   * member order (which no encoder of ours writes) arrive unchanged.
   */
  @Test
  void aPlainAudioChunkReachesUpstreamByteForByte() throws Exception {
    Frames f = new Frames();
    WebSocket ws = open("/v1/speech-to-text/realtime?model_id=scribe_v2_realtime", f);
    ElevenLabsDouble.await(() -> !f.texts.isEmpty(), 10); // session_started: upstream is open
    String chunk = " {\"audio_base_64\" :\""
        + java.util.Base64.getEncoder().encodeToString(new byte[640])
        + "\",\n  \"message_type\":\"input_audio_chunk\" , \"commit\":false,"
        + "\"sample_rate\": 16000 }\t";
    ws.sendText(chunk, true).get(5, TimeUnit.SECONDS);
    java.util.function.BooleanSupplier arrived = () -> d.seen("/v1/speech-to-text/realtime")
        .stream().anyMatch(s -> chunk.equals(s.text()));
    ElevenLabsDouble.await(arrived, 10);
    ws.abort();
    assertTrue(arrived.getAsBoolean(), () -> "upstream saw: " + d.seen(
        "/v1/speech-to-text/realtime").stream().map(Seen::text).toList());
  }

  /**
   * A client sending a recording as fast as it can (30 s of audio, 100 ms chunks, a commit every
   * 5 s): the relay takes it at the pace the upstream and its own bounds allow (TCP slows the
   * client down; nothing is refused or dropped), every byte reaches the upstream once, and every
   * commit is answered once.
   */
  @Test
  void aClientSendingFasterThanRealTimeLosesNoAudioThroughTheRelay() throws Exception {
    WholeMessages f = new WholeMessages(); // a message may arrive in parts
    WebSocket ws = open("/v1/speech-to-text/realtime?model_id=scribe_v2_realtime", f);
    ElevenLabsDouble.await(() -> !f.messages.isEmpty(), 10); // session_started
    java.util.Random r = new java.util.Random(5);
    int chunks = 300;
    long sentBytes = 0;
    for (int i = 1; i <= chunks; i++) {
      byte[] audio = new byte[3200];
      r.nextBytes(audio);
      sentBytes += audio.length;
      ws.sendText("{\"message_type\":\"input_audio_chunk\",\"audio_base_64\":\""
          + java.util.Base64.getEncoder().encodeToString(audio) + "\",\"commit\":"
          + (i % 50 == 0) + ",\"sample_rate\":16000}", true).get(20, TimeUnit.SECONDS);
    }
    java.util.function.LongSupplier committed = () -> f.messages.stream()
        .filter(t -> t.contains("\"committed_transcript\"")).count();
    ElevenLabsDouble.await(() -> committed.getAsLong() >= chunks / 50, 60);
    ws.sendClose(1000, "").get(5, TimeUnit.SECONDS);
    long upstreamBytes = 0;
    int upstreamCommits = 0;
    for (Seen s : d.seen("/v1/speech-to-text/realtime")) {
      if (s.body() != null && s.body().has("audio_base_64")) {
        upstreamBytes += java.util.Base64.getDecoder()
            .decode(s.body().get("audio_base_64").asText()).length;
        upstreamCommits += s.body().path("commit").asBoolean(false) ? 1 : 0;
      }
    }
    assertEquals(List.of(), f.messages.stream().filter(t -> t.contains("\"error\"")).toList());
    assertEquals(sentBytes, upstreamBytes, "every byte upstream, once");
    assertEquals(chunks / 50, upstreamCommits);
    assertEquals(chunks / 50, committed.getAsLong(), "every commit answered once");
  }

  /** {@link Frames} that also keeps whole messages (a large one arrives in parts). */
  private static final class WholeMessages extends Frames {
    final List<String> messages = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final StringBuilder part = new StringBuilder();

    @Override
    public java.util.concurrent.CompletionStage<?> onText(WebSocket ws, CharSequence data,
        boolean last) {
      part.append(data);
      if (last) {
        messages.add(part.toString());
        part.setLength(0);
      }
      return super.onText(ws, data, last);
    }
  }

  /** A client that takes each audio message at {@value #SPEED} times real time. */
  static final class PacedReader extends Frames {
    /** How much faster than real time the client reads: more than the socket buffers hold. */
    static final int SPEED = 60;
    final List<String> messages = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final StringBuilder part = new StringBuilder();
    private final java.util.concurrent.ScheduledExecutorService pace;
    private final com.fasterxml.jackson.databind.ObjectMapper json;

    PacedReader(java.util.concurrent.ScheduledExecutorService pace,
        com.fasterxml.jackson.databind.ObjectMapper json) {
      this.pace = pace;
      this.json = json;
    }

    @Override
    public java.util.concurrent.CompletionStage<?> onText(WebSocket ws, CharSequence data,
        boolean last) {
      part.append(data);
      if (!last) {
        ws.request(1);
        return null;
      }
      String m = part.toString();
      part.setLength(0);
      messages.add(m);
      long ms = 0;
      try {
        JsonNode n = json.readTree(m);
        if (n.hasNonNull("audio")) {
          ms = java.util.Base64.getDecoder().decode(n.get("audio").asText()).length / 32;
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      pace.schedule(() -> ws.request(1), ms / SPEED, TimeUnit.MILLISECONDS);
      return null;
    }
  }

  /** {@code message} without its base64 audio, for a readable failure. */
  private static String brief(String message) {
    return message.replaceAll("\"audio\":\"[^\"]*\"", "\"audio\":\"...\"");
  }

  /**
   * Issue #14: an upstream audio message that needs no rewrite reaches a {@code stream-input}
   * client as the upstream sent it (the double's member order, without the {@code "isFinal":
   * null} our encoder writes), not decoded and encoded again; with {@code sync_alignment} and
   * without.
   */
  @Test
  void anUpstreamAudioMessageReachesTheClientAsSent() throws Exception {
    for (String sync : List.of("", "&sync_alignment=true")) {
      WholeMessages f = new WholeMessages();
      WebSocket ws = open("/v1/text-to-speech/" + VOICE
          + "/stream-input?output_format=pcm_16000" + sync, f);
      ws.sendText("{\"text\":\" \"}", true).get(5, TimeUnit.SECONDS);
      ws.sendText("{\"text\":\"Hello through the relay. \",\"flush\":true}", true)
          .get(5, TimeUnit.SECONDS);
      ws.sendText("{\"text\":\"And once more. \",\"flush\":true}", true)
          .get(5, TimeUnit.SECONDS);
      ws.sendText("{\"text\":\"\"}", true).get(5, TimeUnit.SECONDS);
      assertEquals(1000, f.closed.get(20, TimeUnit.SECONDS), f.texts.toString());
      List<String> audio = f.messages.stream().filter(t -> t.contains("\"audio\"")).toList();
      assertEquals(2, audio.size(), f.texts.toString());
      List<String> sent = d.ttsSent();
      for (String a : audio) {
        assertTrue(sent.contains(a), () -> "not as upstream sent it: " + brief(a)
            + "\nupstream sent: " + sent.stream().map(RelayContractTest::brief).toList());
      }
      assertTrue(f.messages.get(f.messages.size() - 1).contains("\"isFinal\":true"),
          f.messages.stream().map(RelayContractTest::brief).toList().toString());
    }
  }

  /**
   * Issue #14: on {@code multi-stream-input}, a named context's upstream audio messages reach the
   * client as the upstream sent them with the context's id added as their last member (escaped:
   * the id has quotes and a backslash); the default context's as sent.
   */
  @Test
  void aContextsUpstreamAudioMessagesReachTheClientAsSentWithItsId() throws Exception {
    WholeMessages f = new WholeMessages();
    WebSocket ws = open("/v1/text-to-speech/" + VOICE
        + "/multi-stream-input?output_format=pcm_16000", f);
    String id = "ctx \\\"q\\\" \\\\";  // the JSON text of: ctx "q" \
    ws.sendText("{\"text\":\" \",\"context_id\":\"" + id + "\"}", true).get(5, TimeUnit.SECONDS);
    ws.sendText("{\"text\":\"Hello from a context. \",\"context_id\":\"" + id
        + "\",\"flush\":true}", true).get(5, TimeUnit.SECONDS);
    ws.sendText("{\"text\":\" \"}", true).get(5, TimeUnit.SECONDS);
    ws.sendText("{\"text\":\"And the default one. \",\"flush\":true}", true)
        .get(5, TimeUnit.SECONDS);
    ElevenLabsDouble.await(() -> f.messages.stream().filter(t -> t.contains("\"audio\"")).count()
        >= 2, 20);
    ws.sendText("{\"close_socket\":true}", true).get(5, TimeUnit.SECONDS);
    assertEquals(1000, f.closed.get(20, TimeUnit.SECONDS), f.texts.toString());
    List<String> sent = d.ttsSent();
    int named = 0;
    for (String a : f.messages.stream().filter(t -> t.contains("\"audio\"")).toList()) {
      JsonNode m = ElevenLabsDouble.JSON.readTree(a);
      if (m.has("contextId")) {
        named++;
        assertEquals("ctx \"q\" \\", m.path("contextId").asText(), brief(a));
        String upstream = a.substring(0, a.lastIndexOf(",\"contextId\":")) + "}";
        assertTrue(sent.contains(upstream), () -> "not as upstream sent it: " + brief(a)
            + "\nupstream sent: " + sent.stream().map(RelayContractTest::brief).toList());
      } else {
        assertTrue(sent.contains(a), () -> "not as upstream sent it: " + brief(a));
      }
    }
    assertEquals(1, named, f.messages.stream().map(RelayContractTest::brief).toList().toString());
  }

  @Test
  void everySdkStreamThroughTheRelay() throws Exception {
    TtsRequest req = TtsRequest.builder(VOICE).outputFormat(AudioFormat.PCM_16000)
        .enableLogging(false).build();
    try (VoiceClient c = client()) {
      try (InputStream in = c.streamSpeech(req, "Over HTTP.")) {
        assertTrue(in.readAllBytes().length > 0);
      }
      RecordingTtsListener l = new RecordingTtsListener();
      try (TtsStream s = c.newTtsStream(req, l)) {
        s.send("Hello relay. ");
        s.end();
        l.await(20);
      }
      l.assertCompleted();
      CountDownLatch closed = new CountDownLatch(1);
      try (MultiContextTts m = c.newMultiContextTts(req, new MultiContextTts.Listener() {})) {
        MultiContextTts.Context ctx = m.openContext("a", new MultiContextTts.ContextListener() {
          @Override
          public void onClosed(boolean complete) {
            closed.countDown();
          }
        }).get(10, TimeUnit.SECONDS);
        ctx.send("One context. ");
        ctx.flush();
        ctx.close();
        assertTrue(closed.await(20, TimeUnit.SECONDS));
        m.end();
      }
      SttRequest stt = SttRequest.builder().audioFormat(AudioFormat.PCM_16000)
          .noVerbatim(true).secondaryLanguages(List.of("de")).entityDetection(List.of("pii"))
          .filterBackgroundAudio(true).enableLogging(false).previousText("Earlier.").build();
      RecordingSttListener sl = new RecordingSttListener();
      try (SttStream s = c.newSttStream(stt, sl)) {
        sl.awaitStarted(10);
        s.sendAudio(new byte[3200]);
        s.commit();
        ElevenLabsDouble.await(() -> !sl.commits.isEmpty(), 10);
        s.end();
      }
      assertEquals(ElevenLabsDouble.TRANSCRIPT, sl.commits.get(0).text());
      Seen open = d.seen("/v1/speech-to-text/realtime").get(0);
      assertEquals(List.of("true"), open.query().get("no_verbatim"));
      assertEquals(List.of("de"), open.query().get("secondary_languages"));
      assertEquals(List.of("pii"), open.query().get("entity_detection"));
      assertEquals(List.of("false"), open.query().get("enable_logging"));
    }
  }

  @Test
  void scribeMessagesVoicewireDoesNotModelReachTheClientAsSent() throws Exception {
    Frames f = new Frames();
    WebSocket ws = open("/v1/speech-to-text/realtime?"
        + "model_id=scribe_v2_realtime&include_timestamps=true&entity_detection=pii"
            + "&transcript_edit=Capitalise%20every%20word.", f);
    ElevenLabsDouble.await(() -> !f.texts.isEmpty(), 10);
    sendCommittedChunk(ws, "");
    ElevenLabsDouble.await(() -> f.texts.stream().anyMatch(t -> t.contains("edited_transcript")),
        10);
    ws.abort();
    List<String> types = f.texts.stream().map(t -> {
      try {
        return ElevenLabsDouble.JSON.readTree(t).path("message_type").asText();
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
    }).filter(t -> !t.equals("partial_transcript")).toList();
    assertEquals(List.of("session_started", "final_transcript",
        "final_transcript_with_timestamps", "committed_transcript",
        "committed_transcript_with_timestamps", "committed_transcript_entities",
        "edited_transcript"), types, f.texts.toString());
    for (String t : f.texts) {
      JsonNode m = ElevenLabsDouble.JSON.readTree(t);
      if (m.path("message_type").asText().endsWith("_with_timestamps")) {
        JsonNode w = m.path("words").get(0);
        assertEquals("speaker_0", w.path("speaker_id").asText(), t);
        assertEquals(w.path("text").asText().length(), w.path("characters").size(), t);
        assertEquals(w.path("start").asDouble(), w.path("characters").get(0).path("start")
            .asDouble(), 0.002, t);
      }
      if (m.path("message_type").asText().equals("committed_transcript_entities")) {
        assertEquals("person_name", m.path("entities").get(0).path("entity_type").asText());
      }
      if (m.path("message_type").asText().equals("edited_transcript")) {
        assertEquals(ElevenLabsDouble.TRANSCRIPT.toUpperCase(java.util.Locale.ROOT),
            m.path("edited_text").asText());
      }
    }
    assertEquals(List.of("Capitalise every word."),
        d.seen("/v1/speech-to-text/realtime").get(0).query().get("transcript_edit"));
  }

  @Test
  void finalWordsReachTheClientOnlyWhenItAskedForThem() throws Exception {
    Frames f = new Frames();
    WebSocket ws = open("/v1/speech-to-text/realtime?model_id=scribe_v2_realtime", f);
    ElevenLabsDouble.await(() -> !f.texts.isEmpty(), 10);
    sendCommittedChunk(ws, "");
    ElevenLabsDouble.await(() -> f.texts.stream()
        .anyMatch(t -> t.contains("\"committed_transcript\"")), 10);
    ws.abort();
    // upstream got include_timestamps (resume needs it); the client asked for no timestamps
    assertTrue(f.texts.stream().anyMatch(t -> t.contains("\"final_transcript\"")),
        f.texts.toString());
    assertFalse(f.texts.stream().anyMatch(t -> t.contains("_with_timestamps")),
        f.texts.toString());
  }

  /** Waits until the upstream stream-input socket got its init message. */
  private void awaitUpstreamInit() throws InterruptedException {
    ElevenLabsDouble.await(() -> d.seen("/v1/text-to-speech/" + VOICE + "/stream-input").stream()
        .anyMatch(x -> x.kind().equals("WS")), 10);
  }

  @Test
  void partialAndLaterVoiceSettingsGoUpstreamExactlyAsSent() throws Exception {
    Frames f = new Frames();
    WebSocket ws = open("/v1/text-to-speech/" + VOICE + "/stream-input", f);
    String settings = "{\"speed\":1.1}";
    ws.sendText("{\"text\":\" \",\"voice_settings\":" + settings + "}", true)
        .get(5, TimeUnit.SECONDS);
    awaitUpstreamInit();
    // SendText may carry the first settings again, unchanged (the AsyncAPI document)
    ws.sendText("{\"text\":\"Hello again. \",\"voice_settings\":" + settings + "}", true)
        .get(5, TimeUnit.SECONDS);
    ws.sendText("{\"text\":\" \",\"voice_settings\":" + settings + ",\"flush\":true}",
        true).get(5, TimeUnit.SECONDS);
    ws.sendText("{\"text\":\"\"}", true).get(5, TimeUnit.SECONDS);
    assertEquals(1000, f.closed.get(20, TimeUnit.SECONDS), f.texts.toString());
    List<JsonNode> up = d.seen("/v1/text-to-speech/" + VOICE + "/stream-input").stream()
        .filter(x -> x.kind().equals("WS")).map(Seen::body).toList();
    JsonNode want = ElevenLabsDouble.JSON.readTree(settings);
    assertEquals(want, up.get(0).path("voice_settings"), "only the chosen field: " + up.get(0));
    List<JsonNode> later = up.subList(1, up.size()).stream()
        .filter(m -> m.has("voice_settings")).toList();
    assertEquals(2, later.size(), up.toString());
    later.forEach(m -> assertEquals(want, m.get("voice_settings"), m.toString()));
    assertEquals("Hello again. ", later.get(0).path("text").asText(), up.toString());
  }

  /**
   * close_context through the relay (AsyncAPI CloseContext): the flushed text is voiced, the
   * text sent after the flush is not (upstream never synthesises it), and the relay's client
   * still gets the context's isFinal.
   */
  @Test
  void closeContextThroughTheRelayVoicesOnlyFlushedText() throws Exception {
    Frames f = new Frames();
    WebSocket ws = open("/v1/text-to-speech/" + VOICE + "/multi-stream-input?output_format="
        + "pcm_16000", f);
    ws.sendText("{\"text\":\" \",\"context_id\":\"a\"}", true).get(5, TimeUnit.SECONDS);
    ws.sendText("{\"text\":\"Flushed through. \",\"context_id\":\"a\",\"flush\":true}", true)
        .get(5, TimeUnit.SECONDS);
    ws.sendText("{\"text\":\"Never voiced by the relay. \",\"context_id\":\"a\"}", true)
        .get(5, TimeUnit.SECONDS);
    ws.sendText("{\"context_id\":\"a\",\"close_context\":true}", true).get(5, TimeUnit.SECONDS);
    ElevenLabsDouble.await(() -> f.texts.stream().anyMatch(t -> t.contains("isFinal")), 20);
    ws.sendText("{\"close_socket\":true}", true).get(5, TimeUnit.SECONDS);
    assertEquals(1000, f.closed.get(20, TimeUnit.SECONDS), f.texts.toString());
    StringBuilder voiced = new StringBuilder();
    int finals = 0;
    boolean afterFinal = false;
    for (String t : f.texts) {
      JsonNode m = ElevenLabsDouble.JSON.readTree(t);
      if (m.path("isFinal").asBoolean(false)) {
        finals++;
        afterFinal = true;
      } else if (m.has("audio")) {
        assertFalse(afterFinal, "audio after the isFinal: " + f.texts);
        m.path("alignment").path("chars").forEach(c -> voiced.append(c.asText()));
      }
    }
    assertEquals(1, finals, f.texts.toString());
    assertEquals("Flushed through.", voiced.toString().strip(), f.texts.toString());
    assertTrue(d.synthesised().stream().noneMatch(t -> t.contains("Never voiced")),
        d.synthesised().toString());
  }

  @Test
  void aReinitialisedContextsUnchangedSettingsGoUpstreamAndChangedOnesStay() throws Exception {
    Frames f = new Frames();
    WebSocket ws = open("/v1/text-to-speech/" + VOICE + "/multi-stream-input", f);
    String init = "{\"text\":\" \",\"context_id\":\"a\",\"voice_settings\":{\"stability\":0.3},"
        + "\"generation_config\":{\"chunk_length_schedule\":[120]}}";
    ws.sendText(init, true).get(5, TimeUnit.SECONDS);
    awaitUpstreamInit();
    ws.sendText(init.replace("\" \"", "\"Once more. \""), true).get(5, TimeUnit.SECONDS);
    // changed settings: upstream's stream-input allows none, so the context keeps its own
    ws.sendText(init.replace("\" \"", "\"Changed. \"").replace("0.3", "0.6"), true)
        .get(5, TimeUnit.SECONDS);
    // close_context voices only flushed text: nothing is flushed here, so the relay cancels the
    // upstream stream at once, and text still queued for it need not go up. Wait until it has.
    ElevenLabsDouble.await(() -> d.seen("/v1/text-to-speech/" + VOICE + "/stream-input").stream()
        .anyMatch(x -> x.kind().equals("WS") && x.body().path("text").asText()
            .equals("Changed. ")), 10);
    ws.sendText("{\"context_id\":\"a\",\"close_context\":true}", true).get(5, TimeUnit.SECONDS);
    ElevenLabsDouble.await(() -> f.texts.stream().anyMatch(t -> t.contains("isFinal")), 20);
    ws.abort();
    List<JsonNode> up = d.seen("/v1/text-to-speech/" + VOICE + "/stream-input").stream()
        .filter(x -> x.kind().equals("WS")).map(Seen::body).toList();
    assertEquals(0.3, up.get(0).path("voice_settings").path("stability").asDouble(),
        up.toString());
    assertEquals(1, up.get(0).path("voice_settings").size(), "only the chosen field");
    JsonNode again = up.stream().filter(m -> m.path("text").asText().equals("Once more. "))
        .findFirst().orElseThrow(() -> new AssertionError(up.toString()));
    assertEquals(up.get(0).path("voice_settings"), again.path("voice_settings"), up.toString());
    assertEquals(List.of(120), List.of(again.path("generator_config")
        .path("chunk_length_schedule").get(0).asInt()), up.toString());
    JsonNode changed = up.stream().filter(m -> m.path("text").asText().equals("Changed. "))
        .findFirst().orElseThrow(() -> new AssertionError(up.toString()));
    assertFalse(changed.has("voice_settings"), changed.toString());
    assertFalse(changed.has("generator_config"), changed.toString());
  }

  /**
   * A long text (300 s of audio, 13 MB of messages: more than the sockets' buffers hold) to a
   * relay client that takes the audio at 60 times real time, with the relay's queue bounded at
   * 1 MiB: the upstream (the double, which answers every flush at once, as the
   * cloud is faster than real time) waits in its own socket while the client is 5 s behind
   * ({@code RealTtsStream.RELAY_MAX_BACKLOG_MILLIS}), and the client gets every message. Before,
   * the relay read the upstream as fast as it came and failed the client with
   * {@code queue_overflow} (maxQueuedBytes).
   */
  @Test
  void aLongTextReachesARelayClientThatReadsMoreSlowlyThanTheUpstreamSpeaks() throws Exception {
    longTextToASlowClient(null, 1000);
  }

  /**
   * The same through {@code multi-stream-input}: a context's long text reaches a slow client
   * whole (each context is its own upstream stream, whose reads the relay holds the same way).
   */
  @Test
  void aContextsLongTextReachesARelayClientThatReadsMoreSlowlyThanTheUpstreamSpeaks()
      throws Exception {
    longTextToASlowClient("long", 500);
  }

  /**
   * The relay's pacing counts the audio it has read and not yet handed on. Here the relay's
   * callbacks run on another thread that takes 20 ms for each message (as a busy relay's did:
   * the thread that drained its callbacks was not the one reading the upstream), and the client
   * never reads. The upstream is read up to 5 s of queued audio
   * ({@code RealTtsStream.RELAY_MAX_BACKLOG_MILLIS}) and a few messages more, then it waits.
   * Before, the reader ran on while the callbacks waited their turn (64 of them, 22 s of audio),
   * which on a loaded machine once took the client's queue past its 1 MiB.
   */
  @Test
  void aRelaysReadingHoldsForAudioItHasReadAndNotYetHandedOn() throws Exception {
    java.util.concurrent.ExecutorService slow = java.util.concurrent.Executors
        .newSingleThreadExecutor();
    VoiceClient up = ClientTestAccess.relayUpstream(d.baseUrl(), ElevenLabsDouble.API_KEY)
        .reconnectPolicy(ReconnectPolicy.NEVER).callbackExecutor(slow).build();
    java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicInteger messages =
        new java.util.concurrent.atomic.AtomicInteger();
    ElevenLabsProvider p = new ElevenLabsProvider(up);
    try {
      io.voicewire.speech.TtsSession s = p.openTts(TtsRequest.builder(VOICE)
          .outputFormat(AudioFormat.PCM_16000).build(), new io.voicewire.speech.TtsListener() {
            @Override
            public void onAudio(io.voicewire.speech.TtsAudio a) {
              messages.incrementAndGet();
              received.addAndGet(a.audio().length / 32);
              try {
                Thread.sleep(20);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }

            @Override
            public long backlogMillis() {
              return received.get(); // nothing is ever read
            }
          });
      for (int i = 0; i < 60; i++) { // 60 x 350 ms
        assertTrue(s.send("Sentence number " + (1000 + i) + " is said here. "));
        assertTrue(s.flush());
      }
      ElevenLabsDouble.await(() -> received.get() >= 5_000, 20);
      long settled;
      do { // until nothing more arrives for a second (reading held)
        settled = received.get();
        Thread.sleep(1_000);
      } while (received.get() != settled);
      long limit = 5_000 + 10 * 350; // RELAY_MAX_BACKLOG_MILLIS, 8 in transit and 2 more
      System.out.println("relay held reading at " + settled + " ms in " + messages + " messages");
      assertTrue(settled <= limit, settled + " ms in " + messages + " messages, over " + limit);
      s.close();
    } finally {
      p.close();
      up.close();
      slow.shutdownNow();
    }
  }

  /**
   * {@code count} flushed sentences to a {@link PacedReader} through a relay whose queue holds
   * 1 MiB, on {@code stream-input} or ({@code context} not null) one context of
   * {@code multi-stream-input}; then the socket closes, and every sentence was voiced once.
   */
  private void longTextToASlowClient(String context, int count) throws Exception {
    relay.close();
    relay = VoicewireServer.create(c -> c.provider(provider).apiKeys(List.of(RELAY_KEY))
        .limits(io.voicewire.server.Limits.DEFAULTS.toBuilder().maxQueuedBytes(1 << 20)
            .build()));
    url = "http://127.0.0.1:" + relay.start(0);
    java.util.concurrent.ScheduledExecutorService pace =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    PacedReader f = new PacedReader(pace, json);
    String ctx = context == null ? "" : ",\"context_id\":\"" + context + "\"";
    try {
      WebSocket ws = open("/v1/text-to-speech/" + VOICE + (context == null ? "/stream-input"
          : "/multi-stream-input") + "?output_format=pcm_16000", f);
      ws.sendText("{\"text\":\" \"" + ctx + "}", true).get(5, TimeUnit.SECONDS);
      List<String> sentences = new java.util.ArrayList<>();
      for (int i = 0; i < count; i++) {
        String t = "Sentence number " + (1000 + i) + " is said here. ";
        sentences.add(t.strip());
        ws.sendText("{\"text\":\"" + t + "\"" + ctx + ",\"flush\":true}", true)
            .get(5, TimeUnit.SECONDS);
      }
      if (context == null) {
        ws.sendText("{\"text\":\"\"}", true).get(5, TimeUnit.SECONDS);
      } else {
        ws.sendText("{\"close_context\":true" + ctx + "}", true).get(5, TimeUnit.SECONDS);
        ElevenLabsDouble.await(() -> f.messages.stream().anyMatch(t -> t.contains("\"isFinal\"")
            || t.contains("\"error\"")), 60);
        ws.sendText("{\"close_socket\":true}", true).get(5, TimeUnit.SECONDS);
      }
      assertEquals(1000, f.closed.get(60, TimeUnit.SECONDS),
          f.messages.stream().filter(t -> !t.contains("\"audio\"")).toList().toString());
      int audioMessages = 0;
      for (String t : f.messages) {
        JsonNode m = json.readTree(t);
        assertFalse(m.has("error"), t);
        if (m.hasNonNull("audio")) {
          audioMessages++;
          assertEquals(context == null ? "" : context, m.path("contextId").asText(), brief(t));
        }
      }
      // every sentence voiced once, in order, each in its own message (a flush that reaches the
      // upstream apart from its text carries one space, PROTOCOL.md 2.3: the double voices it)
      assertEquals(sentences.size(), audioMessages);
      assertEquals(sentences, d.synthesised().stream().map(String::strip).toList());
    } finally {
      pace.shutdownNow();
    }
  }

  @Test
  void relayedHttpTakesSessionPermitsLikeSockets() throws Exception {
    relay.close();
    relay = VoicewireServer.create(c -> c.provider(provider).apiKeys(List.of(RELAY_KEY))
        .limits(io.voicewire.server.Limits.DEFAULTS.toBuilder().maxSessionsPerKey(1).build()));
    url = "http://127.0.0.1:" + relay.start(0);
    String tts = "/v1/text-to-speech/" + VOICE + "/stream";
    byte[] body = "{\"text\":\"Permit.\"}".getBytes(StandardCharsets.UTF_8);
    assertEquals(200, post(tts, "application/json", body).statusCode(), "a free permit");
    Frames f = new Frames();
    WebSocket ws = open("/v1/text-to-speech/" + VOICE + "/stream-input", f);
    ws.sendText("{\"text\":\" \"}", true).get(5, TimeUnit.SECONDS);
    ws.sendText("{\"text\":\"Holding the permit. \",\"flush\":true}", true)
        .get(5, TimeUnit.SECONDS);
    ElevenLabsDouble.await(() -> f.texts.stream().anyMatch(t -> t.contains("audio")), 10);
    int before = d.seen(tts).size();
    for (String path : List.of(tts, "/v1/speech-to-text")) {
      HttpResponse<byte[]> r = post(path, "application/json", body);
      assertEquals(429, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
      JsonNode detail = ElevenLabsDouble.JSON.readTree(r.body()).path("detail");
      assertEquals("concurrent_limit_exceeded", detail.path("code").asText(), detail.toString());
      assertFalse(detail.path("message").asText().isEmpty(), detail.toString());
    }
    assertEquals(before, d.seen(tts).size(), "a refused request goes nowhere upstream");
    ws.sendText("{\"text\":\"\"}", true).get(5, TimeUnit.SECONDS);
    assertEquals(1000, f.closed.get(20, TimeUnit.SECONDS));
    ElevenLabsDouble.await(() -> {
      try {
        return post(tts, "application/json", body).statusCode() == 200;
      } catch (Exception e) {
        return false;
      }
    }, 10);
    assertEquals(200, post(tts, "application/json", body).statusCode(), "the permit came back");
  }
}
