package io.voicewire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The soak's finding (docs/soak.md: resumed STT sessions lost the words "a test" of one clip):
 * with manual commits, a connection cut after the user's commit was sent and before its answer
 * came (a slow engine answers seconds later) left the SDK unable to tell whether the server had
 * that commit, so it gave the parked session up and replayed the segment into a new one, with
 * forced commits of its own (the last connection was short): a forced commit inside speech,
 * at the same place of the same clip each time, where the offline engine lost two words.
 *
 * <p>Through a real server on the coded engine, whose answers come {@link #ANSWER_DELAY_MILLIS}
 * late, and a proxy that cuts every connection 0.6–1.8 s after its upgrade: the server now says
 * in the resumed {@code session_started} how many commit requests it took
 * ({@code commit_requests_received}), so every resume continues the session: no new session, no
 * forced commit, and the user's segments come out exactly.
 */
@Timeout(180)
class ResumeAtCommitTest {
  /** How late the engine's events come: longer than the shortest connection. */
  static final long ANSWER_DELAY_MILLIS = 900;

  @Test
  void aCutBetweenACommitAndItsAnswerResumesTheSession() throws Exception {
    try (ServerHarness h = new ServerHarness(
        new LateSttProvider(new CodedSpeechProvider(12, 0), ANSWER_DELAY_MILLIS), 21);
        VoiceClient client = VoiceClient.builder().baseUrl(h.proxy.baseUrl())
            .reconnectPolicy(ManualCommitResumeTest.POLICY).random(new Random(4)).build()) {
      h.proxy.cutAfterUpgradeBetween(Duration.ofMillis(600), Duration.ofMillis(1800));
      // 8 segments of ~1.2 s (6 words), sent at real time: a commit every ~1.2 s, each
      // answered ~0.9 s later, so cuts fall between commits and their answers
      StreamMetrics m = ManualCommitResumeTest.runAndAudit(client,
          ManualCommitResumeTest.segments(8, 6, 9), 1);
      assertTrue(h.proxy.cuts() >= 4, "cuts: " + h.proxy.cuts() + " " + m);
      assertTrue(m.resumesSucceeded() >= 4, m.toString());
      assertEquals(0, m.resumesFellBack(), "every resume continues the session: " + m);
      assertEquals(0, m.forcedCommits(), "no forced commit in a resumed session: " + m);
      assertEquals(0, m.seams(), "no replay into a new session: " + m);
    }
  }
}
