package io.voicewire.engine.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.audio.AudioFormat;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.ModelInfo;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.SttSession;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.TtsSession;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The provider's own contract: builder, capacity limits, close. Uses a small engine. */
@Timeout(240)
class LocalSpeechProviderTest {

  @Test
  void builderValidatesWithExactMessages() {
    assertEquals("unknown local voice 'rachel'; known: cmu-slt-hsmm, kevin16",
        assertThrows(IllegalArgumentException.class,
            () -> LocalSpeechProvider.builder().voices(List.of("rachel"))).getMessage());
    assertEquals("voice listed twice: kevin16", assertThrows(IllegalArgumentException.class,
        () -> LocalSpeechProvider.builder().voices(List.of("kevin16", "kevin16"))).getMessage());
    assertEquals("ttsWorkers must be in range [1,64]: 0", assertThrows(
        IllegalArgumentException.class, () -> LocalSpeechProvider.builder().ttsWorkers(0))
        .getMessage());
    assertEquals("sttDecoders must be in range [0,16]: -1", assertThrows(
        IllegalArgumentException.class, () -> LocalSpeechProvider.builder().sttDecoders(-1))
        .getMessage());
    assertEquals("maxWaitingStt must be in range [0,1000]: 1001", assertThrows(
        IllegalArgumentException.class, () -> LocalSpeechProvider.builder().maxWaitingStt(1001))
        .getMessage());
    assertThrows(NullPointerException.class,
        () -> LocalSpeechProvider.builder().callbackExecutor(null));
  }

  @Test
  void smallEngineRefusesSpeechBeyondItsDecodersThenClosesCleanly() throws Exception {
    LocalSpeechProvider p = LocalSpeechProvider.builder().voices(List.of("kevin16"))
        .sttDecoders(1).sttStreams(1).maxWaitingStt(0).warmUp(false).ttsWorkers(1).build();
    try {
      assertTrue(p.awaitReady(3, TimeUnit.MINUTES));
      assertTrue(p.isReady());
      assertEquals("local", p.name());
      assertEquals(List.of("kevin16"), p.voices().stream().map(v -> v.voiceId()).toList());
      assertEquals(16_000, p.voices().get(0).nativeSampleRate());
      assertTrue(p.models().stream().anyMatch(ModelInfo::canDoTextToSpeech));
      assertTrue(p.models().stream().anyMatch(ModelInfo::canDoSpeechToText));
      assertEquals(1, p.sttDecoders());
      assertEquals(1, p.sttStreams());

      byte[] speech = SpeechClips.concat(SpeechClips.silence(300),
          SpeechClips.pcm16k(p, "kevin16", "Testing one two three, testing the decoder pool."));
      RecordingSttListener a = new RecordingSttListener();
      SttSession sa = p.openStt(SttRequest.builder().build(), a);
      LocalSttSessionTest.feed(sa, speech); // takes the engine's only stream: still "speaking"
      RecordingSttListener b = new RecordingSttListener();
      SttSession sb = p.openStt(SttRequest.builder().build(), b); // beyond the capacity
      for (int i = 0; i < speech.length; i += 3200) { // refused: the session has failed
        assertFalse(sb.sendAudio(
            java.util.Arrays.copyOfRange(speech, i, Math.min(speech.length, i + 3200))));
      }
      b.awaitTerminal(30).assertOneTerminal();
      assertEquals(ErrorCode.RESOURCE_EXHAUSTED, b.failure().code());
      assertTrue(b.failure().message().contains("capacity"), b.failure().message());
      assertFalse(sb.sendAudio(new byte[320]));

      // the first session is unaffected
      assertTrue(sa.commit());
      assertFalse(a.nextCommitted(60).text().isBlank());

      // closing the provider fails what is open, and nothing opens afterwards
      RecordingTtsListener t = new RecordingTtsListener();
      TtsSession open = p.openTts(TtsRequest.builder("kevin16").build(), t);
      p.close();
      a.awaitTerminal(10).assertOneTerminal();
      assertEquals(ErrorCode.ERROR, a.failure().code());
      t.awaitTerminal(10).assertOneTerminal();
      assertEquals(ErrorCode.ERROR, t.failure().code());
      assertFalse(open.send("hello "));
      RecordingTtsListener late = new RecordingTtsListener();
      p.openTts(TtsRequest.builder("kevin16").outputFormat(AudioFormat.PCM_8000).build(), late);
      late.awaitTerminal(10).assertOneTerminal();
      assertEquals("the local engine is closed", late.failure().message());
    } finally {
      p.close();
    }
  }

  /**
   * A provider closed while it is still loading (a server whose configuration turned out wrong,
   * a test that gives up) stops its loading threads instead of warming up models nobody will use,
   * and its readiness fails at once.
   */
  @Test
  void closingBeforeReadyStopsTheStartUp() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    LocalSpeechProvider p = LocalSpeechProvider.create();
    p.close();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> p.awaitReady(60, TimeUnit.SECONDS));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
    List<Thread> loading = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t))
        .filter(t -> t.getName().startsWith("voicewire-local-startup")
            || t.getName().startsWith("voicewire-stt-decoder-"))
        .toList();
    for (Thread t : loading) {
      t.join(TimeUnit.SECONDS.toMillis(60));
      assertFalse(t.isAlive(), t.getName() + " still running: "
          + Arrays.toString(t.getStackTrace()));
    }
  }

  @Test
  void unknownVoicesCanFallBackToTheDefault() throws Exception {
    LocalSpeechProvider p = LocalSpeechProvider.builder().voices(List.of("kevin16"))
        .sttDecoders(0).warmUp(false).unknownVoiceUsesDefault(true).build();
    try {
      RecordingTtsListener l = new RecordingTtsListener();
      TtsSession s = p.openTts(TtsRequest.builder("21m00Tcm4TlvDq8ikWAM").build(), l);
      s.send("Hello from the fallback voice. ");
      s.end();
      l.awaitTerminal(60).assertOneTerminal();
      assertEquals(Boolean.TRUE, l.complete());
      assertTrue(l.audio().length > 0);
      RecordingSttListener r = new RecordingSttListener();
      p.openStt(SttRequest.builder().build(), r);
      r.awaitTerminal(5).assertOneTerminal();
      assertEquals(ErrorCode.UNSUPPORTED, r.failure().code());
    } finally {
      p.close();
    }
  }
}
