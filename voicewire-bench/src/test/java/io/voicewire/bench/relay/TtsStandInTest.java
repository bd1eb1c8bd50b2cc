package io.voicewire.bench.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.audio.AudioFormat;
import io.voicewire.client.TtsStream;
import io.voicewire.client.VoiceClient;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsAudio;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The TTS scenario's parts are protocol-correct: the Java SDK's {@code TtsStream} (what the
 * voicewire relay uses upstream) is voiced by the stand-in, every character once with its
 * alignment, and the closed-loop load reads whole pieces from it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TtsStandInTest {

  @Test
  void theSdkStreamIsVoicedEveryCharacterOnceWithItsAlignment() throws Exception {
    ByteArrayOutputStream audio = new ByteArrayOutputStream();
    StringBuilder aligned = new StringBuilder();
    CompletableFuture<Boolean> closed = new CompletableFuture<>();
    TtsStream.Listener l = new TtsStream.Listener() {
      @Override
      public void onAudio(TtsAudio a) {
        audio.writeBytes(a.audio());
        if (a.alignment() != null) {
          a.alignment().chars().forEach(aligned::append);
        }
      }

      @Override
      public void onClosed(boolean complete) {
        closed.complete(complete);
      }

      @Override
      public void onFailure(SpeechError error) {
        closed.completeExceptionally(new AssertionError(error.toString()));
      }
    };
    String text = "Hello there. This is the stand-in upstream. ";
    try (TtsStandIn up = TtsStandIn.start();
        VoiceClient client = VoiceClient.builder().baseUrl("http://127.0.0.1:" + up.port())
            .apiKey("any").build()) {
      TtsStream s = client.newTtsStream(VoiceClient.ttsRequest("bench-voice").toBuilder()
          .outputFormat(AudioFormat.PCM_16000).build(), l);
      assertTrue(s.send(text));
      assertTrue(s.end());
      assertTrue(closed.get(30, TimeUnit.SECONDS), "completed");
    }
    assertEquals(text.strip(), aligned.toString().strip());
    assertEquals(aligned.length() * TtsStandIn.BYTES_PER_CHAR, audio.size());
  }

  @Test
  void theLoadReadsWholePiecesInAClosedLoop() throws Exception {
    try (TtsStandIn up = TtsStandIn.start()) {
      TtsLoad.Result r = new TtsLoad(URI.create("ws://127.0.0.1:" + up.port()), 3)
          .run(Duration.ofMillis(500), Duration.ofSeconds(1));
      assertEquals(0, r.errors());
      assertTrue(r.pieces() > 3, "pieces: " + r.pieces());
      assertTrue(r.p(50) >= 0 && r.p(99) >= r.p(50));
      assertTrue(r.audioSecondsPerSecond() > 0);
    }
  }
}
