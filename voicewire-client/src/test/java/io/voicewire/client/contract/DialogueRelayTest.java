package io.voicewire.client.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.audio.AudioFormat;
import io.voicewire.client.ClientTestAccess;
import io.voicewire.client.DialogueStream;
import io.voicewire.client.DialogueStream.Line;
import io.voicewire.client.ElevenLabsProvider;
import io.voicewire.client.FaultProxy;
import io.voicewire.client.ReconnectPolicy;
import io.voicewire.client.VoiceClient;
import io.voicewire.client.contract.ElevenLabsDouble.Seen;
import io.voicewire.server.VoicewireServer;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsAudio;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Text-to-Dialogue through the relay ({@link ElevenLabsProvider}) to the strict double, from the
 * Java SDK's {@link DialogueStream}: a dialogue of two voices on both dialogue sockets reaches
 * the same socket upstream with exactly the client's official query and messages (never a
 * credential), the upstream's turns come back with each turn's alignment equal to its text and
 * no audio after a dialogue's {@code is_final}; and an upstream cut fails the dialogue with a
 * clear error and voices no line twice (a relayed dialogue is not resumed).
 */
@Timeout(60)
class DialogueRelayTest {
  static final String A = DoubleHttp.VOICE_ID;
  static final String B = "AZnzlk1XvdvUeBnXmlld";
  static final AudioFormat PCM = AudioFormat.parse("pcm_16000");
  ElevenLabsDouble d;
  FaultProxy proxy;
  VoiceClient upstream;
  ElevenLabsProvider provider;
  VoicewireServer relay;
  VoiceClient client;
  String url;

  @BeforeEach
  void start() throws Exception {
    d = ElevenLabsDouble.start();
    proxy = FaultProxy.start(URI.create(d.baseUrl()).getPort(), 13);
    upstream = ClientTestAccess.relayUpstream(proxy.baseUrl(), ElevenLabsDouble.API_KEY)
        .reconnectPolicy(ReconnectPolicy.NEVER).build();
    provider = new ElevenLabsProvider(upstream);
    relay = VoicewireServer.create(c -> c.provider(provider)
        .apiKeys(List.of(RelayContractTest.RELAY_KEY)));
    url = "http://127.0.0.1:" + relay.start(0);
    client = VoiceClient.builder().baseUrl(url)
        .apiKey(RelayContractTest.RELAY_KEY).reconnectPolicy(ReconnectPolicy.NEVER).build();
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    relay.close();
    provider.close();
    upstream.close();
    proxy.close();
    d.close();
    d.assertNoViolations();
  }

  /** Each context's turns as the alignment spells them, and what arrived after an is_final. */
  static final class Turns implements DialogueStream.Listener {
    final Map<String, List<String>> turns = new LinkedHashMap<>();
    final Map<String, StringBuilder> open = new LinkedHashMap<>();
    final Set<String> finals = new HashSet<>();
    final CompletableFuture<SpeechError> end = new CompletableFuture<>();
    final CompletableFuture<Void> firstTurn = new CompletableFuture<>();
    int stale;

    @Override
    public synchronized void onAudio(String contextId, TtsAudio audio) {
      String k = String.valueOf(contextId);
      if (finals.contains(k)) {
        stale++;
      }
      assertNotNull(audio.alignment(), "sync_alignment was asked for");
      open.computeIfAbsent(k, x -> new StringBuilder())
          .append(String.join("", audio.alignment().chars()));
    }

    @Override
    public synchronized void onTurnEnd(String contextId) {
      String k = String.valueOf(contextId);
      StringBuilder b = open.remove(k);
      turns.computeIfAbsent(k, x -> new ArrayList<>()).add(b == null ? "" : b.toString());
      firstTurn.complete(null);
    }

    @Override
    public synchronized void onFinal(String contextId) {
      String k = String.valueOf(contextId);
      assertNull(open.get(k), "every turn ended before is_final");
      finals.add(k);
    }

    @Override
    public void onClosed() {
      end.complete(null);
    }

    @Override
    public void onFailure(SpeechError error) {
      end.complete(error);
    }

    synchronized List<String> of(String contextId) {
      return turns.getOrDefault(String.valueOf(contextId), List.of());
    }
  }

