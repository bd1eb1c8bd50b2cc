package io.voicewire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.client.ConnectionStatus.State;
import io.voicewire.client.internal.FakeTtsPeer;
import io.voicewire.client.internal.FakeVoice;
import io.voicewire.client.internal.transport.InMemoryConnector;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.TtsRequest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tier (b): the TTS stream's state machine against an in-memory scripted server. */
@Timeout(60)
class TtsStreamStateTest {
  static final ReconnectPolicy FAST = new ReconnectPolicy(8, Duration.ofMillis(1),
      Duration.ofMillis(20), 2.0, 0.5, Duration.ofSeconds(5));

  final FakeTtsPeer.World world = new FakeTtsPeer.World();
  final InMemoryConnector connector = new InMemoryConnector(n -> new FakeTtsPeer(world, false));
  VoiceClient client;

  VoiceClient client(VoiceClient.Builder b) {
    client = b.connector(connector).random(new Random(0)).pingInterval(Duration.ZERO).build();
    return client;
  }

  VoiceClient client() {
    return client(VoiceClient.builder().baseUrl("http://test.invalid").apiKey("k")
        .reconnectPolicy(FAST));
  }

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
  }

  static TtsRequest request() {
    return TtsRequest.builder("voice1").autoMode(true).outputFormat(FakeVoice.FORMAT).build();
  }

  static String longText(int chars, long seed) {
    Random r = new Random(seed);
    String[] words = {"streaming", "speech", "never", "loses", "a", "word,", "even", "when",
        "the", "network", "drops.", "Resume", "joins", "audio", "at", "a", "sample!"};
    StringBuilder sb = new StringBuilder();
    while (sb.length() < chars) {
      sb.append(words[r.nextInt(words.length)]).append(' ');
    }
    return sb.toString();
  }

  @Test
  void speaksAndCloses() throws Exception {
    RecordingTtsListener l = new RecordingTtsListener();
    TtsStream s = client().newTtsStream(request(), l);
    String text = "Hello there. How are you today? Fine, thanks. ";
    for (int i = 0; i < text.length(); i += 3) {
      assertTrue(s.send(text.substring(i, Math.min(text.length(), i + 3))));
    }
    assertTrue(s.end());
    l.await(10).assertCompleted();
    assertEquals(text, FakeVoice.decode(l.audio));
    assertEquals(text, l.alignmentText());
    assertEquals(List.of(State.CONNECTING, State.OPEN, State.CLOSED), l.states());
    assertEquals(0, s.unvoicedChars());
    assertEquals(1, s.metrics().connections());
  }

  @Test
  void randomDropsVoiceEveryCharacterExactlyOnce() throws Exception {
    Random r = new Random(7);
    world.dropAfterAudio = () -> r.nextInt(6);
    world.charsPerChunk = 11;
    RecordingTtsListener l = new RecordingTtsListener();
    TtsStream s = client(VoiceClient.builder().baseUrl("http://test.invalid").apiKey("k")
        .reconnectPolicy(FAST.withMaxAttempts(50))).newTtsStream(request(), l);
    String text = longText(4000, 1);
    for (int i = 0; i < text.length(); i += 40) {
      assertTrue(s.send(text.substring(i, Math.min(text.length(), i + 40))));
    }
    s.end();
    l.await(30).assertCompleted();
    // trailing whitespace is not re-requested after a drop at the very end (nothing to voice)
    assertEquals(text.stripTrailing(), FakeVoice.decode(l.audio).stripTrailing());
    assertEquals(text.stripTrailing(), l.alignmentText().stripTrailing());
    StreamMetrics m = s.metrics();
    assertTrue(m.reconnects() > 20, m.toString());
    assertTrue(m.seams() > 10, m.toString());
    assertEquals(connector.connections() - 1, m.reconnects());
    assertEquals(0, m.alignmentMismatches());
    assertTrue(l.states().contains(State.RECONNECTING));
  }

  @Test
  void withoutAlignmentADropAfterAudioFailsLoudly() throws Exception {
    world.sendAlignment = false;
    AtomicInteger n = new AtomicInteger();
    world.dropAfterAudio = () -> n.incrementAndGet() == 1 ? 2 : -1;
    RecordingTtsListener l = new RecordingTtsListener();
    TtsStream s = client().newTtsStream(request(), l);
    s.send("Some words that are long enough for several chunks. ");
    s.end();
    l.await(10);
    assertEquals(ErrorCode.ERROR, l.failure.code());
    assertTrue(l.failure.message().startsWith("connection lost and audio was already delivered "
        + "but the server sent audio without alignment"), l.failure.message());
    assertTrue(l.statuses.stream().anyMatch(x -> !x.resumable()), l.statuses.toString());
    l.assertExhausted();
  }

  @Test
  void withoutAlignmentADropBeforeAudioIsRetried() throws Exception {
    world.sendAlignment = false;
    AtomicInteger n = new AtomicInteger();
    world.dropAfterAudio = () -> n.incrementAndGet() == 1 ? 0 : -1;
    RecordingTtsListener l = new RecordingTtsListener();
    TtsStream s = client().newTtsStream(request(), l);
    String text = "Retry is safe before the first audio. ";
    s.send(text);
    s.end();
    l.await(10).assertCompleted();
    assertEquals(text, FakeVoice.decode(l.audio));
    assertEquals(2, connector.connections());
  }

  @Test
  void authErrorsAreNotRetried() throws Exception {
    world.refuseWith = 401;
    RecordingTtsListener l = new RecordingTtsListener();
    client().newTtsStream(request(), l).send("x ");
    l.await(10);
    assertEquals(ErrorCode.AUTH_ERROR, l.failure.code());
    assertEquals("the server refused the credentials (HTTP 401)", l.failure.message());
    Thread.sleep(100);
    assertEquals(1, connector.connections());
    l.assertExhausted();
    assertEquals(State.FAILED, l.statuses.get(l.statuses.size() - 1).state());
  }

  @Test
  void givesUpLoudlyAfterRepeatedQuickFailures() throws Exception {
    world.refuseWith = 503;
    RecordingTtsListener l = new RecordingTtsListener();
    client(VoiceClient.builder().baseUrl("http://test.invalid")
        .reconnectPolicy(FAST.withMaxAttempts(3))).newTtsStream(request(), l);
    l.await(10);
    assertEquals("gave up after 3 reconnect attempts in a row without progress; last error: "
        + "the server failed the handshake (HTTP 503)", l.failure.message());
    assertEquals(4, connector.connections());
    long reconnecting = l.statuses.stream().filter(x -> x.state() == State.RECONNECTING).count();
    assertEquals(3, reconnecting);
    assertEquals(1, l.statuses.stream().filter(x -> x.state() == State.RECONNECTING)
        .findFirst().orElseThrow().attempt());
  }

  @Test
  void retryableServerErrorsReconnectOthersFail() throws Exception {
    AtomicInteger conn = new AtomicInteger();
    InMemoryConnector c = new InMemoryConnector(n -> (end, text) -> {
      if (conn.incrementAndGet() == 1) {
        end.send("{\"message\":\"timeout\",\"error\":\"input_timeout_exceeded\",\"code\":1008}");
        end.close(1008, "timeout");
      } else {
        end.send("{\"message\":\"bad key\",\"error\":\"auth_error\",\"code\":1008}");
        end.close(1008, "auth");
      }
    });
    RecordingTtsListener l = new RecordingTtsListener();
    VoiceClient vc = VoiceClient.builder().baseUrl("http://test.invalid").reconnectPolicy(FAST)
        .connector(c).pingInterval(Duration.ZERO).build();
    try {
      vc.newTtsStream(request(), l).send("x ");
      l.await(10);
      assertEquals(ErrorCode.AUTH_ERROR, l.failure.code());
      assertEquals(2, c.connections());
    } finally {
      vc.close();
    }
  }

  @Test
  void serviceRestartReconnectsAtOnceWithoutBackoff() throws Exception {
    AtomicInteger conn = new AtomicInteger();
    InMemoryConnector c = new InMemoryConnector(n -> (end, text) -> {
      if (conn.incrementAndGet() == 1) {
        end.close(1012, "Service restart");
      } else {
        end.send("{\"message\":\"bad key\",\"error\":\"auth_error\",\"code\":1008}");
        end.close(1008, "auth");
      }
    });
    RecordingTtsListener l = new RecordingTtsListener();
    // a backoff of 10 s: only a reconnect without backoff finishes within the wait below
    VoiceClient vc = VoiceClient.builder().baseUrl("http://test.invalid")
        .reconnectPolicy(FAST.withDelays(Duration.ofSeconds(10), Duration.ofSeconds(10)))
        .connector(c).pingInterval(Duration.ZERO).build();
    try {
      vc.newTtsStream(request(), l).send("x ");
      l.await(5);
      assertEquals(ErrorCode.AUTH_ERROR, l.failure.code(), l.statuses.toString());
      assertEquals(2, c.connections());
      assertTrue(l.statuses.stream().anyMatch(x -> x.state() == State.RECONNECTING
          && x.retryDelay().isZero()), l.statuses.toString());
    } finally {
      vc.close();
    }
  }

  @Test
  void aDeterministicServerFailureIsNotRetried() throws Exception {
    InMemoryConnector c = new InMemoryConnector(n -> (end, text) -> {
      end.send("{\"message\":\"synthesis failed: NoClassDefFoundError\",\"error\":\"error\","
          + "\"code\":1011}");
      end.close(1011, "synthesis failed");
    });
    RecordingTtsListener l = new RecordingTtsListener();
    VoiceClient vc = VoiceClient.builder().baseUrl("http://test.invalid").reconnectPolicy(FAST)
        .connector(c).pingInterval(Duration.ZERO).build();
    try {
      vc.newTtsStream(request(), l).send("The API returned HTTP 500 from NASA. ");
      l.await(5);
      assertEquals(ErrorCode.ERROR, l.failure.code());
      assertEquals(1, c.connections(), "retried: " + l.statuses);
    } finally {
      vc.close();
    }
  }

  @Test
  void wrongStateCallsReturnFalse() throws Exception {
    RecordingTtsListener l = new RecordingTtsListener();
    TtsStream s = client().newTtsStream(request(), l);
    assertTrue(s.send("a "));
    assertTrue(s.end());
    assertFalse(s.end());
    assertFalse(s.send("b "));
    assertFalse(s.flush());
    l.await(10).assertCompleted();
    s.cancel();
    s.close();
    Thread.sleep(50);
    l.assertExhausted();
  }

  @Test
  void cancelClosesOnceWithoutCompleting() throws Exception {
    RecordingTtsListener l = new RecordingTtsListener();
    TtsStream s = client().newTtsStream(request(), l);
    s.send("some text ");
    s.cancel();
    s.cancel();
    l.await(10);
    Thread.sleep(50);
    assertEquals(false, l.complete);
    assertNull(l.failure);
    l.assertExhausted();
    assertFalse(s.send("more "));
  }

  @Test
  void keepAlivesKeepAnIdleStreamAlive() throws Exception {
    RecordingTtsListener l = new RecordingTtsListener();
    TtsStream s = client(VoiceClient.builder().baseUrl("http://test.invalid")
        .ttsInactivityTimeout(Duration.ofSeconds(1))).newTtsStream(request(), l);
    s.send("Before the pause. ");
    // counted, not timed: the pause lasts until two keep-alives went out (bounded wait)
    SttStreamStateTest.awaitAtLeast(world.keepAlives::get, 2);
    assertTrue(world.keepAlives.get() >= 2, "keep-alives: " + world.keepAlives.get());
    assertTrue(world.received.contains("{\"text\":\" \"}"), world.received.toString());
    s.send("After the pause. ");
    s.end();
    l.await(10).assertCompleted();
    assertEquals("Before the pause. After the pause. ", FakeVoice.decode(l.audio));
  }

  @Test
  void aFreshTokenForEveryConnection() throws Exception {
    Random r = new Random(3);
    world.dropAfterAudio = () -> 1 + r.nextInt(3);
    List<String> tokens = new CopyOnWriteArrayList<>();
    List<java.net.URI> uris = new CopyOnWriteArrayList<>();
    AtomicInteger n = new AtomicInteger();
    InMemoryConnector c = new InMemoryConnector(k -> new FakeTtsPeer(world, false) {
      @Override
      public int onHandshake(java.net.URI uri, java.util.Map<String, String> headers) {
        uris.add(uri);
        return super.onHandshake(uri, headers);
      }
    });
    VoiceClient vc = VoiceClient.builder().baseUrl("http://test.invalid").reconnectPolicy(FAST)
        .tokenSupplier(type -> {
          String t = type.wireName() + "-" + n.incrementAndGet();
          tokens.add(t);
          return t;
        }).connector(c).pingInterval(Duration.ZERO).build();
    try {
      RecordingTtsListener l = new RecordingTtsListener();
      TtsStream s = vc.newTtsStream(request(), l);
      String text = longText(300, 2);
      s.send(text);
      s.end();
      l.await(10).assertCompleted();
      assertEquals(text.stripTrailing(), FakeVoice.decode(l.audio).stripTrailing());
      assertTrue(uris.size() > 2);
      assertEquals(uris.size(), tokens.size());
      for (int i = 0; i < uris.size(); i++) {
        assertEquals(tokens.get(i), FakeTtsPeer.query(uris.get(i)).get("single_use_token"));
      }
      assertTrue(tokens.get(0).startsWith("tts_websocket-"));
    } finally {
      vc.close();
    }
  }

  @Test
  void theBlockingStyleIteratesUntilTheEnd() throws Exception {
    TtsAudioQueue q = new TtsAudioQueue();
    try (TtsStream s = client().newTtsStream(request(), q)) {
      s.send("Iterate me. ");
      s.end();
      StringBuilder sb = new StringBuilder();
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      for (var chunk : q) {
        out.writeBytes(chunk.audio());
        sb.append(chunk.alignment().text());
      }
      assertEquals("Iterate me. ", FakeVoice.decode(out.toByteArray()));
      assertTrue(q.isComplete());
    }
  }
}
