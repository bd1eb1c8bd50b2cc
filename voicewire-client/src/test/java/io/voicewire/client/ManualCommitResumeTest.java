package io.voicewire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.client.internal.FakeSpeech;
import io.voicewire.client.internal.FakeSttPeer;
import io.voicewire.server.Limits;
import io.voicewire.speech.Transcript;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tier (c): with manual commits the user's commit boundaries are exactly what the user gets —
 * one committed transcript per {@code commit()}, ending where it was called, with the words said
 * since the previous one: no extra segment, no lost segment, no duplicate. Through a real server
 * on the deterministic coded engine, with real sockets:
 *
 * <ul>
 *   <li>a server that throttles commits closer than its interval (longer than the SDK's pacing),
 *       so the SDK receives {@code commit_throttled} for a commit that is not its oldest
 *       unanswered one;
 *   <li>a proxy that cuts every connection 0.6–1.8 s after its upgrade, so replays grow longer
 *       than {@code FORCED_COMMIT_REPLAY_MILLIS} and the SDK forces commits of its own.
 * </ul>
 */
@Timeout(180)
class ManualCommitResumeTest {
  static final ReconnectPolicy POLICY = new ReconnectPolicy(20, Duration.ofMillis(5),
      Duration.ofMillis(100), 2.0, 0.5, Duration.ofSeconds(2));

  record Segment(String text, byte[] pcm) {}

  /** {@code words} words, each followed by two silent frames (a pause between words). */
  static List<Segment> segments(int count, int words, long seed) {
    List<String> all = SttStreamStateTest.words(count * words, seed);
    List<Segment> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      StringBuilder text = new StringBuilder();
      ByteArrayOutputStream pcm = new ByteArrayOutputStream();
      for (String w : all.subList(i * words, (i + 1) * words)) {
        text.append(w).append(' ');
        pcm.writeBytes(FakeSpeech.say(w + " "));
        pcm.writeBytes(FakeSpeech.silence(2));
      }
      out.add(new Segment(text.toString(), pcm.toByteArray()));
    }
    return out;
  }

  /**
   * Sends each segment at {@code speed} times real time and commits after it; asserts that the
   * committed transcripts are the segments, one each, ending where each commit was made.
   */
  static StreamMetrics runAndAudit(VoiceClient client, List<Segment> segs, int speed)
      throws Exception {
    RecordingSttListener l = new RecordingSttListener();
    SttStream s = client.newSttStream(FakeSttPeer.request(false), l);
    List<Long> ends = new ArrayList<>();
    long sent = 0;
    for (Segment seg : segs) {
      int step = FakeSpeech.FRAME_BYTES * 5;
      for (int i = 0; i < seg.pcm().length; i += step) {
        int n = Math.min(step, seg.pcm().length - i);
        while (!s.sendAudio(seg.pcm(), i, n)) {
          Thread.sleep(10); // the network is behind: offer it again
        }
        sent += n;
        Thread.sleep(Math.max(1, 100 / speed));
      }
      assertTrue(s.commit());
      ends.add(sent / FakeSpeech.FORMAT.bytesForMillis(1));
    }
    s.end();
    l.await(120).assertClosed();
    String report = s.metrics() + "; commits " + l.commits;
    assertEquals(segs.size(), l.commits.size(), "one committed transcript per commit: " + report);
    for (int i = 0; i < segs.size(); i++) {
      Transcript t = l.commits.get(i);
      assertEquals(segs.get(i).text(), t.text(), "segment " + i + ": " + report);
      assertEquals(ends.get(i), t.audioEndMs(), "segment " + i + " end: " + report);
      assertEquals(i == 0 ? 0 : ends.get(i - 1), t.audioStartMs(),
          "segment " + i + " start: " + report);
    }
    return s.metrics();
  }

  @Test
  void aThrottledCommitNeitherMergesNorDropsASegment() throws Exception {
    // the server throttles commits closer than 400 ms; the user commits every ~250 ms
    try (ServerHarness h = new ServerHarness(new CodedSpeechProvider(12, 0), 11,
            c -> c.limits(Limits.DEFAULTS.toBuilder()
                .minCommitInterval(Duration.ofMillis(400)).build()));
        VoiceClient client = VoiceClient.builder().baseUrl(h.proxy.baseUrl())
            .reconnectPolicy(POLICY).random(new Random(2)).build()) {
      runAndAudit(client, segments(12, 2, 5), 4);
    }
  }

  /**
   * The same through sessions the server keeps: the cuts are resumed by id (no forced commit
   * unless a commit in flight at a cut made a new session), and the user's segments come out
   * exactly as with the fallback.
   */
  @Test
  void resumedSessionsKeepTheUsersSegmentsWithoutForcedCommits() throws Exception {
    try (ServerHarness h = new ServerHarness(new CodedSpeechProvider(12, 0), 12);
        VoiceClient client = VoiceClient.builder().baseUrl(h.proxy.baseUrl())
            .reconnectPolicy(POLICY).random(new Random(3)).build()) {
      h.proxy.cutAfterUpgradeBetween(Duration.ofMillis(600), Duration.ofMillis(1800));
      StreamMetrics m = runAndAudit(client, segments(6, 22, 6), 4);
      assertTrue(h.proxy.cuts() >= 3, "cuts: " + h.proxy.cuts() + " " + m);
      assertTrue(m.resumesSucceeded() > 0, m.toString());
      if (m.resumesFellBack() == 0) { // a commit in flight at a cut makes a new session
        assertEquals(0, m.forcedCommits(), m.toString());
      }
    }
  }

  /**
   * The fallback path: a server that parks nothing (grace 0) makes every resume by id fall back
   * to a new session and the replay from the last commit, with forced commits in long replays.
   */
  @Test
  void forcedCommitsInAReplayStayInsideTheUsersSegment() throws Exception {
    try (ServerHarness h = new ServerHarness(new CodedSpeechProvider(12, 0), 12,
            c -> c.limits(Limits.DEFAULTS.toBuilder().sttResumeGrace(Duration.ZERO).build()));
        VoiceClient client = VoiceClient.builder().baseUrl(h.proxy.baseUrl())
            .reconnectPolicy(POLICY).random(new Random(3)).build()) {
      h.proxy.cutAfterUpgradeBetween(Duration.ofMillis(600), Duration.ofMillis(1800));
      // segments of ~14 s of audio (80 words of ~180 ms), sent at 4x real time: each lasts
      // ~3.6 s of wall time, twice the longest connection (1.8 s), so some connection lives and is
      // cut inside a segment with no commit answered; it lived >= 0.6 s, so the next replay holds
      // >= 2.4 s of audio, past FORCED_COMMIT_REPLAY_MILLIS, on a fast machine as on a slow one
      StreamMetrics m = runAndAudit(client, segments(3, 80, 6), 4);
      assertTrue(h.proxy.cuts() >= 3, "cuts: " + h.proxy.cuts() + " " + m);
      assertTrue(m.forcedCommits() > 0, "no replay was long enough to force a commit: " + m);
      assertEquals(m.resumesAttempted(), m.resumesFellBack(), "nothing was parked: " + m);
    }
  }
}
