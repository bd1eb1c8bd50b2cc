package io.voicewire.engine.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.voicewire.speech.CommitPolicy;
import io.voicewire.speech.CommitStrategy;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.VadParams;
import io.voicewire.speech.SttSession;
import io.voicewire.speech.Transcript;
import io.voicewire.testing.HumanSpeech;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The same audio gives the same committed words and boundaries however it is delivered: paced in
 * 100 ms chunks (a live client), all at once in 250 ms chunks (a client's replay after a
 * reconnect into a lagging engine), in odd 37 ms chunks, and while other streams with other
 * keyterms decode on the same model copies. Clients rely on it: a replay into a new session must
 * give the uninterrupted session's text. Human speech: Debian's {@code pocketsphinx-testdata}.
 */
@Tag("slow")
@Timeout(300)
class LocalSttDeterminismTest {
  private static final int BYTES_PER_MS = 32;
  /** A manual commit in the middle of the first sentence, one in the pause after the second. */
  private static final int MID_SPEECH_COMMIT_MS = 3_000;
  /** The VAD commit of the server's ScaleOutIT. */
  private static final SttRequest VAD = SttRequest.builder().commitStrategy(CommitStrategy.VAD)
      .vad(new VadParams(0.5, 0.4, 100, 100)).build();
  /** Mid-speech in the fourth sentence of {@code HumanSpeech.first(20_000)}. */
  private static final int STALL_AT_MS = 20_000;
  /** Longer than the engine's pass idle time (2 s) and its idle check's period (0.5 s). */
  private static final int STALL_MILLIS = 2_700;

  /** One committed transcript: its text and its bounds in session audio time. */
  private record Commit(String text, long startMs, long endMs) {}

  @Test
  @Tag("acceptance") // ~60 s of decoding (six runs of the clip): -Pacceptance; the default suite
  // keeps the two tests below, the pause one being the regression test of the idle-pass fix
  void deliveryAndConcurrencyDoNotChangeTheWords() throws Exception {
    assumeTrue(HumanSpeech.available(), "pocketsphinx-testdata is not installed");
    LocalSpeechProvider p = SharedEngine.get();
    byte[] a = SttCostProbe.lv("0870").pcm();
    byte[] b = SttCostProbe.lv("0880").pcm();
    byte[] c = SttCostProbe.lv("0890").pcm();
    byte[] clip = SpeechClips.concat(a, SpeechClips.silence(400), b, SpeechClips.silence(400), c,
        SpeechClips.silence(300));
    int[] commitsAt = {MID_SPEECH_COMMIT_MS * BYTES_PER_MS,
        a.length + b.length + 600 * BYTES_PER_MS};

    List<Commit> burst100 = run(p, SttRequest.builder().build(), clip, 100, false, commitsAt);
    List<Commit> paced100 = run(p, SttRequest.builder().build(), clip, 100, true, commitsAt);
    List<Commit> burst250 = run(p, SttRequest.builder().build(), clip, 250, false, commitsAt);
    List<Commit> burst37 = run(p, SttRequest.builder().build(), clip, 37, false, commitsAt);

    // two other streams with keyterms that change these words decode at the same time: with two
    // model copies, each pass of the stream under test shares a copy with one of them
    SttRequest biased = SttRequest.builder().keyterms(List.of("been at", "an", "prudently"))
        .build();
    List<Thread> others = new ArrayList<>();
    List<List<Commit>> otherResults = new ArrayList<>(); // read after the threads' join
    for (int i = 0; i < 2; i++) {
      List<Commit> out = new ArrayList<>();
      otherResults.add(out);
      others.add(inBackground(() -> run(p, biased, clip, 100, false, commitsAt), out));
    }
    List<Commit> concurrent = run(p, SttRequest.builder().build(), clip, 100, false, commitsAt);
    for (Thread t : others) {
      t.join(TimeUnit.SECONDS.toMillis(240));
    }

    System.err.println("burst 100 ms: " + burst100);
    System.err.println("paced 100 ms: " + paced100);
    System.err.println("burst 250 ms: " + burst250);
    System.err.println("burst  37 ms: " + burst37);
    System.err.println("concurrent  : " + concurrent);
    System.err.println("keyterms    : " + otherResults);
    assertEquals(3, paced100.size(), "three commits: " + paced100);
    assertTrue(!paced100.get(0).text().isBlank(), "no words: " + paced100);
    assertEquals(paced100, burst100, "burst replay in 100 ms chunks");
    assertEquals(paced100, burst250, "burst replay in 250 ms chunks");
    assertEquals(paced100, burst37, "burst replay in 37 ms chunks");
    assertEquals(paced100, concurrent, "with other keyterm streams decoding");
    // the premise: the other streams' keyterms did change their own words
    for (List<Commit> other : otherResults) {
      assertEquals(3, other.size(), "a keyterm stream's commits: " + other);
      assertNotEquals(text(paced100), text(other), "keyterms changed nothing");
    }
  }

