package io.voicewire.engine.local;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.testing.BenchSentences;
import io.voicewire.testing.WordErrorRate;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.SttSession;
import io.voicewire.speech.Transcript;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Quality of the whole engine: every bench sentence is synthesized by the default voice, then
 * recognized through an STT session; the overall word error rate must stay at or below 25 %
 * (target 10 %; docs/bench-engine.md has the measured figure).
 */
@Tag("slow")
@Timeout(600)
class RoundTripWerTest {
  static final double MAX_OVERALL_WER = 0.25;

  @Test
  void synthesizedSentencesAreRecognized() throws Exception {
    LocalSpeechProvider local = SharedEngine.get();
    List<String> sentences = BenchSentences.ALL;
    assertTrue(sentences.size() >= 20);
    ExecutorService pool = Executors.newFixedThreadPool(local.sttDecoders());
    try {
      List<Future<String>> hyps = new ArrayList<>();
      for (String ref : sentences) {
        byte[] speech = SpeechClips.pcm16k(local, LocalSpeechProvider.VOICE_SLT, ref);
        hyps.add(pool.submit(() -> recognize(local, speech)));
      }
      int refWords = 0;
      int errors = 0;
      StringBuilder report = new StringBuilder();
      for (int i = 0; i < sentences.size(); i++) {
        String ref = sentences.get(i);
        String hyp = hyps.get(i).get(5, TimeUnit.MINUTES);
        List<String> r = WordErrorRate.words(ref);
        int e = WordErrorRate.errors(r, WordErrorRate.words(hyp));
        refWords += r.size();
        errors += e;
        report.append(String.format("%5.1f %%  %s%n        -> %s%n", 100.0 * e / r.size(), ref,
            hyp));
      }
      double wer = (double) errors / refWords;
      report.append(String.format("overall WER %.1f %% (%d errors / %d words)%n", 100 * wer,
          errors, refWords));
      System.out.print(report);
      assertTrue(wer <= MAX_OVERALL_WER, report.toString());
    } finally {
      pool.shutdownNow();
    }
  }

  private static String recognize(LocalSpeechProvider local, byte[] speech) throws Exception {
    RecordingSttListener l = new RecordingSttListener();
    try (SttSession s = local.openStt(SttRequest.builder().build(), l)) {
      LocalSttSessionTest.feed(s, SpeechClips.concat(SpeechClips.silence(300), speech,
          SpeechClips.silence(300)));
      s.commit();
      Transcript t = l.nextCommitted(120);
      return t.text();
    }
  }
}
