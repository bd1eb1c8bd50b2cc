package io.voicewire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.client.internal.FakeSpeech;
import io.voicewire.client.internal.FakeSttPeer;
import io.voicewire.client.internal.FakeVoice;
import io.voicewire.server.VoicewireServer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tier (c): the relay. A client talks to a voicewire server whose provider is
 * {@link ElevenLabsProvider}; that provider talks, through a fault-injecting proxy, to a second
 * voicewire server playing the cloud. Cuts between relay and "cloud" are resumed inside the relay:
 * the client sees one connection and exact audio and text.
 */
@Timeout(120)
class RelayIntegrationTest {

  private static final class Relay implements AutoCloseable {
    final ServerHarness cloud;
    final VoiceClient upstreamClient;
    final ElevenLabsProvider provider;
    final VoicewireServer relay;
    final int port;

    Relay(long seed) throws Exception {
      cloud = new ServerHarness(new CodedSpeechProvider(12, 1), seed,
          c -> c.apiKeys(List.of("cloud-key")));
      // the relay's transport and callbacks, as ElevenLabsProvider.create picks them
      upstreamClient = ClientTestAccess.relayUpstream(cloud.proxy.baseUrl(), "cloud-key")
          .reconnectPolicy(ResumeIntegrationTest.POLICY).random(new Random(seed)).build();
      provider = new ElevenLabsProvider(upstreamClient);
      relay = VoicewireServer.create(c -> c.provider(provider));
      port = relay.start(0);
    }

    VoiceClient client() {
      return VoiceClient.builder().baseUrl("http://127.0.0.1:" + port)
          .reconnectPolicy(ReconnectPolicy.NEVER).build();
    }

    @Override
    public void close() {
      relay.close();
      provider.close();
      upstreamClient.close();
      cloud.close();
    }
  }

  @Test
  void voicesAndModelsComeFromUpstream() throws Exception {
    try (Relay r = new Relay(1); VoiceClient c = r.client()) {
      assertEquals(CodedSpeechProvider.VOICE, c.voices().get(0).voiceId());
      assertTrue(c.models().stream().anyMatch(m -> m.modelId().equals("coded_stt")));
      assertTrue(r.provider.isReady());
    }
  }

  @Test
  void ttsThroughTheRelayResumesUpstreamDropsInvisibly() throws Exception {
    try (Relay r = new Relay(2); VoiceClient c = r.client()) {
      r.cloud.proxy.cutDownstreamBetween(20_000, 120_000, 5);
      RecordingTtsListener l = new RecordingTtsListener();
      TtsStream s = c.newTtsStream(ResumeIntegrationTest.tts(), l);
      String text = TtsStreamStateTest.longText(2000, 31);
      for (int i = 0; i < text.length(); i += 80) {
        s.send(text.substring(i, Math.min(text.length(), i + 80)));
      }
      s.end();
      l.await(90).assertCompleted();
      assertEquals(text.stripTrailing(), FakeVoice.decode(l.audio).stripTrailing());
      assertEquals(text.stripTrailing(), l.alignmentText().stripTrailing());
      assertEquals(5, r.cloud.proxy.cuts());
      assertEquals(1, s.metrics().connections(), "the client saw no drop");
    }
  }

  @Test
  void sttThroughTheRelayResumesUpstreamDropsInvisibly() throws Exception {
    try (Relay r = new Relay(3); VoiceClient c = r.client()) {
      r.cloud.proxy.cutUpstreamBetween(20_000, 100_000, 5);
      RecordingSttListener l = new RecordingSttListener();
      SttStream s = c.newSttStream(FakeSttPeer.request(false), l);
      List<String> words = SttStreamStateTest.words(90, 4);
      StringBuilder expected = new StringBuilder();
      for (int i = 0; i < words.size(); i += 3) {
        String seg = String.join(" ", words.subList(i, Math.min(words.size(), i + 3))) + " ";
        expected.append(seg);
        SttStreamStateTest.send(s, FakeSpeech.say(seg), 5);
        assertTrue(s.commit());
        Thread.sleep(150);
      }
      s.end();
      l.await(90).assertClosed();
      assertEquals(expected.toString(), l.committedText());
      assertTrue(r.cloud.proxy.cuts() >= 3, "cuts " + r.cloud.proxy.cuts());
      assertEquals(1, s.metrics().connections(), "the client saw no drop");
    }
  }

