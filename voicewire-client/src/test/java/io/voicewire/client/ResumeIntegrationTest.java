package io.voicewire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.client.internal.FakeSpeech;
import io.voicewire.client.internal.FakeSttPeer;
import io.voicewire.client.internal.FakeVoice;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.TtsRequest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tier (c): the SDK against a real voicewire server on loopback, through a fault-injecting proxy
 * that cuts connections at random byte offsets. The engine behind the server renders text as
 * auditable PCM, so "every character voiced exactly once" and "no audio lost, no commit repeated"
 * are checked exactly.
 */
@Timeout(120)
class ResumeIntegrationTest {
  static final ReconnectPolicy POLICY = new ReconnectPolicy(20, Duration.ofMillis(5),
      Duration.ofMillis(100), 2.0, 0.5, Duration.ofSeconds(2));
  static final int CUTS = 8;

  static TtsRequest tts() {
    return TtsRequest.builder(CodedSpeechProvider.VOICE).autoMode(true)
        .outputFormat(FakeVoice.FORMAT).build();
  }

  /** The transport under test; {@link JettyResumeIntegrationTest} runs every test on Jetty. */
  VoiceClient.Transport transport() {
    return VoiceClient.Transport.JDK;
  }

  VoiceClient.Builder client(FaultProxy proxy) {
    return VoiceClient.builder().baseUrl(proxy.baseUrl()).reconnectPolicy(POLICY)
        .random(new Random(1)).pingInterval(Duration.ofSeconds(2)).transport(transport());
  }

  @Test
  void ttsVoicesEveryCharacterExactlyOnceAcrossRandomCuts() throws Exception {
    try (ServerHarness h = new ServerHarness(new CodedSpeechProvider(12, 1), 101);
        VoiceClient client = client(h.proxy).build()) {
      h.proxy.cutDownstreamBetween(20_000, 150_000, CUTS);
      RecordingTtsListener l = new RecordingTtsListener();
      TtsStream s = client.newTtsStream(tts(), l);
      String text = TtsStreamStateTest.longText(3000, 21);
      for (int i = 0; i < text.length(); i += 60) {
        assertTrue(s.send(text.substring(i, Math.min(text.length(), i + 60))));
      }
      s.end();
      l.await(90).assertCompleted();
      assertEquals(text.stripTrailing(), l.alignmentText().stripTrailing(), "alignment audit");
      assertEquals(text.stripTrailing(), FakeVoice.decode(l.audio).stripTrailing(), "audio audit");
      assertEquals(CUTS, h.proxy.cuts());
      StreamMetrics m = s.metrics();
      assertEquals(CUTS, m.reconnects(), m.toString());
      assertTrue(m.seams() >= 1 && m.droppedAudioBytes() > 0, m.toString());
      assertTrue(m.timeToFirstAudioMicros().count() >= 1, m.toString());
    }
  }

  @Test
  void sttLosesNoAudioAndRepeatsNoCommitAcrossRandomCuts() throws Exception {
    for (boolean vad : new boolean[] {false, true}) {
      try (ServerHarness h = new ServerHarness(new CodedSpeechProvider(12, 0), vad ? 7 : 8);
          VoiceClient client = client(h.proxy).build()) {
        h.proxy.cutUpstreamBetween(20_000, 120_000, CUTS);
        RecordingSttListener l = new RecordingSttListener();
        SttStream s = client.newSttStream(FakeSttPeer.request(vad), l);
        List<String> words = SttStreamStateTest.words(150, vad ? 1 : 2);
        StringBuilder expected = new StringBuilder();
        Random r = new Random(3);
        for (int i = 0; i < words.size(); i += 3) {
          String seg = String.join(" ", words.subList(i, Math.min(words.size(), i + 3))) + " ";
          expected.append(seg);
          SttStreamStateTest.send(s, FakeSpeech.say(seg), 5);
          if (vad) {
            SttStreamStateTest.send(s, FakeSpeech.silence(FakeSttPeer.VAD_SILENT_FRAMES + 3), 5);
          } else {
            assertTrue(s.commit());
          }
          Thread.sleep(150 + r.nextInt(50)); // about 4x real time, like a fast live source
        }
        s.end();
        l.await(90).assertClosed();
        assertEquals(expected.toString(), l.committedText(), "vad=" + vad + " " + s.metrics()
            + " " + l.statuses);
        assertEquals(CUTS, h.proxy.cuts(), "vad=" + vad);
        assertTrue(s.metrics().replayedAudioMillis() > 0, s.metrics().toString());
      }
    }
  }

