package io.voicewire.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.audio.AudioFormat;
import io.voicewire.testing.Signals;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The commit rules above a recognizer: VAD commits at the end of speech, the 90 s auto-commit
 * (reset by every commit), refused audio unseen, applied once.
 */
class CommitPolicyTest {

  /** A recognizer that records what reaches it, in order; it applies no commit rules. */
  static class Recognizer implements SttSession {
    final SttRequest request;
    final List<String> calls = new ArrayList<>();
    long bytes;
    boolean refuse;

    Recognizer(SttRequest request) {
      this.request = request;
    }

    @Override
    public SttRequest request() {
      return request;
    }

    @Override
    public boolean sendAudio(byte[] audio) {
      if (refuse) {
        return false;
      }
      bytes += audio.length;
      return true;
    }

    @Override
    public boolean commit() {
      calls.add("commit@" + audioReceivedMs());
      return true;
    }

    @Override
    public boolean commitIfSpeech() {
      calls.add("commitIfSpeech@" + audioReceivedMs());
      return true;
    }

    @Override
    public long audioReceivedMs() {
      return Math.round(request.audioFormat().millisForBytes(bytes));
    }

    @Override
    public boolean appliesCommitRules() {
      return false;
    }

    @Override
    public void close() {
      calls.add("close");
    }
  }

  /** 500 ms quiet, 1 s of speech-like sound, 2 s quiet, at {@code rate}. */
  private static byte[] utterance(int rate) {
    float[] x = Signals.concat(Signals.silence(rate / 2),
        Signals.speechLike(140, 0.1, rate, rate, 3), Signals.silence(2 * rate));
    float[] noise = Signals.whiteNoise(0.001, x.length, 5);
    return Signals.pcm(Signals.mix(x, noise));
  }

  private static void feed(SttSession s, byte[] pcm, int chunkBytes) {
    for (int off = 0; off < pcm.length; off += chunkBytes) {
      s.sendAudio(Arrays.copyOfRange(pcm, off, Math.min(pcm.length, off + chunkBytes)));
    }
  }

  private static SttRequest request(CommitStrategy strategy, AudioFormat format) {
    return SttRequest.builder().commitStrategy(strategy).audioFormat(format)
        .vad(new VadParams(0.5, 0.4, 100, 100)).build();
  }

  @Test
  void vadCommitsOnceAtTheEndOfSpeechAtTheChunkEnd() {
    for (AudioFormat f : List.of(AudioFormat.PCM_16000, AudioFormat.PCM_24000)) {
      Recognizer r = new Recognizer(request(CommitStrategy.VAD, f));
      SttSession s = CommitPolicy.apply(r);
      int chunk = f.sampleRate() / 10 * 2; // 100 ms
      feed(s, utterance(f.sampleRate()), chunk);
      assertEquals(1, r.calls.size(), f + ": " + r.calls);
      long at = Long.parseLong(r.calls.get(0).substring("commit@".length()));
      // speech ends at 1500 ms; the end is reported 500 ms later, committed at that chunk's end
      assertTrue(at >= 1970 && at <= 2130 && at % 100 == 0, f + ": " + r.calls);
    }
  }

  @Test
  void manualStrategyNeverCommitsOnSpeech() {
    Recognizer r = new Recognizer(request(CommitStrategy.MANUAL, AudioFormat.PCM_16000));
    feed(CommitPolicy.apply(r), utterance(16000), 3200);
    assertEquals(List.of(), r.calls);
  }

  @Test
  void autoCommitAfter90sOfAudioCountedFromTheLastCommit() {
    Recognizer r = new Recognizer(request(CommitStrategy.MANUAL, AudioFormat.PCM_16000));
    SttSession s = CommitPolicy.apply(r);
    byte[] second = new byte[32_000];
    for (int i = 0; i < 95; i++) {
      s.sendAudio(second);
    }
    assertEquals(List.of("commitIfSpeech@90000"), r.calls);
    for (int i = 0; i < 30; i++) {
      s.sendAudio(second);
    }
    assertTrue(s.commit());
    for (int i = 0; i < 89; i++) {
      s.sendAudio(second);
    }
    assertEquals(List.of("commitIfSpeech@90000", "commit@125000"), r.calls,
        "the manual commit restarts the 90 s");
    s.sendAudio(second);
    assertEquals("commitIfSpeech@215000", r.calls.get(2));
  }

  @Test
  void refusedAudioIsNotSeenByTheDetector() {
    Recognizer r = new Recognizer(request(CommitStrategy.VAD, AudioFormat.PCM_16000));
    SttSession s = CommitPolicy.apply(r);
    byte[] pcm = utterance(16000);
    int speechEnd = 1500 * 32;
    feed(s, Arrays.copyOf(pcm, speechEnd), 3200);
    r.refuse = true;
    assertFalse(s.sendAudio(Arrays.copyOfRange(pcm, speechEnd, pcm.length)));
    assertEquals(List.of(), r.calls, "silence that was refused ends no speech");
    r.refuse = false;
    feed(s, Arrays.copyOfRange(pcm, speechEnd, pcm.length), 3200);
    assertEquals(1, r.calls.size(), r.calls.toString());
  }

  @Test
  void appliedOnceAndNeverAboveASessionThatCommitsItself() {
    Recognizer r = new Recognizer(request(CommitStrategy.VAD, AudioFormat.PCM_16000));
    SttSession once = CommitPolicy.apply(r);
    assertTrue(once.appliesCommitRules());
    assertSame(once, CommitPolicy.apply(once));
    SttSession relay = new Recognizer(r.request) {
      @Override
      public boolean appliesCommitRules() {
        return true;
      }
    };
    assertSame(relay, CommitPolicy.apply(relay));
    once.close();
    assertEquals(List.of("close"), r.calls);
  }
}