  private List<Seen> upstreamSeen(String path) {
    List<Seen> s = d.seen(path);
    assertFalse(s.isEmpty(), "nothing reached " + path + " upstream");
    for (Seen x : s) {
      if (x.body() == null) {
        continue; // the handshake
      }
      for (String secret : List.of("xi_api_key", "authorization", "single_use_token")) {
        assertFalse(x.body().has(secret), "a credential went upstream: " + x.body());
      }
    }
    return s;
  }

  private static List<Seen> messages(List<Seen> seen) {
    return seen.stream().filter(x -> x.body() != null).toList();
  }

  @Test
  void twoVoicesOnStreamInputTakeTheUpstreamDialogueSocket() throws Exception {
    Turns t = new Turns();
    try (DialogueStream s = client.newDialogueStream(DialogueStream.Options.dialogue(PCM), t)) {
      assertTrue(s.open(null, List.of(A, B)));
      s.say(null, List.of(Line.of(A, "Knock knock. "), Line.of(B, "Who is there? ")), false);
      s.say(null, List.of(Line.of(A, "Lettuce. "), new Line("Lettuce who? ", B, false)), true);
      s.end();
      assertNull(t.end.get(20, TimeUnit.SECONDS), "the dialogue ends cleanly");
    }
    assertEquals(List.of("Knock knock. ", "Who is there? ", "Lettuce. ", "Lettuce who? "),
        t.of(null), "each turn's alignment is its text");
    assertEquals(Set.of("null"), t.finals);
    assertEquals(0, t.stale);
    assertEquals(List.of(A + ": Knock knock. ", B + ": Who is there? ", A + ": Lettuce. ",
        B + ": Lettuce who? "), d.synthesised(), "each line voiced once, in its voice, upstream");
    List<Seen> up = messages(upstreamSeen(DialogueSpec.STREAM_INPUT));
    assertEquals(Map.of("model_id", List.of("eleven_v3"), "output_format", List.of("pcm_16000"),
        "sync_alignment", List.of("true")), up.get(0).query(), "the client's query, nothing more");
    assertEquals(List.of(A, B), ElevenLabsDouble.JSON.convertValue(up.get(0).body()
        .get("voices"), List.class));
    assertTrue(up.get(up.size() - 1).body().path("close_socket").asBoolean());
  }

  @Test
  void twoDialoguesOnMultiStreamInputTakeTheUpstreamMultiSocket() throws Exception {
    Turns t = new Turns();
    try (DialogueStream s = client.newDialogueStream(DialogueStream.Options.dialogue(PCM)
        .multiContext(), t)) {
      assertTrue(s.open("c1", List.of(A, B)));
      assertTrue(s.open("c2", List.of(B, A)));
      s.say("c1", List.of(Line.of(A, "Are you coming? "), Line.of(B, "In a minute. ")), false);
      s.say("c2", List.of(Line.of(B, "Tea or coffee? ")), true);
      s.closeContext("c1"); // a dialogue's close voices its rest (unlike TTS), then is_final
      s.say("c2", List.of(Line.of(A, "Tea, please. "), new Line("With milk. ", A, true)), false);
      s.closeContext("c2");
      s.end();
      assertNull(t.end.get(20, TimeUnit.SECONDS), "the dialogues end cleanly");
    }
    assertEquals(List.of("Are you coming? ", "In a minute. "), t.of("c1"));
    assertEquals(List.of("Tea or coffee? ", "Tea, please. ", "With milk. "), t.of("c2"));
    assertEquals(Set.of("c1", "c2"), t.finals);
    assertEquals(0, t.stale, "no audio of a dialogue after its is_final");
    List<Seen> up = messages(upstreamSeen(DialogueSpec.MULTI_STREAM_INPUT));
    assertEquals(List.of("eleven_v3"), up.get(0).query().get("model_id"));
    assertEquals(2, up.stream().filter(x -> x.body().has("voices")).count(),
        "one upstream socket, one registration per context");
  }

