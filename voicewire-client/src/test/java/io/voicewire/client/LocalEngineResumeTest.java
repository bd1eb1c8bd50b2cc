package io.voicewire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.engine.local.LocalSpeechProvider;
import io.voicewire.speech.TtsRequest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tier (c) with the real offline engine behind the server and the fault proxy: resume with a
 * real synthesizer's chunking and alignment. Every input character is delivered exactly once
 * (alignment audit), and the audio's length stays close to an uncut run of the same text.
 */
@Tag("slow")
@Timeout(600)
class LocalEngineResumeTest {
  static LocalSpeechProvider engine;

  @BeforeAll
  static void warm() throws Exception {
    engine = LocalSpeechProvider.builder().sttDecoders(0).build(); // speaks only: no recognizer
    assertTrue(engine.awaitReady(400, TimeUnit.SECONDS), "engine not ready");
  }

  static long speak(ServerHarness h, String text, StringBuilder aligned) throws Exception {
    try (VoiceClient client = VoiceClient.builder().baseUrl(h.proxy.baseUrl())
        .reconnectPolicy(ResumeIntegrationTest.POLICY.withMaxAttempts(40))
        .random(new Random(3)).pingInterval(Duration.ofSeconds(2)).build()) {
      RecordingTtsListener l = new RecordingTtsListener();
      TtsStream s = client.newTtsStream(VoiceClient.ttsRequest(LocalSpeechProvider.VOICE_KEVIN)
          .toBuilder().outputFormat(io.voicewire.audio.AudioFormat.PCM_16000).build(), l);
      s.send(text);
      s.end();
      l.await(300).assertCompleted();
      aligned.append(l.alignmentText());
      System.out.println("local engine: " + s.metrics());
      return l.audio.stream().mapToLong(a -> a.audio().length).sum();
    }
  }

  @Test
  void everyCharacterOnceWithARealSynthesizer() throws Exception {
    String text = TtsStreamStateTest.longText(1500, 77);
    try (ServerHarness h = new ServerHarness(engine, 5)) {
      StringBuilder reference = new StringBuilder();
      long refBytes = speak(h, text, reference);
      assertEquals(text.stripTrailing(), reference.toString().stripTrailing());

      h.proxy.cutDownstreamBetween(20_000, 80_000, 6);
      StringBuilder aligned = new StringBuilder();
      long cutBytes = speak(h, text, aligned);
      assertEquals(text.stripTrailing(), aligned.toString().stripTrailing(), "alignment audit");
      assertEquals(6, h.proxy.cuts());
      double ratio = cutBytes / (double) refBytes;
      System.out.printf("local engine: %d bytes uncut, %d bytes with 6 cuts (%.3f)%n", refBytes,
          cutBytes, ratio);
      assertTrue(ratio > 0.8 && ratio < 1.2, "audio length " + ratio + " of the uncut run");
    } // the harness closes the engine
  }
}
