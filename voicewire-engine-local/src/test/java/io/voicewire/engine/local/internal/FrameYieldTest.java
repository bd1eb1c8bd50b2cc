package io.voicewire.engine.local.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.engine.local.RecognizerProfile;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A decoding lane lets a more urgent lane (a commit waiting for its last audio) take the models
 * before the next frame it decodes, not at its next audio read: the front end reads ahead of the
 * search, which then decodes tens of frames without a read (issue #10: a commit waited 10–140 ms
 * for them in the abused soak). Counted in frames, on a real lane of a real model set; no timing
 * is measured.
 */
@Timeout(180)
class FrameYieldTest {
  private static final int SAMPLES = 40;

  @Test
  void aLaneLetsAMoreUrgentOneInBeforeItsNextFrame() throws Exception {
    ModelSet set = new ModelSet(RecognizerProfile.FAST.configResource(), 1);
    DecoderLane lane = new DecoderLane(set, 0);
    lane.warmUp(null);
    byte[] buzz = Noise.buzz(DecoderPool.SAMPLE_RATE); // speech to Sphinx's detector
    AudioPipe pipe = new AudioPipe(buzz.length * 60);
    for (int i = 0; i < 60; i++) {
      pipe.write(buzz); // all of it there at once: the front end may read as far ahead as it likes
    }
    Thread decoding = Thread.ofPlatform().daemon().name("lane")
        .start(() -> lane.decode(DecoderLane.discarding(pipe)));
    ReusingSearchManager search = lane.search();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    long start = search.frames();
    while (search.frames() == start && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    List<Long> advances = Collections.synchronizedList(new ArrayList<>());
    ModelTurns turns = set.turns();
    while (advances.size() < SAMPLES && pipe.readable() && System.nanoTime() < deadline) {
      long frames = framesAfterAnUrgentAsk(turns, search, deadline);
      if (frames >= 0) {
        advances.add(frames);
      }
      Thread.sleep(2);
    }
    System.out.println("frames decoded after a commit's ask was visible: " + advances);
    pipe.finish();
    decoding.join(TimeUnit.SECONDS.toMillis(60));
    assertFalse(decoding.isAlive(), "the lane did not finish its pass");
    assertTrue(advances.size() >= SAMPLES / 2,
        "the lane read all its audio before enough asks were seen: " + advances);
    // the frame under way when the turn was asked for, and the one whose check came just before
    assertTrue(Collections.max(advances) <= 2,
        "frames the lane decoded while a more urgent lane waited: " + advances);
  }

  /**
   * Frames the lane decodes between a commit's ask for the models becoming visible to it
   * ({@link ModelTurns#mustYield}) and the commit getting them; -1 when the ask was answered
   * before this thread saw it. Counting from the ask's visibility, not from before the call,
   * keeps a descheduled test thread (a busy CI machine) from counting frames decoded before the
   * lane could know: a late look can only count fewer.
   */
  private static long framesAfterAnUrgentAsk(ModelTurns turns, ReusingSearchManager search,
      long deadline) throws Exception {
    CompletableFuture<Long> got = new CompletableFuture<>();
    Thread.ofPlatform().daemon().name("commit").start(() -> {
      turns.acquire("commit", DecodePace.Urgency.FINISHING); // the lane decodes at REAL_TIME
      long frames = search.frames();
      turns.release();
      got.complete(frames);
    });
    long seen = -1;
    while (!got.isDone() && System.nanoTime() < deadline) {
      if (turns.mustYield(DecodePace.Urgency.REAL_TIME, false)) {
        seen = search.frames();
        break;
      }
      Thread.onSpinWait();
    }
    long after = got.get(60, TimeUnit.SECONDS);
    return seen < 0 ? -1 : after - seen;
  }
}