  @Test
  void anUpstreamCutFailsTheDialogueAndVoicesNoLineTwice() throws Exception {
    Turns t = new Turns();
    try (DialogueStream s = client.newDialogueStream(DialogueStream.Options.dialogue(PCM), t)) {
      assertTrue(s.open(null, List.of(A, B)));
      s.say(null, List.of(Line.of(A, "First line. "), Line.of(B, "Second line. ")), true);
      t.firstTurn.get(20, TimeUnit.SECONDS);
      proxy.cutAll();
      s.say(null, List.of(Line.of(A, "After the cut. ")), true);
      SpeechError e = t.end.get(20, TimeUnit.SECONDS);
      assertNotNull(e, "the cut is a failure the client sees");
      assertTrue(e.message().contains("not resumed"), e.message());
    }
    assertEquals("First line. ", t.of(null).get(0), "a turn that ended is complete");
    List<String> voiced = d.synthesised();
    assertEquals(new HashSet<>(voiced).size(), voiced.size(), "no line voiced twice: " + voiced);
    assertEquals(1, messages(d.seen(DialogueSpec.STREAM_INPUT)).stream()
        .filter(x -> x.body().has("voices")).count(), "nothing re-sent upstream after the cut");
    assertEquals(0, t.stale);
  }

  @Test
  void theDialogueExampleRunsThroughTheRelay() throws Exception {
    // the example authenticates with $VOICEWIRE_API_KEY: a relay without keys (loopback only)
    VoicewireServer open = VoicewireServer.create(c -> c.provider(provider));
    java.nio.file.Path pcm = java.nio.file.Files.createTempFile("dialogue", ".pcm");
    try {
      io.voicewire.examples.DialogueToPcm.main(new String[] {"--server", "http://127.0.0.1:"
          + open.start(0), "--out", pcm.toString()});
      List<String> script = io.voicewire.examples.DialogueToPcm.SCRIPT;
      List<String> want = new ArrayList<>();
      int chars = 0;
      for (int i = 0; i < script.size(); i++) {
        want.add((i % 2 == 0 ? A : B) + ": " + script.get(i));
        chars += script.get(i).length();
      }
      assertEquals(want, d.synthesised(), "the example's five turns, voiced upstream");
      // the double's pcm_24000: 10 ms (480 bytes) a character, every turn's audio written
      assertEquals(chars * 480L, java.nio.file.Files.size(pcm));
    } finally {
      open.close();
      java.nio.file.Files.deleteIfExists(pcm);
    }
  }

