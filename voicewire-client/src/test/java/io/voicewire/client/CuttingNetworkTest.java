package io.voicewire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.audio.AudioFormat;
import io.voicewire.testing.HumanSpeech;
import io.voicewire.engine.local.LocalSpeechProvider;
import io.voicewire.testing.WordErrorRate;
import io.voicewire.speech.CommitStrategy;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.Transcript;
import io.voicewire.speech.VadParams;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Tier (c), the "any network" bar: a real voicewire server on the offline engine behind
 * a proxy that resets every WebSocket connection 0.6–1.8 s after its upgrade (seeded), and the
 * SDK with its default reconnect policy.
 *
 * <ul>
 *   <li>STT: at least 60 s of recorded human speech (Debian's pocketsphinx-testdata) gives a
 *       committed transcript whose WER is within {@link #MAX_WER_POINTS} points of the uncut run,
 *       with no committed transcript repeated (their audio spans never overlap), and the stream
 *       never gives up although no connection lives long enough for an utterance: the server
 *       session outlives each cut and the stream re-attaches to it by id (the voicewire
 *       extension, docs/stt-resume.md), sending only the audio the server never received;
 *   <li>TTS: every character of a long text is voiced exactly once (alignment audit).
 * </ul>
 */
@Tag("slow")
@Timeout(900)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CuttingNetworkTest {
  static final Duration CUT_MIN = Duration.ofMillis(600);
  static final Duration CUT_MAX = Duration.ofMillis(1800);
  /** How much worse the cut run's WER may be, in percentage points. */
  static final double MAX_WER_POINTS = 5.0;
  /** Audio per {@code sendAudio}, ms. */
  static final int CHUNK_MILLIS = 100;
  /** Through the cuts, audio is sent in real time (a live source). */
  static final int SPEED = 1;
  /**
   * The uncut reference run is sent at this speed too: faster, a loaded machine's engine falls
   * more than its 20 s session queue behind and the "uncut" run resumes.
   */
  static final int UNCUT_SPEED = 1;
  /**
   * At least 60 s of speech (issue #9's bar; the held-out clips are 45 s, so they start again):
   * 40 cuts or more.
   */
  static final long SPEECH_MILLIS = 60_000;

  /** The harness of the test running: {@link #harness(boolean)}. */
  ServerHarness h;
  /** Each loaded on first use: the TTS test needs no recognizer, only the STT test does. */
  private ServerHarness speechOnly;
  private ServerHarness withStt;

  /**
   * The server on an engine with the recognizer ({@code stt}) or with the voices only (which
   * loads faster), loaded on first use; it becomes {@link #h}.
   */
  ServerHarness harness(boolean stt) throws Exception {
    ServerHarness have = stt ? withStt : speechOnly;
    if (have == null) {
      LocalSpeechProvider engine = stt ? LocalSpeechProvider.create()
          : LocalSpeechProvider.builder().sttDecoders(0).build();
      assertTrue(engine.awaitReady(400, TimeUnit.SECONDS), "engine not ready");
      have = new ServerHarness(engine, 20261203);
      if (stt) {
        withStt = have;
      } else {
        speechOnly = have;
      }
    }
    h = have;
    return have;
  }

  @AfterAll
  void stop() {
    for (ServerHarness x : new ServerHarness[] {speechOnly, withStt}) {
      if (x != null) {
        x.close();
      }
    }
  }

  VoiceClient client() {
    return VoiceClient.builder().baseUrl(h.proxy.baseUrl()).reconnectPolicy(ReconnectPolicy.DEFAULT)
        .random(new Random(9)).pingInterval(Duration.ofSeconds(2)).build();
  }

  record Run(List<Transcript> commits, StreamMetrics metrics) {
    String text() {
      return commits.stream().map(Transcript::text).collect(Collectors.joining(" "));
    }
  }

  Run transcribe(HumanSpeech.Speech speech, int speed) throws Exception {
    try (VoiceClient client = client()) {
      RecordingSttListener l = new RecordingSttListener();
      SttStream s = client.newSttStream(SttRequest.builder()
          .commitStrategy(CommitStrategy.VAD).vad(new VadParams(0.5, 0.4, 100, 100)).build(), l);
      byte[] pcm = speech.pcm16k();
      int step = AudioFormat.PCM_16000.bytesForMillis(CHUNK_MILLIS);
      long t0 = System.nanoTime();
      for (int i = 0; i < pcm.length; ) {
        int n = Math.min(step, pcm.length - i);
        if (l.failure != null) {
          break;
        }
        if (s.sendAudio(pcm, i, n)) {
          i += n;
        }
        long due = t0 + TimeUnit.MILLISECONDS.toNanos((long) i / 32 / speed);
        long wait = due - System.nanoTime();
        Thread.sleep(Math.max(5, wait / 1_000_000)); // paced; a refused chunk is offered again
      }
      s.end();
      l.await(300);
      assertNull(l.failure, () -> "the stream failed: " + l.failure + "; " + s.metrics());
      l.assertClosed();
      return new Run(List.copyOf(l.commits), s.metrics());
    }
  }

  /**
   * Acceptance test of issue #9 (docs/robustness.md): each real-time run takes about as long as
   * the speech (90 s), so 4–10 minutes with the engine's warm-up. Met on a quiet machine (WER
   * 30.7 % uncut and cut, the same text, 62 cuts); on the shared build box (load 17–30) the
   * offline engine falls behind real time even without cuts (its server closes with 1013; WER
   * 67.7 % uncut, 82.3 % cut), so it keeps its tag and runs with {@code -Pacceptance}.
   */
  @Test
  @Tag("acceptance")
  void transcriptSurvivesACuttingNetwork() throws Exception {
    harness(true);
    HumanSpeech.Speech speech = HumanSpeech.atLeast(SPEECH_MILLIS);
    assertTrue(speech.millis() >= SPEECH_MILLIS, "speech: " + speech.millis() + " ms");
    h.proxy.noCuts();
    Run uncut = transcribe(speech, UNCUT_SPEED);
    int before = h.proxy.cuts();
    h.proxy.cutAfterUpgradeBetween(CUT_MIN, CUT_MAX);
    Run cut;
    try {
      cut = transcribe(speech, SPEED);
    } finally {
      h.proxy.noCuts();
    }
    double werUncut = 100 * WordErrorRate.rate(speech.transcript(), uncut.text());
    double werCut = 100 * WordErrorRate.rate(speech.transcript(), cut.text());
    String report = String.format("speech %d ms; WER uncut %.1f %% (%d commits), cut %.1f %% "
            + "(%d commits, %d cuts)%n uncut: %s%n cut:   %s%n uncut metrics %s%n cut metrics %s",
        speech.millis(), werUncut, uncut.commits().size(), werCut, cut.commits().size(),
        h.proxy.cuts() - before, uncut.text(), cut.text(), uncut.metrics(), cut.metrics());
    System.out.println(report);
    assertTrue(h.proxy.cuts() - before >= 30, "too few cuts: " + report);
    assertTrue(cut.metrics().resumesSucceeded() > 0, "no session was re-attached: " + report);
    assertTrue(werCut <= werUncut + MAX_WER_POINTS, report);
    // no repeated commit: every committed transcript covers audio after the previous one's
    long end = -1;
    for (Transcript t : cut.commits()) {
      if (t.text().isBlank()) {
        continue;
      }
      assertTrue(t.audioStartMs() >= end, "overlapping commits at " + t + ": " + report);
      end = t.audioEndMs();
    }
  }

  @Test
  void everyCharacterVoicedOnceThroughACuttingNetwork() throws Exception {
    harness(false);
    String text = TtsStreamStateTest.longText(2400, 31);
    h.proxy.cutAfterUpgradeBetween(CUT_MIN, CUT_MAX);
    int before = h.proxy.cuts();
    try (VoiceClient client = client()) {
      RecordingTtsListener l = new RecordingTtsListener();
      TtsStream s = client.newTtsStream(VoiceClient.ttsRequest(LocalSpeechProvider.VOICE_KEVIN)
          .toBuilder().outputFormat(AudioFormat.PCM_16000).build(), l);
      for (int i = 0; i < text.length(); i += 40) { // like LLM tokens, over ~9 s
        assertTrue(s.send(text.substring(i, Math.min(text.length(), i + 40))));
        Thread.sleep(150);
      }
      s.end();
      l.await(300);
      assertNull(l.failure, () -> "failed: " + l.failure + " " + s.metrics());
      l.assertCompleted();
      System.out.println("tts through cuts: " + (h.proxy.cuts() - before) + " cuts; "
          + s.metrics());
      assertEquals(text.stripTrailing(), l.alignmentText().stripTrailing(), "alignment audit");
      assertTrue(h.proxy.cuts() - before >= 3, "too few cuts: " + (h.proxy.cuts() - before));
    } finally {
      h.proxy.noCuts();
    }
  }
}