  /**
   * The pass-through path: a raw client's plain frames go upstream as received, and upstream cuts
   * between relay and cloud stay invisible: every segment committed once, in order, none lost.
   */
  @Test
  void rawFramesPassThroughTheRelayAcrossUpstreamCutsWithNoLossOrRepeat() throws Exception {
    try (Relay r = new Relay(4)) {
      r.cloud.proxy.cutUpstreamBetween(20_000, 100_000, 5);
      String q = io.voicewire.protocol.SttParams.toQuery(FakeSttPeer.request(false));
      try (RawScribeClient c = RawScribeClient.open("ws://127.0.0.1:" + r.port
          + "/v1/speech-to-text/realtime?" + q, null)) {
        List<String> words = SttStreamStateTest.words(90, 5);
        StringBuilder expected = new StringBuilder();
        int segments = 0;
        for (int i = 0; i < words.size(); i += 3) {
          String seg = String.join(" ", words.subList(i, Math.min(words.size(), i + 3))) + " ";
          expected.append(seg);
          c.sendAudio(FakeSpeech.say(seg), 2 * FakeSpeech.FRAME_BYTES);
          Thread.sleep(150); // commits closer than 100 ms are throttled (the protocol's rule)
          c.commit();
          segments++;
          c.awaitCount("committed_transcript", segments, 60);
        }
        assertEquals(1000, c.closeAndAwait(90), c.texts().toString());
        StringBuilder got = new StringBuilder();
        for (String m : c.ofType("committed_transcript")) {
          got.append(JSON.readTree(m).path("text").asText());
        }
        assertEquals(expected.toString(), got.toString());
        assertEquals(segments, c.ofType("committed_transcript").size(), "no repeat");
        assertTrue(c.ofType("error").isEmpty(), c.texts().toString());
        assertTrue(r.cloud.proxy.cuts() >= 3, "cuts " + r.cloud.proxy.cuts());
      }
    }
  }

  /**
   * The relay's client-facing side resumes by id (docs/stt-resume.md) like any voicewire server:
   * a raw client opts in, loses its connection without a close frame in the middle of a segment,
   * reconnects naming the session and the commit messages it received, sends the audio from the
   * offset the relay reports, and the same upstream session goes on: every segment committed
   * once, in order, nothing lost.
   */
  @Test
  void aRelayedSttSessionIsResumedByIdAfterTheClientsConnectionIsLost() throws Exception {
    try (Relay r = new Relay(5)) {
      String base = "ws://127.0.0.1:" + r.port + "/v1/speech-to-text/realtime?"
          + io.voicewire.protocol.SttParams.toQuery(FakeSttPeer.request(false));
      byte[] one = FakeSpeech.say("alpha bravo charlie ");
      byte[] two = FakeSpeech.say("delta echo foxtrot ");
      byte[] three = FakeSpeech.say("golf hotel india ");
      int frame = 2 * FakeSpeech.FRAME_BYTES;
      String id;
      int received;
      List<String> firstCommits;
      try (RawScribeClient a = RawScribeClient.open(base + "&voicewire_resumable=true", null)) {
        a.awaitCount("session_started", 1, 30);
        var started = JSON.readTree(a.ofType("session_started").get(0));
        id = started.path("session_id").asText();
        assertEquals(false, started.path("voicewire_resume").path("resumed").asBoolean(true));
        a.sendAudio(one, frame);
        Thread.sleep(150);
        a.commit();
        a.awaitCount("committed_transcript", 1, 60);
        a.sendAudio(two, frame);
        firstCommits = a.ofType("committed_transcript");
        received = firstCommits.size() + a.ofType("committed_transcript_with_timestamps").size();
      } // abort(): no close frame, the relay parks the session
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
      while (!r.relay.metrics().contains("voicewire_stt_sessions_parked 1.0")) {
        assertTrue(System.nanoTime() < deadline, "the relay parked nothing");
        Thread.sleep(20);
      }
      try (RawScribeClient b = RawScribeClient.open(base + "&voicewire_resume_session=" + id
          + "&voicewire_commits_received=" + received, null)) {
        b.awaitCount("session_started", 1, 30);
        var started = JSON.readTree(b.ofType("session_started").get(0));
        assertEquals(id, started.path("session_id").asText());
        var resume = started.path("voicewire_resume");
        assertTrue(resume.path("resumed").asBoolean(), started.toString());
        long offset = resume.path("audio_bytes_received").asLong() - one.length;
        assertTrue(offset >= 0 && offset <= two.length, "offset " + offset);
        b.sendAudio(java.util.Arrays.copyOfRange(two, (int) offset, two.length), frame);
        Thread.sleep(150);
        b.commit();
        b.awaitCount("committed_transcript", 1, 60);
        b.sendAudio(three, frame);
        Thread.sleep(150);
        b.commit();
        b.awaitCount("committed_transcript", 2, 60);
        assertEquals(1000, b.closeAndAwait(30), b.texts().toString());
        StringBuilder got = new StringBuilder();
        for (String m : firstCommits) {
          got.append(JSON.readTree(m).path("text").asText());
        }
        for (String m : b.ofType("committed_transcript")) {
          got.append(JSON.readTree(m).path("text").asText());
        }
        assertEquals("alpha bravo charlie delta echo foxtrot golf hotel india ", got.toString());
        assertEquals(2, b.ofType("committed_transcript").size(), "no repeat");
      }
      assertTrue(r.relay.metrics().contains(
          "voicewire_stt_resume_sessions_total{event=\"resumed\"} 1.0"));
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();
}