  @Test
  void keepAlivesKeepAnIdleStreamPastTheInactivityTimeout() throws Exception {
    try (ServerHarness h = new ServerHarness(new CodedSpeechProvider(12, 0), 3);
        VoiceClient client = client(h.proxy).ttsInactivityTimeout(Duration.ofSeconds(1))
            .build()) {
      RecordingTtsListener l = new RecordingTtsListener();
      TtsStream s = client.newTtsStream(tts(), l);
      s.send("Before a long pause. ");
      s.flush();
      Thread.sleep(3_000); // three times the server's inactivity timeout
      s.send("After the pause. ");
      s.end();
      l.await(20).assertCompleted();
      assertEquals("Before a long pause. After the pause. ", FakeVoice.decode(l.audio));
      assertEquals(1, h.proxy.connections(), "no drop, no reconnect: " + l.statuses);
    }
  }

  @Test
  void withoutKeepAlivesTheServerTimesTheStreamOut() throws Exception {
    // the control experiment for the test above: the same pause on a raw socket times out
    try (ServerHarness h = new ServerHarness(new CodedSpeechProvider(12, 0), 3)) {
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      java.util.concurrent.CompletableFuture<Integer> closed =
          new java.util.concurrent.CompletableFuture<>();
      java.net.http.WebSocket ws = http.newWebSocketBuilder().buildAsync(
          java.net.URI.create("ws://127.0.0.1:" + h.port + "/v1/text-to-speech/"
              + CodedSpeechProvider.VOICE + "/stream-input?inactivity_timeout=1"),
          new java.net.http.WebSocket.Listener() {
            @Override
            public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket w,
                int code, String reason) {
              closed.complete(code);
              return null;
            }
          }).get(5, java.util.concurrent.TimeUnit.SECONDS);
      ws.sendText("{\"text\":\" \"}", true);
      assertEquals(1008, closed.get(10, java.util.concurrent.TimeUnit.SECONDS));
    }
  }

  @Test
  void authErrorsAreNotRetried() throws Exception {
    try (ServerHarness h = new ServerHarness(new CodedSpeechProvider(12, 0), 4,
        c -> c.apiKeys(List.of("the-right-key")));
        VoiceClient client = client(h.proxy).apiKey("a-wrong-key").build()) {
      RecordingTtsListener l = new RecordingTtsListener();
      client.newTtsStream(tts(), l).send("Hello. ");
      l.await(20);
      assertEquals(ErrorCode.AUTH_ERROR, l.failure.code(), l.failure.toString());
      RecordingSttListener sl = new RecordingSttListener();
      client.newSttStream(SttRequest.builder().build(), sl);
      sl.await(20);
      assertEquals(ErrorCode.AUTH_ERROR, sl.failure.code(), sl.failure.toString());
      Thread.sleep(300);
      // the SDK never retried (the TCP count may include the JDK's own handshake retry)
      assertTrue(l.statuses.stream().noneMatch(
          x -> x.state() == ConnectionStatus.State.RECONNECTING), l.statuses.toString());
      assertTrue(sl.statuses.stream().noneMatch(
          x -> x.state() == ConnectionStatus.State.RECONNECTING), sl.statuses.toString());
      l.assertExhausted();
      sl.assertExhausted();
    }
  }

  @Test
  void aFreshSingleUseTokenForEveryReconnect() throws Exception {
    try (ServerHarness h = new ServerHarness(new CodedSpeechProvider(12, 1), 5,
        c -> c.apiKeys(List.of("backend-key")));
        VoiceClient backend = VoiceClient.builder().baseUrl(h.directUrl())
            .apiKey("backend-key").build()) {
      AtomicInteger minted = new AtomicInteger();
      try (VoiceClient browserLike = client(h.proxy).tokenSupplier(type -> {
        minted.incrementAndGet();
        return backend.mintToken(type);
      }).build()) {
        h.proxy.cutDownstreamBetween(20_000, 80_000, 3);
        RecordingTtsListener l = new RecordingTtsListener();
        TtsStream s = browserLike.newTtsStream(tts(), l);
        String text = TtsStreamStateTest.longText(1200, 4);
        s.send(text);
        s.end();
        l.await(60).assertCompleted();
        assertEquals(text.stripTrailing(), FakeVoice.decode(l.audio).stripTrailing());
        assertEquals(h.proxy.connections(), minted.get());
        assertEquals(4, minted.get());
      }
    }
  }

  @Test
  void aMissedPongFailsTheConnectionAndTheStreamResumes() throws Exception {
    try (ServerHarness h = new ServerHarness(new CodedSpeechProvider(12, 5), 6);
        VoiceClient client = client(h.proxy).pingInterval(Duration.ofMillis(200)).build()) {
      RecordingTtsListener l = new RecordingTtsListener();
      TtsStream s = client.newTtsStream(tts(), l);
      String text = TtsStreamStateTest.longText(1500, 5);
      s.send(text);
      s.end();
      Thread.sleep(300);
      h.proxy.stall(Duration.ofMillis(1200));
      l.await(60).assertCompleted();
      assertEquals(text.stripTrailing(), FakeVoice.decode(l.audio).stripTrailing());
      assertTrue(l.statuses.stream().anyMatch(x -> x.message().contains(
          "didn't receive pong within 200ms")), l.statuses.toString());
      assertTrue(s.metrics().roundTripMicros().count() > 0);
    }
  }

  @Test
  void closingTheClientFailsItsOpenStreamsWithOneTerminalEvent() throws Exception {
    try (ServerHarness h = new ServerHarness(new CodedSpeechProvider(12, 20), 10)) {
      VoiceClient client = client(h.proxy).build();
      RecordingTtsListener l = new RecordingTtsListener();
      RecordingSttListener sl = new RecordingSttListener();
      TtsStream s = client.newTtsStream(tts(), l);
      client.newSttStream(FakeSttPeer.request(false), sl);
      s.send(TtsStreamStateTest.longText(2000, 1));
      sl.awaitStarted(10);
      client.close();
      l.await(20);
      sl.await(20);
      Thread.sleep(100);
      l.assertExhausted();
      sl.assertExhausted();
      assertTrue(l.failure != null, "the TTS stream failed");
      assertTrue(sl.failure != null, "the STT stream failed");
      assertTrue(assertThrowsIse(() -> client.newTtsStream(tts(), new RecordingTtsListener())));
    }
  }

  private static boolean assertThrowsIse(Runnable r) {
    try {
      r.run();
      return false;
    } catch (IllegalStateException e) {
      return e.getMessage().equals("VoiceClient is closed");
    }
  }

  @Test
  void aCutDuringTheCloseHandshakeDoesNotHurtACompletedStream() throws Exception {
    try (ServerHarness h = new ServerHarness(new CodedSpeechProvider(12, 0), 7);
        VoiceClient client = client(h.proxy).build()) {
      h.proxy.cutOnCloseFrame(true);
      RecordingTtsListener l = new RecordingTtsListener();
      TtsStream s = client.newTtsStream(tts(), l);
      s.send("Short and sweet. ");
      s.end();
      l.await(20).assertCompleted();
      assertEquals("Short and sweet. ", FakeVoice.decode(l.audio));
      // a reset can also discard the isFinal before it was read: the stream then resumes, and
      // still delivers every character once
      assertTrue(h.proxy.cuts() >= 1, "the close frame was cut: " + l.statuses);
      assertNull(l.failure);
    }
  }

  @Test
  void theContextPoolNeverTripsTheServersLimit() throws Exception {
    try (ServerHarness h = new ServerHarness(new CodedSpeechProvider(12, 2), 8);
        VoiceClient client = client(h.proxy).build()) {
      RecordingTtsListener socket = new RecordingTtsListener();
      MultiContextTts m = client.newMultiContextTts(tts(), new MultiContextTts.Listener() {
        @Override
        public void onFailure(io.voicewire.speech.SpeechError error) {
          socket.onFailure(error);
        }
      });
      List<MultiContextStateTest.Ctx> ls = new java.util.ArrayList<>();
      for (int i = 0; i < 15; i++) {
        MultiContextStateTest.Ctx l = new MultiContextStateTest.Ctx();
        ls.add(l);
        int n = i;
        m.openContext("turn" + i, l).thenAccept(c -> {
          c.send("Turn number " + n + " is talking now. ");
          if (n % 3 == 0) {
            c.cancel(); // barge-in
          } else {
            c.close();
          }
        });
      }
      for (int i = 0; i < 15; i++) {
        ls.get(i).await();
        assertNull(ls.get(i).failure, "turn " + i);
        if (i % 3 != 0) {
          assertEquals("Turn number " + i + " is talking now. ",
              FakeVoice.decode(ls.get(i).audio));
        }
      }
      assertNull(socket.failure, "no 1008 from the server");
      assertTrue(((io.voicewire.client.internal.stream.RealMultiContextTts) m).maxContextsInUse() <= 5);
      assertEquals(1, h.proxy.connections());
      assertTrue(m.end());
    }
  }

  @Test
  void aSlowListenerSlowsTheSocketInsteadOfFailingIt() throws Exception {
    try (ServerHarness h = new ServerHarness(new CodedSpeechProvider(12, 0), 9);
        VoiceClient client = client(h.proxy).pingInterval(Duration.ofMillis(100)).build()) {
      RecordingTtsListener l = new RecordingTtsListener() {
        @Override
        public void onAudio(io.voicewire.speech.TtsAudio a) {
          super.onAudio(a);
          try {
            Thread.sleep(3); // a consumer slower than the socket
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      };
      TtsStream s = client.newTtsStream(tts(), l);
      String text = TtsStreamStateTest.longText(1000, 8);
      s.send(text);
      s.end();
      l.await(60).assertCompleted();
      assertEquals(text, FakeVoice.decode(l.audio));
      assertEquals(0, s.metrics().reconnects(), "no ping timeout while the reader was paused");
    }
  }
}