  @Test
  void vadCommitsDoNotDependOnTheChunking() throws Exception {
    assumeTrue(HumanSpeech.available(), "pocketsphinx-testdata is not installed");
    LocalSpeechProvider p = SharedEngine.get();
    byte[] clip = HumanSpeech.first(20_000).pcm16k(); // the audio of the server's ScaleOutIT
    List<Commit> c100 = runVad(p, VAD, clip, 100, -1);
    List<Commit> c250 = runVad(p, VAD, clip, 250, -1);
    List<Commit> c37 = runVad(p, VAD, clip, 37, -1);
    System.err.println("vad 100 ms: " + c100);
    System.err.println("vad 250 ms: " + c250);
    System.err.println("vad  37 ms: " + c37);
    assertEquals(text(c100), text(c250), "250 ms chunks");
    assertEquals(text(c100), text(c37), "37 ms chunks");
    // a VAD commit ends its segment at the end of the chunk in which the speech ended
    // (CommitPolicy), so the boundaries move with the chunking, by less than a chunk
    assertEquals(c100.size(), c250.size(), "segments");
    assertEquals(c100.size(), c37.size(), "segments");
    for (int i = 0; i < c100.size(); i++) {
      assertTrue(Math.abs(c100.get(i).endMs() - c250.get(i).endMs()) < 250, "boundary " + i);
      assertTrue(Math.abs(c100.get(i).endMs() - c37.get(i).endMs()) < 100, "boundary " + i);
    }
  }

