package io.voicewire.client;

import io.voicewire.client.internal.FakeSpeech;
import io.voicewire.client.internal.FakeSttPeer;
import io.voicewire.client.internal.FakeVoice;
import io.voicewire.speech.TtsAudio;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.HdrHistogram.Histogram;

/**
 * The soak benchmark behind the project target "100 random cuts in a long stream, nothing lost or
 * repeated": a long TTS stream and a long STT stream, each through a {@link FaultProxy} that cuts
 * the connection at random byte offsets {@code cuts} times, against a real voicewire server on
 * loopback. Prints the audits and the resume numbers. Run:
 *
 * <pre>
 * mvn -B -q -pl voicewire-client -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/soak.cp -Dmdep.includeScope=test
 * java -cp voicewire-client/target/test-classes:voicewire-client/target/classes:$(cat \
 *     voicewire-client/target/soak.cp) io.voicewire.client.ResumeSoak 100
 * </pre>
 */
public final class ResumeSoak {
  private ResumeSoak() {}

  public static void main(String[] args) throws Exception {
    int cuts = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 2026;
    String which = args.length > 2 ? args[2] : "both";
    boolean ok = (which.equals("stt") || tts(cuts, seed)) & (which.equals("tts") || stt(cuts, seed));
    System.out.println(ok ? "SOAK PASSED" : "SOAK FAILED");
    System.exit(ok ? 0 : 1);
  }

  static final ReconnectPolicy POLICY = new ReconnectPolicy(30, Duration.ofMillis(5),
      Duration.ofMillis(200), 2.0, 0.5, Duration.ofSeconds(2));

  static boolean tts(int cuts, long seed) throws Exception {
    try (ServerHarness h = new ServerHarness(new CodedSpeechProvider(12, 0), seed);
        VoiceClient client = VoiceClient.builder().baseUrl(h.proxy.baseUrl())
            .reconnectPolicy(POLICY).random(new Random(seed)).build()) {
      h.proxy.cutDownstreamBetween(30_000, 90_000, cuts);
      List<Long> reconnectingAt = new CopyOnWriteArrayList<>();
      Histogram gapMicros = new Histogram(3);
      long[] lastAudioWaitFrom = {0};
      RecordingTtsListener l = new RecordingTtsListener() {
        @Override
        public void onStatus(ConnectionStatus status) {
          super.onStatus(status);
          if (status.state() == ConnectionStatus.State.RECONNECTING) {
            long now = System.nanoTime();
            reconnectingAt.add(now);
            if (lastAudioWaitFrom[0] == 0) {
              lastAudioWaitFrom[0] = now;
            }
          }
        }

        @Override
        public void onAudio(TtsAudio a) {
          super.onAudio(a);
          if (lastAudioWaitFrom[0] != 0) {
            gapMicros.recordValue((System.nanoTime() - lastAudioWaitFrom[0]) / 1000);
            lastAudioWaitFrom[0] = 0;
          }
        }
      };
      long t0 = System.nanoTime();
      TtsStream s = client.newTtsStream(ResumeIntegrationTest.tts(), l);
      String text = TtsStreamStateTest.longText(20_000, seed);
      for (int i = 0; i < text.length(); i += 200) {
        s.send(text.substring(i, Math.min(text.length(), i + 200)));
      }
      s.end();
      l.await(600);
      double secs = (System.nanoTime() - t0) / 1e9;
      String voiced = FakeVoice.decode(l.audio).stripTrailing();
      String aligned = l.alignmentText().stripTrailing();
      boolean exact = voiced.equals(text.stripTrailing()) && aligned.equals(text.stripTrailing());
      long audioBytes = l.audio.stream().mapToLong(a -> a.audio().length).sum();
      StreamMetrics m = s.metrics();
      System.out.printf(Locale.ROOT, "TTS: %d chars, %.1f s of audio, %d cuts by the proxy, "
              + "%d reconnects, %d seams, %d bytes of repeated audio dropped, %d alignment "
              + "mismatches; wall %.1f s; complete=%s failure=%s%n",
          text.length(), audioBytes / 48_000.0, h.proxy.cuts(), m.reconnects(), m.seams(),
          m.droppedAudioBytes(), m.alignmentMismatches(), secs, l.complete, l.failure);
      System.out.printf(Locale.ROOT, "TTS audit: every character voiced exactly once: %s "
              + "(audio decode %s, alignment %s)%n", exact,
          voiced.equals(text.stripTrailing()), aligned.equals(text.stripTrailing()));
      System.out.println("TTS drop -> next audio (µs): " + LatencyStats.of(gapMicros));
      System.out.println("TTS " + m);
      return exact && Boolean.TRUE.equals(l.complete) && h.proxy.cuts() == cuts;
    }
  }