  /**
   * A long dialogue reaches a client that reads more slowly than the upstream speaks: the relay
   * holds its upstream socket's reads while the client is behind (TCP then slows the upstream),
   * instead of reading on and failing the client with {@code queue_overflow} when its queue
   * reaches {@code maxQueuedBytes}.
   */
  @Test
  void aLongDialogueReachesAClientThatReadsMoreSlowlyThanTheUpstreamSpeaks() throws Exception {
    relay.close();
    relay = VoicewireServer.create(c -> c.provider(provider)
        .apiKeys(List.of(RelayContractTest.RELAY_KEY))
        .limits(io.voicewire.server.Limits.DEFAULTS.toBuilder().maxQueuedBytes(1 << 20)
            .build()));
    url = "http://127.0.0.1:" + relay.start(0);
    java.util.concurrent.ScheduledExecutorService pace =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    RelayContractTest.PacedReader f = new RelayContractTest.PacedReader(pace,
        ElevenLabsDouble.JSON);
    List<String> lines = new ArrayList<>();
    try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
      java.net.http.WebSocket ws = http.newWebSocketBuilder()
          .header("xi-api-key", RelayContractTest.RELAY_KEY)
          .buildAsync(URI.create(url.replace("http", "ws") + DialogueSpec.STREAM_INPUT
              + "?model_id=eleven_v3&output_format=pcm_16000"), f).get(10, TimeUnit.SECONDS);
      ws.sendText("{\"voices\":[\"" + A + "\",\"" + B + "\"]}", true).get(5, TimeUnit.SECONDS);
      for (int i = 0; i < 500; i++) {
        String voice = i % 2 == 0 ? A : B;
        String text = "Line number " + (1000 + i) + " is said here. ";
        lines.add(voice + ": " + text);
        ws.sendText("{\"inputs\":[{\"text\":\"" + text + "\",\"voice_id\":\"" + voice
            + "\"}],\"flush\":true}", true).get(5, TimeUnit.SECONDS);
      }
      ws.sendText("{\"close_socket\":true}", true).get(5, TimeUnit.SECONDS);
      assertEquals(1000, f.closed.get(60, TimeUnit.SECONDS),
          f.messages.stream().filter(m -> !m.contains("\"audio\"")
              && !m.contains("is_final_audio_for_turn")).toList().toString());
    } finally {
      pace.shutdownNow();
    }
    long audioBytes = 0;
    for (String m : f.messages) {
      com.fasterxml.jackson.databind.JsonNode n = ElevenLabsDouble.JSON.readTree(m);
      assertFalse(n.has("error"), m);
      if (n.hasNonNull("audio")) {
        audioBytes += java.util.Base64.getDecoder().decode(n.get("audio").asText()).length;
      }
    }
    assertEquals(lines, d.synthesised(), "each line voiced once, in order, upstream");
    // the double: 10 ms a character, pcm_16000 (320 bytes per 10 ms)
    assertEquals(lines.stream().mapToLong(l -> l.length() - A.length() - 2).sum() * 320,
        audioBytes, "every line's audio reached the client");
  }

  /**
   * The dialogue sockets' default output, MP3, through the relay: its audio is queued as audio
   * by its bitrate (its bytes do not say their length otherwise). Until the review of
   * 2026-12-06 the relay asked the MP3 format for a PCM duration, which it refuses, and the
   * first audio message failed the socket.
   */
  @Test
  void anMp3DialogueGoesThroughTheRelay() throws Exception {
    DoubleSelfTest.Frames f = new DoubleSelfTest.Frames();
    try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
      java.net.http.WebSocket ws = http.newWebSocketBuilder()
          .header("xi-api-key", RelayContractTest.RELAY_KEY)
          .buildAsync(URI.create(url.replace("http", "ws") + DialogueSpec.STREAM_INPUT
              + "?model_id=eleven_v3&output_format=mp3_44100_128"), f).get(10, TimeUnit.SECONDS);
      for (String m : List.of("{\"voices\":[\"" + A + "\",\"" + B + "\"]}",
          "{\"inputs\":[" + "{\"text\":\"First line. \",\"voice_id\":\"" + A + "\"},"
              + "{\"text\":\"Second line. \",\"voice_id\":\"" + B + "\"}],\"flush\":true}",
          "{\"close_socket\":true}")) {
        ws.sendText(m, true).get(5, TimeUnit.SECONDS);
      }
      assertEquals(1000, f.closed.get(20, TimeUnit.SECONDS), f.texts.toString());
    }
    assertEquals(List.of(A + ": First line. ", B + ": Second line. "), d.synthesised());
    assertFalse(String.join("", f.texts).contains("\"error\""), f.texts.toString());
    assertTrue(String.join("", f.texts).contains("\"audio\""), "audio reached the client");
  }

  @Test
  void aBadMessageIsRefusedAtTheRelayAndWhatWasAcceptedIsStillVoiced() throws Exception {
    DoubleSelfTest.Frames f = new DoubleSelfTest.Frames();
    try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
      java.net.http.WebSocket ws = http.newWebSocketBuilder()
          .header("xi-api-key", RelayContractTest.RELAY_KEY)
          .buildAsync(URI.create(url.replace("http", "ws") + DialogueSpec.STREAM_INPUT
              + "?model_id=eleven_v3&output_format=pcm_16000"), f).get(10, TimeUnit.SECONDS);
      for (String m : List.of("{\"voices\":[\"" + A + "\",\"" + B + "\"]}",
          "{\"inputs\":[{\"text\":\"Accepted line. \",\"voice_id\":\"" + A + "\"}]}",
          "{\"inputs\":[{\"text\":\"Refused. \",\"voice_id\":\"nobody\"}]}")) {
        ws.sendText(m, true).get(5, TimeUnit.SECONDS);
      }
      assertEquals(1008, f.closed.get(20, TimeUnit.SECONDS), f.texts.toString());
    }
    String last = f.texts.get(f.texts.size() - 1);
    assertTrue(last.contains("not one of the registered voices"), f.texts.toString());
    assertEquals(List.of(A + ": Accepted line. "), d.synthesised(),
        "the accepted line is voiced, the refused one never reaches upstream");
    List<Seen> up = messages(upstreamSeen(DialogueSpec.STREAM_INPUT));
    assertTrue(up.stream().noneMatch(x -> x.body().toString().contains("nobody")), up.toString());
    assertTrue(up.get(up.size() - 1).body().path("close_socket").asBoolean(), up.toString());
  }
}
