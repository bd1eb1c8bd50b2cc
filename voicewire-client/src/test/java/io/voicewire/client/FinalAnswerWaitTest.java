package io.voicewire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.client.internal.FakeSpeech;
import io.voicewire.client.internal.FakeSttPeer;
import io.voicewire.client.internal.stream.RealSttStream;
import io.voicewire.speech.CommitStrategy;
import io.voicewire.speech.SpeechProvider;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.SttSession;
import io.voicewire.speech.VadParams;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SDK's VAD end heuristic ({@code FinalAnswerWait}): when the answer to the final commit
 * does not come, the stream finishes once the server has been quiet — but only after the server
 * has read that commit. A server applying uplink back-pressure (its engine's queue is full) holds
 * a chunk and stops reading the socket; its quiet then means "busy", not "done". Through a real
 * server on the coded engine, real sockets; the engine stalls on purpose (it refuses audio, so
 * the server stops reading) or swallows our commit, so the verdicts do not depend on the
 * machine's speed.
 */
@Timeout(120)
class FinalAnswerWaitTest {
  /** Longer than {@link RealSttStream#FINAL_ANSWER_QUIET_MILLIS}: the old heuristic fired. */
  static final long STALL_MILLIS = RealSttStream.FINAL_ANSWER_QUIET_MILLIS + 3_000;
  static final String FIRST = "alpha bravo ";
  static final String SECOND = "charlie delta ";
  /**
   * Silence after each segment, frames: the coded engine VAD-commits after
   * {@link FakeSttPeer#VAD_SILENT_FRAMES}, and the SDK tells a VAD commit from the answer to its
   * own commit by the words ending at least {@link #VAD}'s silence threshold before it.
   */
  static final int SILENT_FRAMES = 20;
  static final VadParams VAD = new VadParams(0.3, 0.4, 100, 100);
  /** The audio before {@link #SECOND}: the first segment and the silence that VAD-commits it. */
  static final long SECOND_AT_MS = (FIRST.length() + SILENT_FRAMES) * (long) FakeSpeech.FRAME_MS;

  @Test
  void aServerThatStopsReadingAfterTheFinalCommitDoesNotEndTheStreamEarly() throws Exception {
    Engine e = new Engine();
    e.stallAtMs = SECOND_AT_MS; // the first segment is committed; the second waits unread
    try (ServerHarness h = new ServerHarness(e.provider(), 5);
        VoiceClient client = VoiceClient.builder().baseUrl(h.directUrl()).build()) {
      RecordingSttListener l = speak(client);
      l.await(90).assertClosed();
      assertEquals(1, e.stalls.get(), "the engine stalled once");
      // before: the first segment's commit, then STALL_MILLIS of quiet with the final commit
      // unread in the socket, and the stream closed with the first segment only
      assertEquals(FIRST + SECOND, l.committedText(), "committed text");
    }
  }

  @Test
  void aServerHoldingTheUplinkLongerThanTwoPingIntervalsKeepsTheConnection() throws Exception {
    // the client's pings wait unread behind the held audio, nothing else arrives and our writes
    // are done: before, the heartbeat took the busy server for a dead one after two intervals
    // and reconnected (ScaleOutIT: 48 times in one stream, each replaying into a slower engine);
    // now the server sends an unsolicited pong every SttSocket.HELD_PONG_MILLIS (1 s) meanwhile
    Engine e = new Engine();
    e.stallAtMs = SECOND_AT_MS;
    Duration ping = Duration.ofMillis(STALL_MILLIS / 3);
    try (ServerHarness h = new ServerHarness(e.provider(), 8);
        VoiceClient client = VoiceClient.builder().baseUrl(h.directUrl()).pingInterval(ping)
            .build()) {
      RecordingSttListener l = new RecordingSttListener();
      SttStream s = speak(client, l);
      l.await(90).assertClosed();
      assertEquals(1, e.stalls.get(), "the engine stalled once");
      assertEquals(0, s.metrics().reconnects(), "reconnects: " + l.statuses);
      assertEquals(FIRST + SECOND, l.committedText(), "committed text");
    }
  }

  @Test
  void aServerThatReadTheFinalCommitAndAnswersNothingStillEndsTheStream() throws Exception {
    Engine e = new Engine();
    e.swallowCommits = true; // the VAD commits both segments; our final commit gets no answer
    try (ServerHarness h = new ServerHarness(e.provider(), 6);
        VoiceClient client = VoiceClient.builder().baseUrl(h.directUrl()).build()) {
      RecordingSttListener l = speak(client);
      l.await(90).assertClosed(); // closed, not failed by the finish timeout
      assertTrue(e.swallowed.get() >= 1, "the engine got our final commit");
      assertEquals(FIRST + SECOND, l.committedText(), "committed text");
    }
  }

  @Test
  void aServerThatIsGoneStillEndsTheStream() throws Exception {
    Engine e = new Engine();
    e.stallAtMs = SECOND_AT_MS;
    ReconnectPolicy brief = new ReconnectPolicy(3, Duration.ofMillis(50), Duration.ofMillis(200),
        2.0, 0.5, Duration.ofSeconds(2), Duration.ofSeconds(5));
    try (ServerHarness h = new ServerHarness(e.provider(), 7);
        VoiceClient client = VoiceClient.builder().baseUrl(h.proxy.baseUrl())
            .reconnectPolicy(brief).build()) {
      RecordingSttListener l = speak(client);
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (e.stalls.get() == 0 && System.nanoTime() < until) {
        Thread.sleep(10);
      }
      assertEquals(1, e.stalls.get(), "the engine stalled");
      while (l.commits.isEmpty() && System.nanoTime() < until) {
        Thread.sleep(10); // the first segment's VAD commit, sent before the stall
      }
      h.proxy.refuseNext(1_000);
      h.proxy.cutAll(); // the server is unreachable from now on, its answer never comes
      l.await(90);
      assertNotNull(l.failure, "the stream ends with an error, not as if complete: "
          + l.committedText());
      assertEquals(FIRST, l.committedText(), "nothing but what the server committed");
      l.assertExhausted();
    }
  }

  /** Two segments of coded speech, each followed by enough silence to be VAD-committed; end. */
  static RecordingSttListener speak(VoiceClient client) {
    RecordingSttListener l = new RecordingSttListener();
    speak(client, l);
    return l;
  }

  static SttStream speak(VoiceClient client, RecordingSttListener l) {
    SttStream s = client.newSttStream(SttRequest.builder().audioFormat(FakeSpeech.FORMAT)
        .commitStrategy(CommitStrategy.VAD).vad(VAD).build(), l);
    for (String seg : new String[] {FIRST, SECOND}) {
      SttStreamStateTest.send(s, FakeSpeech.say(seg), 5);
      SttStreamStateTest.send(s, FakeSpeech.silence(SILENT_FRAMES), 5);
    }
    s.end();
    return s;
  }

  /**
   * The coded engine; its STT sessions stall once ({@link #STALL_MILLIS}, refusing audio, so the
   * server holds the chunk and stops reading the socket) when {@link #stallAtMs} of audio has
   * arrived, and may swallow commits (take them, answer nothing). Thread safe.
   */
  static final class Engine {
    final CodedSpeechProvider coded = new CodedSpeechProvider(12, 0);
    volatile long stallAtMs = Long.MAX_VALUE;
    volatile boolean swallowCommits;
    final AtomicLong stallUntilNanos = new AtomicLong();
    final AtomicInteger stalls = new AtomicInteger();
    final AtomicInteger swallowed = new AtomicInteger();

    SpeechProvider provider() {
      return proxy(SpeechProvider.class, (m, args) -> {
        Object r = call(m, coded, args);
        return m.getName().equals("openStt") ? session((SttSession) r) : r;
      });
    }

    private SttSession session(SttSession s) {
      return proxy(SttSession.class, (m, args) -> switch (m.getName()) {
        case "sendAudio", "sendAudioFrame" -> stalled(s) ? false : call(m, s, args);
        case "commit", "commitIfSpeech" -> {
          if (swallowCommits) {
            swallowed.incrementAndGet();
            yield true;
          }
          yield call(m, s, args);
        }
        default -> call(m, s, args);
      });
    }

    /** Whether a chunk offered now is refused: the stall starts at {@link #stallAtMs}. */
    private boolean stalled(SttSession s) {
      long now = System.nanoTime();
      if (s.audioReceivedMs() >= stallAtMs
          && stallUntilNanos.compareAndSet(0, now + STALL_MILLIS * 1_000_000L)) {
        stalls.incrementAndGet();
      }
      long until = stallUntilNanos.get();
      return until != 0 && now < until;
    }
  }

  interface Call {
    Object apply(Method m, Object[] args) throws Exception;
  }

  static <T> T proxy(Class<T> type, Call body) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        (p, m, args) -> body.apply(m, args)));
  }

  static Object call(Method m, Object target, Object[] args) throws Exception {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    }
  }
}
