package io.voicewire.client;

import io.voicewire.speech.SpeechProvider;
import io.voicewire.speech.SttListener;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.SttSession;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With manual commits, a session that the server fails with {@code queue_overflow} (its engine
 * refused a chunk; close 1013, after the server committed the audio accepted before it) neither
 * splits nor shortens the user's segment: the SDK resumes, and the user still gets one committed
 * transcript per {@code commit()}, with its words, ending where it was called (the soak's
 * "repeated commits", issue "resource bounds"). The server sends the error before that commit
 * ({@code SttSocket}). Through a real server on the deterministic coded engine, real sockets.
 */
@Timeout(180)
class ManualCommitOverflowTest {

  @Test
  void aServerCommitBeforeQueueOverflowStaysInsideTheUsersSegment() throws Exception {
    // the engine refuses a chunk once 2.5 s of audio arrived (its input queue is full), mid-segment.
    // When the server sent its commit of the accepted audio before the error, the SDK took it for
    // a segment: either one of its own (five transcripts for four commits, a word cut in two,
    // "hotel2" + "2 foxtrot23") or, when the user's commit was in flight, the answer to it (the
    // segment ended there: "alpha12 hotel13", four words lost)
    Refusing provider = new Refusing(new CodedSpeechProvider(12, 0), 2_500);
    try (ServerHarness h = new ServerHarness(provider, 21);
        VoiceClient client = VoiceClient.builder().baseUrl(h.proxy.baseUrl())
            .reconnectPolicy(ManualCommitResumeTest.POLICY).random(new Random(4)).build()) {
      StreamMetrics m = ManualCommitResumeTest.runAndAudit(client,
          ManualCommitResumeTest.segments(4, 6, 8), 4);
      org.junit.jupiter.api.Assertions.assertEquals(1, provider.refused.get(),
          "the engine refused " + provider.refused.get() + " chunks: " + m);
    }
  }

  /** A provider whose first STT session to reach {@code refuseAtMs} of audio refuses a chunk. */
  static final class Refusing extends ForwardingSttProvider {
    private final long refuseAtMs;
    final AtomicInteger refused = new AtomicInteger();

    Refusing(SpeechProvider inner, long refuseAtMs) {
      super(inner);
      this.refuseAtMs = refuseAtMs;
    }

    @Override
    public SttSession openStt(SttRequest request, SttListener listener) {
      SttSession s = inner.openStt(request, listener);
      return new SttSession() {
        @Override
        public SttRequest request() {
          return s.request();
        }

        @Override
        public boolean sendAudio(byte[] audio) {
          if (audio.length > 0 && s.audioReceivedMs() >= refuseAtMs
              && refused.compareAndSet(0, 1)) {
            return false;
          }
          return s.sendAudio(audio);
        }

        @Override
        public boolean commit() {
          return s.commit();
        }

        @Override
        public boolean commitIfSpeech() {
          return s.commitIfSpeech();
        }

        @Override
        public boolean appliesCommitRules() {
          return s.appliesCommitRules();
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
