package io.voicewire.engine.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What the log says about a slow commit (issue #10): the waits since the commit came. */
class CommitTraceTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final DecodePace pace = new DecodePace(now::get, () -> false);

  @Test
  void aCommitAnsweredInTimeSaysNothing() {
    assertNull(CommitTrace.mark(pace, 0).slowNote());
  }

  @Test
  void aSlowCommitCountsOnlyTheWaitsAfterItCame() {
    pace.waitedForTurn(TimeUnit.SECONDS.toNanos(9)); // before the commit: not its
    pace.took(500 * 32);
    CommitTrace at = CommitTrace.mark(pace, 2_500);
    CommitTrace old = new CommitTrace(pace, System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(
        CommitTrace.SLOW_COMMIT_MILLIS + 700), at.queuedMs(), at.laneNanos(), at.turnNanos(),
        at.heldNanos(), at.takenMs());
    pace.waitedForLane(TimeUnit.MILLISECONDS.toNanos(300));
    pace.waitedForTurn(TimeUnit.MILLISECONDS.toNanos(450));
    pace.waitedHeldBack(TimeUnit.MILLISECONDS.toNanos(20));
    pace.took(1_200 * 32);

    String note = old.slowNote();
    Matcher m = Pattern.compile("commit answered after (\\d+) ms: 2500 ms of audio waited for the"
        + " decoder when it came; meanwhile the decoder read 1200 ms of audio, and the passes"
        + " waited 300 ms for a lane, 450 ms for turns on the models and 20 ms held back")
        .matcher(note);
    assertTrue(m.matches(), note);
    assertTrue(Long.parseLong(m.group(1)) >= CommitTrace.SLOW_COMMIT_MILLIS + 700, note);
    assertEquals(2_500, at.queuedMs());
  }
}
