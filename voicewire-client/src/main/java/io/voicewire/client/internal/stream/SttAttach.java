package io.voicewire.client.internal.stream;

import io.voicewire.client.internal.Logs;
import io.voicewire.client.internal.resume.RingEntry;
import io.voicewire.protocol.ErrorPolicy.Retry;
import io.voicewire.protocol.SttResume;
import io.voicewire.speech.CommitStrategy;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import java.util.TreeSet;
import org.slf4j.Logger;

/**
 * How a connection's server session begins ({@link SttWire#onOpen}): a new session, which gets
 * the replay ring from its start, or a session the server re-attached by id, which gets only the
 * audio it never received (docs/stt-resume.md).
 *
 * <p>It holds no state of its own: it works on the stream's {@code st}, {@code sup} and
 * {@code out}.
 *
 * <p>Not thread safe: every method runs with the stream's lock held.
 */
record SttAttach(SttState st, ConnectionSupervisor sup, SttOutbox out) {
  private static final Logger log = Logs.get(RealSttStream.class);

  /**
   * Lock held: the current connection starts a new server session, which gets the ring from its
   * start (audio since the last committed transcript), with forced commits in a long replay.
   */
  void startNewSession(long now) {
    st.lostCommits.clear();
    // forced commits are decided per replay, from where the committed text ends now
    st.ring.removeCommits(st.forcedAt);
    st.forcedAt.clear();
    if (st.forceCommits) {
      out.forceCommitsInLongReplay(now);
    }
    st.sessionBase = st.ring.start();
    st.sentOnConn = 0;
    st.sessionCommitRequests = 0;
    st.firstOnConn = true;
    st.pendingCommits.clear();
    st.lastInboundNanos = now;
    st.lastCommitSentNanos = 0;
    st.replayHoldUntilNanos = 0;
    long replayedBytes = st.ring.bytes();
    st.replaySeq = st.ring.nextSeq() - 1;
    st.sentSeq = 0;
    RingEntry first = st.ring.after(0);
    if (first != null) {
      st.sentSeq = first.seq() - 1;
    }
    if (replayedBytes > 0 && sup.metrics.connections.sum() > 1) {
      sup.metrics.replayedAudioMillis.add(st.ms(replayedBytes));
      sup.metrics.seams.increment();
    }
    long committedUpTo = st.haveHorizon ? st.horizon : 0;
    if (st.sessionBase > committedUpTo) {
      sup.setResumable(true, (st.ms(st.sessionBase - committedUpTo))
          + " ms of audio fell out of the full replay ring and was not replayed");
    }
    st.lastSendNanos = now;
    out.pump(now);
  }

  /**
   * Lock held: the server re-attached the session ({@code resumed: true}); it holds the first
   * {@code audioBytesReceived} bytes of the audio sent since {@code sessionBase}. The stream
   * sends the rest from there, without forced commits; commits the session received before the
   * drop stay pending (their answers come again or live). A commit sent right at that offset
   * may or may not have reached the server: with VAD it is sent again (an extra answer is
   * placed by its words, or is blank); with manual commits the server's
   * {@code commit_requests_received} says whether it took it (if not, it is sent again); from
   * an older server without it, it counts as received when the server answered it already
   * (manual: the server's commits answer ours in order), else the session cannot be continued
   * exactly. Then, and when that audio is no longer in the ring, the stream starts a new session
   * instead.
   */
  void continueSession(SttResume.Info a, long now) {
    long boundary = st.sessionBase + a.audioBytesReceived();
    String why = null;
    boolean boundaryCommitReceived = false;
    if (boundary > st.sentMax || boundary < st.ring.start() || boundary > st.ring.end()) {
      why = "the resumed session holds audio up to " + st.ms(boundary) + " ms, the replay ring "
          + st.ms(st.ring.start()) + "-" + st.ms(st.ring.end()) + " ms";
    } else if (st.request.commitStrategy() == CommitStrategy.MANUAL
        && st.lostCommits.contains(boundary)) {
      int index = 0;
      for (long at : st.lostCommits) {
        if (at == boundary) {
          break;
        }
        index++;
      }
      if (a.commitRequestsReceived() >= 0) {
        // the server says how many of our commit requests it took: the lost ones are the last
        // sent, in order, so the one at the boundary is the (sent - lost + index + 1)th
        long nth = st.sessionCommitRequests - st.lostCommits.size() + index + 1;
        boundaryCommitReceived = nth <= a.commitRequestsReceived();
      } else {
        // an older server: commits it answered that this client has not seen (a commit is two
        // messages unless the server sends no timestamps)
        long answered = (a.commitsSent() - st.resume.commitsReceived())
            / (st.timestampsUnsupported ? 1 : 2);
        boundaryCommitReceived = index < answered;
        if (!boundaryCommitReceived) {
          why = "a commit sent at " + st.ms(boundary) + " ms may not have reached the server";
        }
      }
    }
    if (why != null) {
      sup.metrics.resumesFellBack.increment();
      st.resume.forget();
      // the server re-attached the session: close it (1000) so it does not stay parked
      sup.abandonLocked(new Failure(new SpeechError(ErrorCode.ERROR, "a new session: " + why),
          Retry.NOW));
      return;
    }
    // forced commits are for new sessions: those the server did not receive go
    java.util.Set<Long> unsent = new TreeSet<>(st.forcedAt.tailSet(boundary,
        !boundaryCommitReceived));
    st.ring.removeCommits(unsent);
    st.forcedAt.removeAll(unsent);
    st.ring.splitAt(boundary);
    st.pendingCommits.clear();
    while (!st.lostCommits.isEmpty()) {
      long at = st.lostCommits.firstOffset();
      long sent = st.lostCommits.firstNanos();
      st.lostCommits.removeFirst();
      if (at < boundary || at == boundary && boundaryCommitReceived) {
        st.pendingCommits.add(at, sent); // received: answered again (if not counted) or live
      }
    }
    if (a.commitRequestsReceived() >= 0) {
      st.sessionCommitRequests = a.commitRequestsReceived(); // those not taken are sent again
    }
    st.sentSeq = st.ring.nextSeq() - 1;
    for (RingEntry e : st.ring.entries()) {
      if (e.offset() > boundary || e.offset() == boundary
          && (!e.isCommit() || !boundaryCommitReceived)) {
        st.sentSeq = e.seq() - 1; // what the server never received starts here
        break;
      }
    }
    st.replaySeq = st.ring.nextSeq() - 1;
    long again = Math.max(0, st.sentMax - boundary);
    sup.metrics.resumesSucceeded.increment();
    sup.metrics.resumeReplayedBytes.add(again);
    sup.metrics.replayedAudioMillis.add(st.ms(again));
    st.sentOnConn = a.audioBytesReceived();
    st.firstOnConn = false; // the session has its context
    st.resumedConn = true;
    st.replayHoldUntilNanos = 0;
    log.debug("{}: session resumed at {} ms ({} ms sent again, {} commits pending)", sup.name,
        st.ms(boundary), st.ms(again), st.pendingCommits.size());
    out.pump(now);
  }
}
