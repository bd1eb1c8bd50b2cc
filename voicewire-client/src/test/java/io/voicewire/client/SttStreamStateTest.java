package io.voicewire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.client.internal.FakeSpeech;
import io.voicewire.client.internal.FakeSttPeer;
import io.voicewire.client.internal.transport.InMemoryConnector;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.Transcript;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tier (b): the STT stream's state machine and resume against an in-memory scripted server. */
@Timeout(60)
class SttStreamStateTest {
  static final ReconnectPolicy FAST = new ReconnectPolicy(12, Duration.ofMillis(1),
      Duration.ofMillis(20), 2.0, 0.5, Duration.ofSeconds(5));

  final FakeSttPeer.World world = new FakeSttPeer.World();
  final InMemoryConnector connector = new InMemoryConnector(n -> new FakeSttPeer(world));
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

  static List<String> words(int n, long seed) {
    Random r = new Random(seed);
    String[] w = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"};
    java.util.ArrayList<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(w[r.nextInt(w.length)] + i);
    }
    return out;
  }

  /** Waits (at most 10 s) until {@code count} reaches {@code n}; the caller asserts it. */
  static void awaitAtLeast(java.util.function.IntSupplier count, int n)
      throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (count.getAsInt() < n && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  /** Sends {@code audio} in chunks of {@code frames} frames. */
  static void send(SttStream s, byte[] audio, int frames) {
    int step = frames * FakeSpeech.FRAME_BYTES;
    for (int i = 0; i < audio.length; i += step) {
      int n = Math.min(step, audio.length - i);
      assertTrue(s.sendAudio(audio, i, n));
    }
  }

  @Test
  void transcribesWithManualCommits() throws Exception {
    RecordingSttListener l = new RecordingSttListener();
    SttStream s = client().newSttStream(FakeSttPeer.request(false), l);
    send(s, FakeSpeech.say("hello world "), 3);
    assertTrue(s.commit());
    send(s, FakeSpeech.say("second part "), 4);
    assertTrue(s.end());
    l.await(10).assertClosed();
    assertEquals("hello world second part ", l.committedText());
    assertEquals(2, l.commits.size());
    Transcript first = l.commits.get(0);
    assertEquals(0, first.audioStartMs());
    assertEquals(12 * FakeSpeech.FRAME_MS, first.audioEndMs());
    assertEquals(first.audioEndMs(), l.commits.get(1).audioStartMs());
    assertTrue(first.words().isEmpty(), "timestamps were not asked for: stripped");
    assertFalse(l.partials.isEmpty());
    assertEquals(List.of("s1"), l.started);
    assertEquals(24 * FakeSpeech.FRAME_MS, s.audioSentMs());
  }

  @Test
  void randomDropsLoseNoAudioAndRepeatNoCommit() throws Exception {
    for (boolean vad : new boolean[] {false, true}) {
      Random r = new Random(vad ? 11 : 12);
      world.dropAfterMessages = () -> 2 + r.nextInt(12);
      RecordingSttListener l = new RecordingSttListener();
      SttStream s = client == null ? client().newSttStream(FakeSttPeer.request(vad), l)
          : client.newSttStream(FakeSttPeer.request(vad), l);
      List<String> words = words(120, 5);
      StringBuilder expected = new StringBuilder();
      for (int i = 0; i < words.size(); i += 3) {
        String seg = String.join(" ", words.subList(i, Math.min(words.size(), i + 3))) + " ";
        expected.append(seg);
        send(s, FakeSpeech.say(seg), 2 + r.nextInt(5));
        if (vad) {
          send(s, FakeSpeech.silence(FakeSttPeer.VAD_SILENT_FRAMES + 2), 4);
        } else {
          assertTrue(s.commit());
        }
        Thread.sleep(r.nextInt(3));
      }
      s.end();
      l.await(30).assertClosed();
      StreamMetrics m = s.metrics();
      assertEquals(expected.toString(), l.committedText(), "vad=" + vad + " " + m);
      assertTrue(m.reconnects() > 5, m.toString());
      assertTrue(m.replayedAudioMillis() > 0, m.toString());
      long prevEnd = 0;
      for (Transcript t : l.commits) {
        assertTrue(t.audioStartMs() >= prevEnd, "commits in order on the audio timeline");
        prevEnd = t.audioEndMs();
      }
      assertTrue(world.violations.isEmpty(), world.violations.toString());
    }
  }

  @Test
  void duplicatedCommitsFromTheServerAreDropped() throws Exception {
    for (boolean vad : new boolean[] {false, true}) {
      world.duplicateCommits = true;
      RecordingSttListener l = new RecordingSttListener();
      SttStream s = (client == null ? client() : client)
          .newSttStream(FakeSttPeer.request(vad), l);
      send(s, FakeSpeech.say("one two "), 3);
      if (vad) {
        send(s, FakeSpeech.silence(FakeSttPeer.VAD_SILENT_FRAMES + 1), 3);
      } else {
        s.commit();
      }
      send(s, FakeSpeech.say("three "), 3);
      s.end();
      l.await(10).assertClosed();
      assertEquals("one two three ", l.committedText(), "vad=" + vad);
      assertTrue(s.metrics().duplicateCommitsDropped() >= 1, s.metrics().toString());
    }
  }

  @Test
  void wordTimesAreShiftedOntoTheStreamTimelineAcrossSessions() throws Exception {
    int[] n = {0};
    world.dropAfterMessages = () -> n[0]++ == 0 ? 6 : -1;
    RecordingSttListener l = new RecordingSttListener();
    SttStream s = client().newSttStream(FakeSttPeer.request(false).toBuilder()
        .includeTimestamps(true).build(), l);
    l.awaitStarted(10);
    send(s, FakeSpeech.say("ab cd "), 2);
    s.commit();
    send(s, FakeSpeech.say("ef gh "), 2); // the drop happens in here
    s.end();
    l.await(10).assertClosed();
    assertEquals("ab cd ef gh ", l.committedText());
    Transcript second = l.commits.get(1);
    assertEquals("ef", second.words().get(0).text());
    assertEquals(0.12, second.words().get(0).start(), 1e-9, "6 frames in, across the seam");
    assertEquals(2, world.sessions.get());
  }

  @Test
  void previousTextOnlyOnTheFirstChunkOfEachSession() throws Exception {
    int[] n = {0};
    world.dropAfterMessages = () -> n[0]++ == 0 ? 5 : -1;
    RecordingSttListener l = new RecordingSttListener();
    SttStream s = client().newSttStream(FakeSttPeer.request(false).toBuilder()
        .previousText("context before").build(), l);
    send(s, FakeSpeech.say("xy "), 1);
    s.commit();
    Thread.sleep(100);
    send(s, FakeSpeech.say("zw "), 1);
    s.end();
    l.await(10).assertClosed();
    assertEquals("xy zw ", l.committedText());
    assertEquals(List.of("context before", "xy "), world.previousTexts);
    assertTrue(world.violations.isEmpty(), world.violations.toString());
  }

  @Test
  void keepAlivesWhileNoAudioIsSent() throws Exception {
    RecordingSttListener l = new RecordingSttListener();
    SttStream s = client(VoiceClient.builder().baseUrl("http://test.invalid")
        .sttKeepAlive(Duration.ofMillis(200))).newSttStream(FakeSttPeer.request(false), l);
    // counted, not timed: three keep-alives come while nothing is sent (bounded wait)
    awaitAtLeast(world.keepAlives::get, 3);
    assertTrue(world.keepAlives.get() >= 3, "keep-alives " + world.keepAlives.get());
    s.cancel();
    l.await(10);
    l.assertExhausted();
  }

  @Test
  void overflowOfTheReplayRingIsCountedAndReported() throws Exception {
    int[] n = {0};
    world.dropAfterMessages = () -> n[0]++ == 0 ? 30 : -1;
    RecordingSttListener l = new RecordingSttListener();
    SttStream s = client(VoiceClient.builder().baseUrl("http://test.invalid")
        .reconnectPolicy(FAST).sttReplayLimit(Duration.ofMillis(200)))
        .newSttStream(FakeSttPeer.request(false), l);
    l.awaitStarted(10);
    send(s, FakeSpeech.say("a long segment with no commit at all "), 1);
    s.end();
    l.await(10).assertClosed();
    assertTrue(s.metrics().replayOverflowMillis() > 0, s.metrics().toString());
    assertTrue(l.statuses.stream().anyMatch(x -> x.message().contains("fell out of the full "
        + "replay ring")), l.statuses + " connections=" + connector.connections() + " "
        + s.metrics());
    assertTrue(l.committedText().endsWith("at all "), l.committedText());
  }

  @Test
  void nonRetryableErrorsFailAndAcceptTheOldNames() throws Exception {
    world.errorType = "quota_exceeded_error";
    RecordingSttListener l = new RecordingSttListener();
    SttStream s = client().newSttStream(FakeSttPeer.request(false), l);
    s.sendAudio(FakeSpeech.say("x"));
    l.await(10);
    assertEquals(ErrorCode.QUOTA_EXCEEDED, l.failure.code());
    assertEquals(1, connector.connections());
    l.assertExhausted();
  }

  @Test
  void aServerWithoutTimestampsStillGetsItsCommitsPlaced() throws Exception {
    world.noTimestamps = true;
    RecordingSttListener l = new RecordingSttListener();
    SttStream s = client().newSttStream(FakeSttPeer.request(false), l);
    send(s, FakeSpeech.say("no times "), 3);
    s.commit();
    send(s, FakeSpeech.say("here "), 3);
    s.end();
    l.await(10).assertClosed();
    assertEquals("no times here ", l.committedText());
    assertEquals(9 * FakeSpeech.FRAME_MS, l.commits.get(0).audioEndMs());
  }

  @Test
  void argumentsAreValidatedAtTheBoundary() throws Exception {
    RecordingSttListener l = new RecordingSttListener();
    SttStream s = client().newSttStream(FakeSttPeer.request(false), l);
    assertEquals("audio length must be a whole number of 2-byte frames: 3",
        assertThrows(IllegalArgumentException.class, () -> s.sendAudio(new byte[3]))
            .getMessage());
    assertEquals("audio == null",
        assertThrows(NullPointerException.class, () -> s.sendAudio(null)).getMessage());
    s.cancel();
    assertFalse(s.sendAudio(new byte[2]));
    assertFalse(s.commit());
    assertFalse(s.end());
    l.await(10);
    l.assertExhausted();
  }

  @Test
  void connectionsThatTakeAudioNeverExhaustTheAttemptsButNoAcceptedAudioGivesUp()
      throws Exception {
    world.dropAfterMessages = () -> 1; // every session takes one message, then the network drops
    RecordingSttListener l = new RecordingSttListener();
    SttStream s = client(VoiceClient.builder().baseUrl("http://test.invalid").apiKey("k")
        .reconnectPolicy(FAST.withMaxAttempts(2).withGiveUpAfter(Duration.ofMillis(1500))))
        .newSttStream(FakeSttPeer.request(false), l);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (l.failure == null && System.nanoTime() < deadline) {
      s.sendAudio(FakeSpeech.silence(1));
      Thread.sleep(10);
    }
    l.await(5);
    assertTrue(world.sessions.get() > 4, "sessions: " + world.sessions.get());
    assertTrue(l.failure.message().startsWith("gave up after ")
        && l.failure.message().contains("ms of reconnecting without any input accepted"),
        l.failure.message());
  }

  @Test
  void theFullReplayRingSaysWhatItDrops() throws Exception {
    List<long[]> drops = new java.util.concurrent.CopyOnWriteArrayList<>();
    RecordingSttListener l = new RecordingSttListener() {
      @Override
      public void onReplayDropped(long droppedMillis, long totalDroppedMillis) {
        drops.add(new long[] {droppedMillis, totalDroppedMillis});
      }
    };
    SttStream s = client(VoiceClient.builder().baseUrl("http://test.invalid").apiKey("k")
        .reconnectPolicy(FAST).sttReplayLimit(Duration.ofMillis(100)))
        .newSttStream(FakeSttPeer.request(false), l);
    for (int i = 0; i < 15; i++) {
      assertTrue(s.sendAudio(FakeSpeech.silence(1))); // 20 ms each, never committed
    }
    assertTrue(s.end());
    l.await(10);
    assertEquals(200, s.metrics().replayOverflowMillis());
    assertTrue(!drops.isEmpty(), "no event");
    assertEquals(200, drops.get(drops.size() - 1)[1]);
    assertEquals(200, drops.stream().mapToLong(d -> d[0]).sum());
  }
}