  /**
   * A client that stops sending for longer than the engine's pass idle time while the decoder is
   * still behind (a burst replay into a lagging engine) gets the words of the same audio sent
   * without the pause: the pass is not ended while its decoder has audio left. (Before, the
   * wall-clock idle check ended it mid-speech, and the words around the cut changed: "and mr john
   * dashwood had been at leisure" became "and mr joe and as would have been leisure".)
   */
  @Test
  void aPauseWhileTheDecoderIsBehindDoesNotChangeTheWords() throws Exception {
    assumeTrue(HumanSpeech.available(), "pocketsphinx-testdata is not installed");
    LocalSpeechProvider p = SharedEngine.get();
    byte[] clip = HumanSpeech.first(20_000).pcm16k();
    List<Commit> straight = runVad(p, VAD, clip, 250, -1);
    // two other streams decode at the same time, so that this one's decoder is behind (a
    // lagging engine) when its client pauses
    List<Thread> others = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      others.add(inBackground(() -> runVad(p, VAD, clip, 250, -1), new ArrayList<>()));
    }
    List<Commit> paused;
    try {
      paused = runVad(p, VAD, clip, 250, STALL_AT_MS);
    } finally {
      for (Thread t : others) {
        t.join(TimeUnit.SECONDS.toMillis(240));
      }
    }
    System.err.println("straight: " + straight);
    System.err.println("paused  : " + paused);
    assertEquals(text(straight), text(paused), "a pause of " + STALL_MILLIS + " ms at "
        + STALL_AT_MS + " ms of audio while the decoder was behind");
  }

  /** Runs {@code stream} on a thread of its own; its commits go to {@code out}. */
  private static Thread inBackground(Callable<List<Commit>> stream, List<Commit> out) {
    return Thread.ofPlatform().start(() -> {
      try {
        out.addAll(stream.call());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private static String text(List<Commit> commits) {
    return String.join(" ", commits.stream().map(Commit::text).filter(t -> !t.isBlank())
        .toList());
  }

  /**
   * {@code pcm} through a session under the VAD commit, as the server runs it, in {@code chunkMs}
   * chunks as fast as it takes them; with {@code stallAtMs >= 0}, no audio for {@link
   * #STALL_MILLIS} once that much is sent, a pause that must come while the decoder is behind
   * (else the test is skipped: it cannot show anything on a machine that decodes that fast).
   */
  private static List<Commit> runVad(LocalSpeechProvider p, SttRequest request, byte[] pcm,
      int chunkMs, int stallAtMs) throws InterruptedException {
    RecordingSttListener l = new RecordingSttListener();
    SttSession s = CommitPolicy.apply(p.openStt(request, l));
    try {
      int chunk = chunkMs * BYTES_PER_MS;
      boolean stalled = false;
      for (int i = 0; i < pcm.length; ) {
        int end = Math.min(pcm.length, i + chunk);
        byte[] part = Arrays.copyOfRange(pcm, i, end);
        while (!s.sendAudio(part)) {
          assertEquals(null, l.failure(), "session failed");
          Thread.sleep(5);
        }
        i = end;
        if (stallAtMs >= 0 && !stalled && i >= stallAtMs * BYTES_PER_MS) {
          stalled = true;
          Thread.sleep(STALL_MILLIS);
          long decodedMs = decodedUpTo(l);
          assumeTrue(decodedMs < stallAtMs - 300, "the decoder caught up during the pause ("
              + decodedMs + " ms decoded): nothing to show on this machine");
        }
      }
    } catch (Throwable t) {
      // a skipped or failed run must not leave its session open on the shared engine: the
      // next class's tests count the engine's open sessions (LocalSttCapacityTest)
      s.cancel();
      l.awaitTerminal(60);
      throw t;
    }
    s.close();
    l.awaitTerminal(240);
    List<Commit> out = new ArrayList<>();
    for (Transcript t : l.committed) {
      out.add(new Commit(t.text(), t.audioStartMs(), t.audioEndMs()));
    }
    return out;
  }

  /** How far the decoder has got: the end of the last word of the latest partial or commit. */
  private static long decodedUpTo(RecordingSttListener l) {
    long ms = 0;
    synchronized (l) {
      for (Transcript t : l.partials) {
        ms = Math.max(ms, t.audioEndMs());
      }
    }
    for (Transcript t : l.committed) {
      ms = Math.max(ms, t.audioEndMs());
    }
    return ms;
  }

  /**
   * Feeds {@code pcm} to a new session in {@code chunkMs} chunks (cut at the commit points too),
   * paced to real time or as fast as the session takes them, commits at each of {@code
   * commitsAt} (bytes) and closes; returns the committed transcripts.
   */
  private static List<Commit> run(LocalSpeechProvider p, SttRequest request, byte[] pcm,
      int chunkMs, boolean paced, int[] commitsAt) throws InterruptedException {
    RecordingSttListener l = new RecordingSttListener();
    SttSession s = p.openStt(request, l);
    int chunk = chunkMs * BYTES_PER_MS;
    long t0 = System.nanoTime();
    int next = 0;
    for (int i = 0; i < pcm.length; ) {
      int end = Math.min(pcm.length, i + chunk);
      if (next < commitsAt.length && end >= commitsAt[next]) {
        end = commitsAt[next];
      }
      byte[] part = Arrays.copyOfRange(pcm, i, end);
      while (!s.sendAudio(part)) {
        assertEquals(null, l.failure(), "session failed");
        Thread.sleep(5);
      }
      i = end;
      if (next < commitsAt.length && i == commitsAt[next]) {
        assertTrue(s.commit());
        next++;
      }
      if (paced) {
        long ahead = i / BYTES_PER_MS - (System.nanoTime() - t0) / 1_000_000;
        if (ahead > 0) {
          Thread.sleep(ahead);
        }
      }
    }
    assertTrue(s.commit());
    List<Commit> out = new ArrayList<>();
    for (int k = 0; k <= commitsAt.length; k++) {
      Transcript t = l.nextCommitted(240);
      assertNotNull(t, "commit " + k + " did not come");
      out.add(new Commit(t.text(), t.audioStartMs(), t.audioEndMs()));
    }
    s.close();
    l.awaitTerminal(60);
    return out;
  }
}