  static boolean stt(int cuts, long seed) throws Exception {
    try (ServerHarness h = new ServerHarness(new CodedSpeechProvider(12, 0), seed + 1);
        VoiceClient client = VoiceClient.builder().baseUrl(h.proxy.baseUrl())
            .reconnectPolicy(POLICY).random(new Random(seed)).build()) {
      h.proxy.cutUpstreamBetween(15_000, 45_000, cuts);
      long t0 = System.nanoTime();
      RecordingSttListener l = new RecordingSttListener() {
        @Override
        public void onStatus(ConnectionStatus st) {
          super.onStatus(st);
          if (System.getenv("SOAK_TRACE") != null) {
            System.out.printf("%6d status %s%n", (System.nanoTime() - t0) / 1_000_000, st);
          }
        }

        @Override
        public void onCommitted(io.voicewire.speech.Transcript t) {
          super.onCommitted(t);
          if (System.getenv("SOAK_TRACE") != null) {
            System.out.printf("%6d commit [%d..%d] %s%n", (System.nanoTime() - t0) / 1_000_000,
                t.audioStartMs(), t.audioEndMs(), t.text());
          }
        }
      };
      SttStream s = client.newSttStream(FakeSttPeer.request(false), l);
      List<String> words = SttStreamStateTest.words(900, seed);
      StringBuilder expected = new StringBuilder();
      Random r = new Random(seed);
      long audioMs = 0;
      for (int i = 0; i < words.size(); i += 3) {
        String seg = String.join(" ", words.subList(i, Math.min(words.size(), i + 3))) + " ";
        expected.append(seg);
        byte[] audio = FakeSpeech.say(seg);
        audioMs += audio.length / 32;
        int step = 5 * FakeSpeech.FRAME_BYTES;
        for (int k = 0; k < audio.length; k += step) {
          if (!s.sendAudio(audio, k, Math.min(step, audio.length - k))) {
            System.out.println("STT stream stopped taking audio: " + s.status() + " "
                + l.failure);
            return false;
          }
        }
        s.commit();
        Thread.sleep(audio.length / 32 / 4 + r.nextInt(20)); // ~4x real time
      }
      s.end();
      l.await(600);
      double secs = (System.nanoTime() - t0) / 1e9;
      String got = l.committedText();
      boolean exact = got.equals(expected.toString());
      List<String> gotWords = new ArrayList<>(List.of(got.trim().split(" +")));
      List<String> missing = new ArrayList<>(words);
      missing.removeAll(gotWords);
      long repeated = gotWords.size() - gotWords.stream().distinct().count();
      StreamMetrics m = s.metrics();
      System.out.printf(Locale.ROOT, "STT: %d words, %.1f s of audio, %d commits, %d cuts by "
              + "the proxy, %d reconnects, %.1f s replayed, %d repeated commits dropped, %d ms "
              + "replay overflow; wall %.1f s; closed=%s failure=%s%n",
          words.size(), audioMs / 1000.0, l.commits.size(), h.proxy.cuts(), m.reconnects(),
          m.replayedAudioMillis() / 1000.0, m.duplicateCommitsDropped(),
          m.replayOverflowMillis(), secs, l.closed, l.failure);
      System.out.printf(Locale.ROOT, "STT audit: committed text equals the spoken text: %s "
          + "(%d words missing, %d repeated)%n", exact, missing.size(), repeated);
      System.out.println("STT " + m);
      return exact && l.closed && h.proxy.cuts() == cuts;
    }
  }
}
