package io.voicewire.client.internal.stream;

import io.voicewire.client.internal.Logs;
import io.voicewire.client.internal.resume.RingEntry;
import io.voicewire.client.internal.transport.Connection;
import io.voicewire.protocol.SttAudioFrame;
import io.voicewire.protocol.SttClientMessage;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * What an STT stream sends on its current connection: the ring is the outbox, and the pump sends
 * its audio and commits in order, joining consecutive chunks into messages of at most
 * {@link RealSttStream#MAX_MESSAGE_MILLIS}, pacing commits, holding a replay after a replayed
 * commit until it is answered, and adding forced commits to a long replay of a new session.
 *
 * <p>It holds no state of its own: it works on the stream's {@code st} and {@code sup}.
 *
 * <p>Not thread safe: every method runs with the stream's lock held.
 */
record SttOutbox(SttState st, ConnectionSupervisor sup) {
  private static final Logger log = Logs.get(RealSttStream.class);

  /** Lock held: sends ring entries after {@code sentSeq}, pacing commits. */
  void pump(long now) {
    Connection c = sup.connection();
    if (c == null || st.awaitingResume) {
      return;
    }
    int maxBytes = Math.max(st.frame,
        st.format.bytesForMillis(RealSttStream.MAX_MESSAGE_MILLIS));
    if (st.replayHoldUntilNanos != 0) {
      if (!st.pendingCommits.isEmpty() && now < st.replayHoldUntilNanos) {
        return; // waiting for the answer to a replayed commit
      }
      st.replayHoldUntilNanos = 0;
    }
    RingEntry runFirst = null; // consecutive audio entries sent as one message
    RingEntry runLast = null;
    long runBytes = 0;
    RingEntry e;
    while ((e = st.ring.after(runLast != null ? runLast.seq() : st.sentSeq)) != null) {
      if (e.isCommit()) {
        if (runFirst != null) {
          if (!sendRun(c, runFirst, runLast, runBytes)) {
            return;
          }
          runFirst = null;
          runLast = null;
        }
        if (now - st.lastCommitSentNanos < st.commitIntervalNanos) {
          return; // onTick sends it when the interval has passed
        }
        if (!c.send(chunkMessage(new byte[0], true))) {
          return; // the connection is going; the next one replays the ring
        }
        st.sentSeq = e.seq();
        st.sessionCommitRequests++;
        log.debug("{}: commit at {} ms sent{}", sup.name, st.ms(e.offset()),
            e.seq() <= st.replaySeq ? " (replayed)" : "");
        st.pendingCommits.add(e.offset(), e.seq() <= st.replaySeq ? now : e.sendNanos());
        st.lastCommitSentNanos = now;
        st.lastSendNanos = now;
        if (e.seq() <= st.replaySeq && !st.resumedConn) {
          st.replayHoldUntilNanos = now + RealSttStream.REPLAY_COMMIT_WAIT_MILLIS * 1_000_000L;
          return;
        }
        continue;
      }
      if (runFirst != null && runBytes + e.length() > maxBytes) {
        if (!sendRun(c, runFirst, runLast, runBytes)) {
          return;
        }
        runFirst = null;
      }
      if (runFirst == null) {
        runFirst = e;
        runBytes = 0;
      }
      runBytes += e.length();
      runLast = e;
    }
    if (runFirst != null) {
      sendRun(c, runFirst, runLast, runBytes);
    }
  }

  /**
   * Sends the audio entries {@code first..last} ({@code bytes} of audio) as one message: a
   * client's frame as received when it is alone and needs no {@code previous_text}, else a
   * message made here.
   */
  private boolean sendRun(Connection c, RingEntry first, RingEntry last,
      long bytes) {
    boolean sent;
    if (first == last && first.frame() != null && (!st.firstOnConn || previousTextNow() == null)) {
      st.firstOnConn = false;
      // as the client sent it, from the ring's segment: no String, no encode, no copy; the
      // segment stays out of the pool until the transport has written it
      SttAudioFrame f = first.frame();
      sent = c.sendUtf8(f.frame(), f.offset(), f.length(), first.pinFrame());
    } else {
      byte[] b = new byte[(int) bytes];
      int at = 0;
      for (RingEntry x = first; x != null; x = st.ring.after(x.seq())) {
        if (!x.isCommit()) {
          byte[] a = x.audio();
          System.arraycopy(a, 0, b, at, a.length);
          at += a.length;
        }
        if (x.seq() == last.seq()) {
          break;
        }
      }
      sent = c.send(chunkMessage(b, false));
    }
    if (!sent) {
      return false;
    }
    st.sentSeq = last.seq();
    st.sentOnConn += bytes;
    st.sentMax = Math.max(st.sentMax, last.end());
    st.lastSendNanos = sup.ctx.nanoClock().getAsLong();
    if (st.startedOnConn) {
      sup.markHealthy(); // the session was accepted and took our audio
    }
    return true;
  }

  String chunkMessage(byte[] chunk, boolean commit) {
    String prev = null;
    if (st.firstOnConn) {
      st.firstOnConn = false;
      prev = previousTextNow();
    }
    return new SttClientMessage(chunk, commit, st.format.sampleRate(), prev).encode();
  }

  /** The {@code previous_text} of a connection's first chunk, or null. Lock held. */
  private String previousTextNow() {
    if (st.lastCommittedText != null && !st.lastCommittedText.isBlank()) {
      String t = st.lastCommittedText; // a resumed session: the context is what was said
      return t.length() > RealSttStream.MAX_PREVIOUS_TEXT_CHARS
          ? t.substring(t.length() - RealSttStream.MAX_PREVIOUS_TEXT_CHARS) : t;
    }
    return st.request.previousText() != null ? st.request.previousText() : st.relayedPreviousText;
  }

  /**
   * Lock held, before a connection's replay: each stretch of the replay (audio sent before, up
   * to {@code sentMax}) longer than {@link RealSttStream#FORCED_COMMIT_REPLAY_MILLIS} without a
   * commit gets commits every {@link RealSttStream#FORCED_COMMIT_REPLAY_MILLIS}, each at the
   * quietest point just before.
   * The pump holds the rest of a replay until a replayed commit is answered, so every connection
   * that lives long enough to transcribe one piece commits it.
   */
  void forceCommitsInLongReplay(long now) {
    List<Long> marks = new ArrayList<>();
    marks.add(st.ring.start());
    for (RingEntry e : st.ring.entries()) {
      if (e.isCommit() && e.offset() <= st.sentMax) {
        marks.add(e.offset());
      }
    }
    marks.add(st.sentMax);
    long piece = st.format.bytesForMillis((double) RealSttStream.FORCED_COMMIT_REPLAY_MILLIS);
    long search = st.format.bytesForMillis((double) RealSttStream.QUIET_SEARCH_MILLIS);
    int window = st.format.bytesForMillis((double) RealSttStream.QUIET_WINDOW_MILLIS);
    for (int i = 1; i < marks.size(); i++) {
      long from = marks.get(i - 1);
      long to = marks.get(i);
      while (to - from > piece) {
        long target = from + piece;
        long at = st.format.isPcm() ? st.ring.quietestPcm16(target - search, target, window)
            : target;
        if (at <= from || st.ring.insertCommit(at, now) < 0) {
          break;
        }
        sup.metrics.forcedCommits.increment();
        st.forcedAt.add(at);
        log.debug("{}: forced a commit at {} ms in a replay", sup.name, st.ms(at));
        from = at;
      }
    }
  }
}
