package io.voicewire.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.voicewire.client.CodedSpeechProvider;
import io.voicewire.client.ForwardingSttProvider;
import io.voicewire.client.LateSttProvider;
import io.voicewire.server.VoicewireServer;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.SpeechProvider;
import io.voicewire.speech.SttListener;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.SttSession;
import io.voicewire.speech.Transcript;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The browser client's manual commits at parity with the Java SDK's ({@code ResumeAtCommitTest}):
 * {@code SttSocket} in headless Chromium dictates coded speech segment by segment, with
 * {@code commit()} after each, to a real voicewire server whose engine answers
 * {@link #ANSWER_DELAY_MILLIS} late ({@code stt-commits.mjs}). Through a proxy that resets every
 * WebSocket connection 0.6–1.8 s after its upgrade, cuts fall between commits and their answers
 * and some commits are made while the socket reconnects: the committed segments equal the uncut
 * run's, one per commit (none repeated, none merged, none split), every cut is bridged by
 * resuming the server session, and no forced commit is made. On a server whose engine refuses
 * once with {@code resource_exhausted} in the middle of a long segment, the reconnect replays it
 * into a new session without forced commits (the server's error is no network cut).
 */
@Tag("slow")
@Timeout(180)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserSttCommitsTest {
  /** How late the engine answers: longer than the shortest connection. */
  static final long ANSWER_DELAY_MILLIS = 900;
  /** The exhausting engine refuses its first session once it holds this much audio. */
  static final long EXHAUST_AFTER_MILLIS = 3_000;
  static final int SEGMENTS = 9;
  static final int WORDS = 5;

  private final List<VoicewireServer> servers = new ArrayList<>();
  private NodeScripts.Run run;
  private List<String> segments;
  private List<String> longSegments;

  @BeforeAll
  void runThePage() throws Exception {
    VoicewireServer late = start(new LateSttProvider(new CodedSpeechProvider(12, 0),
        ANSWER_DELAY_MILLIS));
    VoicewireServer exhausting = start(new ExhaustingOnce(new LateSttProvider(
        new CodedSpeechProvider(12, 0), ANSWER_DELAY_MILLIS)));
    Random r = new Random(9);
    segments = segments(r, SEGMENTS, WORDS);
    longSegments = segments(r, 1, 30); // about 5 s: the refusal comes mid-segment
    longSegments.addAll(segments(r, 1, WORDS));
    ObjectMapper json = new ObjectMapper();
    run = NodeScripts.node("src/test/js/browser/stt-commits.mjs", List.of(
        "http://127.0.0.1:" + late.port(), "http://127.0.0.1:" + exhausting.port(),
        json.writeValueAsString(segments), json.writeValueAsString(longSegments)), Map.of(), 150);
    NodeScripts.keep(run, "stt-commits.out");
    run.assertSucceeded();
  }

  private VoicewireServer start(SpeechProvider provider) throws Exception {
    VoicewireServer s = VoicewireServer.create(c -> c.provider(provider));
    s.start(0);
    servers.add(s);
    return s;
  }

  @AfterAll
  void stop() {
    servers.forEach(VoicewireServer::close);
  }

  /** {@code count} segments of {@code words} lower-case words, seeded. */
  static List<String> segments(Random r, int count, int words) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      StringBuilder sb = new StringBuilder();
      for (int w = 0; w < words; w++) {
        int len = 3 + r.nextInt(4);
        for (int c = 0; c < len; c++) {
          sb.append((char) ('a' + r.nextInt(26)));
        }
        sb.append(' ');
      }
      out.add(sb.toString().trim());
    }
    return out;
  }

  @Test
  void manualCommitsThroughACuttingNetworkAreTheUncutRunsOnceEach() {
    JsonNode uncut = run.result("uncut");
    JsonNode cut = run.result("cut");
    JsonNode m = cut.path("metrics");
    String report = String.format("%d cuts, %d commits while reconnecting; resumes %d of %d "
            + "attempts, %d fallbacks, %d forced commits, %d duplicates dropped; feed %.0f ms, "
            + "drain %.0f ms%n uncut: %s%n cut:   %s%n metrics %s", cut.path("cuts").asInt(),
        cut.path("whileReconnecting").asInt(), m.path("resumes").asInt(),
        m.path("resumeAttempts").asInt(), m.path("resumeFallbacks").asInt(),
        m.path("forcedCommits").asInt(), m.path("duplicatesDropped").asInt(),
        cut.path("feedMs").asDouble(), cut.path("drainMs").asDouble(), uncut.path("commits"),
        cut.path("commits"), m);
    System.out.println("manual commits through cuts in Chromium: " + report);
    assertEquals(segments.toString(), texts(uncut).toString(), "uncut: " + uncut);
    assertEquals("closed", uncut.path("end").path("state").asText(), uncut.toString());
    assertEquals(texts(uncut), texts(cut), "one committed segment per commit, as uncut: " + report);
    assertEquals("closed", cut.path("end").path("state").asText(), report);
    assertTrue(cut.path("cuts").asInt() >= 4, "too few cuts: " + report);
    assertTrue(cut.path("whileReconnecting").asInt() >= 1, "no commit made while reconnecting: "
        + report);
    assertTrue(m.path("resumes").asInt() >= 4, report);
    assertEquals(0, m.path("forcedCommits").asInt(), "no forced commit in a resumed session: "
        + report);
    assertEquals("[]", run.result("errors").path("errors").toString(), "browser errors");
  }

  @Test
  void theServersResourceExhaustedIsNoCutNoForcedCommit() {
    JsonNode ex = run.result("exhausted");
    JsonNode m = ex.path("metrics");
    String report = ex.toString();
    assertTrue(ex.path("errors").toString().contains("resource_exhausted"),
        "the engine refused: " + report);
    assertTrue(ex.path("seams").asInt() >= 1, "a new session replayed the segment: " + report);
    assertEquals(0, m.path("forcedCommits").asInt(), "forced commits after the server's error: "
        + report);
    assertEquals(0, ex.path("seamForcedCommits").asInt(), report);
    assertEquals(longSegments.toString(), texts(ex).toString(), report);
    assertEquals("closed", ex.path("end").path("state").asText(), report);
  }

  private static List<String> texts(JsonNode r) {
    List<String> out = new ArrayList<>();
    r.path("commits").forEach(c -> out.add(c.asText()));
    return out;
  }

  /**
   * An engine whose first STT session fails with {@code resource_exhausted} (its capacity taken)
   * once it holds {@link #EXHAUST_AFTER_MILLIS} of audio; later sessions work.
   */
  static final class ExhaustingOnce extends ForwardingSttProvider {
    private final AtomicBoolean refused = new AtomicBoolean();

    ExhaustingOnce(SpeechProvider inner) {
      super(inner);
    }

    @Override
    public SttSession openStt(SttRequest request, SttListener listener) {
      if (refused.get()) {
        return inner.openStt(request, listener);
      }
      AtomicBoolean failed = new AtomicBoolean();
      SttSession s = inner.openStt(request, new SttListener() {
        @Override
        public void onStarted(String sessionId) {
          listener.onStarted(sessionId);
        }

        @Override
        public void onPartial(Transcript partial) {
          if (!failed.get()) {
            listener.onPartial(partial);
          }
        }

        @Override
        public void onCommitted(Transcript committed) {
          if (!failed.get()) {
            listener.onCommitted(committed);
          }
        }

        @Override
        public void onClosed() {
          if (!failed.get()) {
            listener.onClosed();
          }
        }

        @Override
        public void onFailure(SpeechError error) {
          if (!failed.get()) {
            listener.onFailure(error);
          }
        }
      });
      AtomicLong bytes = new AtomicLong();
      return new SttSession() {
        @Override
        public SttRequest request() {
          return s.request();
        }

        @Override
        public boolean sendAudio(byte[] audio) {
          if (bytes.addAndGet(audio.length) >= EXHAUST_AFTER_MILLIS * 32
              && refused.compareAndSet(false, true) && failed.compareAndSet(false, true)) {
            CompletableFuture.runAsync(() -> listener.onFailure(new SpeechError(
                ErrorCode.RESOURCE_EXHAUSTED, "the engine's capacity is taken")));
            s.cancel();
            return true;
          }
          return !failed.get() && s.sendAudio(audio);
        }

        @Override
        public boolean commit() {
          return !failed.get() && s.commit();
        }

        @Override
        public long audioReceivedMs() {
          return s.audioReceivedMs();
        }

        @Override
        public void close() {
          s.close();
        }

        @Override
        public void cancel() {
          s.cancel();
        }
      };
    }
  }
}
