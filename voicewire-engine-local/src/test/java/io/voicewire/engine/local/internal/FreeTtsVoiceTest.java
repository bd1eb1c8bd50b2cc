package io.voicewire.engine.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * FreeTTS's lexicon loader is not thread safe; voices are allocated on several threads at once
 * in production (a TTS worker's first synthesizer, an engine starting while another warms up).
 */
@Timeout(120)
class FreeTtsVoiceTest {
  static final String TEXT = "The API returned HTTP 500 from NASA.";

  @Test
  void synthesizersAllocatedOnManyThreadsAtOnceAllSpeakTheSame() throws Exception {
    int threads = 6;
    int alone = speak(new FreeTtsVoice().newSynthesizer());
    assertTrue(alone > 16_000, "a second of speech at least: " + alone);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 5; round++) {
        allocateAtOnce(pool, threads, alone);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void allocateAtOnce(ExecutorService pool, int threads, int alone)
      throws Exception {
    {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> lengths = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        lengths.add(pool.submit(() -> {
          go.await();
          FreeTtsVoice v = new FreeTtsVoice();
          v.load();
          return speak(v.newSynthesizer());
        }));
      }
      go.countDown();
      List<Integer> got = new ArrayList<>();
      for (Future<Integer> f : lengths) {
        got.add(f.get(100, TimeUnit.SECONDS)); // before the fix: IndexOutOfBoundsException
      }
      for (int n : got) {
        assertEquals(alone, n, "the same audio as a voice allocated alone: " + got);
      }
    }
  }

  private static int speak(Synthesizer s) throws Exception {
    return LocalEngine.synthesizeAll(s, 16_000, TEXT).length; // kevin16 is 16 kHz native
  }
}
