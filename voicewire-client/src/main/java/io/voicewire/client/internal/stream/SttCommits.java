package io.voicewire.client.internal.stream;

import io.voicewire.client.internal.Logs;
import io.voicewire.client.internal.resume.RingEntry;
import io.voicewire.protocol.SttServerMessage;
import io.voicewire.speech.CommitStrategy;
import io.voicewire.speech.Transcript;
import io.voicewire.speech.Word;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * Where an STT stream's committed transcripts sit on its audio timeline, and which are delivered
 * (see {@link RealSttStream}): placed by the manual commit they answer or by their words' end,
 * repeats across a seam dropped, the words a forced commit may have cut trimmed (and their audio
 * sent to a new session), forced pieces of a manual segment held back until the user's commit.
 *
 * <p>It holds no state of its own: it works on the stream's {@code st} and {@code sup}.
 *
 * <p>Not thread safe: every method runs with the stream's lock held.
 */
record SttCommits(SttState st, ConnectionSupervisor sup) {
  private static final Logger log = Logs.get(RealSttStream.class);

  /** The text of {@code words}: their texts joined, with a space unless spacing entries exist. */
  private static String textOf(List<Word> words) {
    boolean spacing = words.stream().anyMatch(w -> "spacing".equals(w.type()));
    StringBuilder sb = new StringBuilder();
    for (Word w : words) {
      if (!spacing && !sb.isEmpty()) {
        sb.append(' ');
      }
      sb.append(w.text());
    }
    return sb.toString();
  }

  void releaseHeld() {
    SttServerMessage.Committed h = st.held;
    st.held = null;
    st.timestampsUnsupported = true;
    log.debug("{}: the server sends no word timestamps; placing commits by position", sup.name);
    deliverCommit(h.text(), null, List.of());
  }

  /** Lock held: places a committed transcript on the timeline, drops repeats, delivers. */
  void deliverCommit(String text, String languageCode, List<Word> words) {
    long now = sup.ctx.nanoClock().getAsLong();
    long wordsStart = -1;
    long wordsEnd = -1;
    if (!words.isEmpty()) {
      double s = Double.MAX_VALUE;
      double e = 0;
      for (Word w : words) {
        s = Math.min(s, w.start());
        e = Math.max(e, w.end());
      }
      wordsStart = st.sessionBase + st.bytesForSeconds(s);
      wordsEnd = st.sessionBase + st.bytesForSeconds(e);
    }
    Long head = st.pendingCommits.firstOffset();
    long guard = st.format.bytesForMillis((double) RealSttStream.WORD_GUARD_MILLIS);
    boolean cutWords = false;
    if (head != null && st.forcedAt.contains(head) && wordsEnd > head - guard
        && wordsEnd <= head + guard) {
      List<Word> kept = new ArrayList<>();
      for (Word w : words) {
        if (st.sessionBase + st.bytesForSeconds(w.end()) <= head - guard) {
          kept.add(w);
        }
      }
      while (!kept.isEmpty() && "spacing".equals(kept.getLast().type())) {
        kept.removeLast();
      }
      if (!kept.isEmpty()) {
        sup.metrics.wordsRetranscribed.add(words.size() - kept.size());
        words = kept;
        text = textOf(kept);
        double e = 0;
        for (Word w : kept) {
          e = Math.max(e, w.end());
        }
        wordsEnd = st.sessionBase + st.bytesForSeconds(e);
        cutWords = true;
      }
    }
    boolean manual = st.request.commitStrategy() == CommitStrategy.MANUAL;
    // manual: the server answers each of our commits once, in order (a throttled one makes the
    // stream reconnect), so the oldest unanswered commit places the answer, whatever its words
    boolean inOrder = manual && !st.pendingCommits.isEmpty();
    if (!inOrder && wordsEnd >= 0 && st.haveHorizon && wordsEnd <= st.horizon) {
      dropRepeat(wordsEnd); // word times place it exactly: it ends where delivered text ended
      return;
    }
    while (!inOrder && wordsEnd >= 0 && !st.pendingCommits.isEmpty()
        && st.pendingCommits.firstOffset() < wordsEnd) {
      st.pendingCommits.removeFirst(); // commits answered earlier (or never): stale
    }
    Long ours = st.pendingCommits.firstOffset();
    Long commitAt = null;
    Long commitAtNanos = null;
    if (inOrder || ours == null || !vadCommitBefore(ours, wordsEnd)) {
      commitAt = st.pendingCommits.firstOffset();
      if (commitAt != null) {
        commitAtNanos = st.pendingCommits.firstNanos();
        st.pendingCommits.removeFirst();
      }
    }
    st.partialSinceCommit = false;
    boolean forced = commitAt != null && st.forcedAt.remove(commitAt) && inOrder;
    long end;
    long commitNanos = 0;
    if (cutWords) {
      end = wordsEnd; // the rest, from the cut word on, goes to a new session
      st.retranscribe = true;
      st.forcedAt.add(commitAt); // its ring entry goes when that session opens
    } else if (manual && commitAt != null) {
      // the answer to our commit covers the audio up to where we sent it (in order, exactly);
      // with VAD a client commit's position is no segment boundary, so it never places one
      end = commitAt;
      commitNanos = commitAtNanos;
    } else if (wordsEnd >= 0) {
      end = wordsEnd;
    } else if (text.isBlank()) {
      // nothing said and no position: deliver it, but never move the timeline on a guess
      long h = st.haveHorizon ? st.ms(st.horizon) : 0;
      Transcript blank = new Transcript(text, true, h, h, List.of(), null);
      sup.events.offer(() -> st.listener.onCommitted(blank));
      return;
    } else {
      end = st.sessionBase + st.sentOnConn; // an upper bound: the server gave no position
    }
    end = Math.min(end, st.streamBytes);
    if (st.haveHorizon && end <= st.horizon) {
      dropRepeat(end);
      return;
    }
    long startB = st.haveHorizon ? st.horizon : 0;
    if (wordsStart >= 0) {
      startB = Math.max(startB, Math.min(wordsStart, end));
    }
    if (commitNanos != 0) {
      sup.metrics.commitLatencyNanos(now - commitNanos);
    } else if (wordsEnd >= 0) {
      long sent = st.ring.sendNanosAt(wordsEnd - 1);
      if (sent > 0 && !inReplay(wordsEnd)) {
        sup.metrics.commitLatencyNanos(now - sent);
      }
    }
    st.horizon = end;
    st.haveHorizon = true;
    st.ring.trimTo(end);
    st.forcedAt.headSet(end, true).clear();
    st.lastCommittedText = st.segment.joined(text);
    List<Word> outWords = List.of();
    if (st.request.includeTimestamps() && !words.isEmpty()) {
      double shift = st.ms(st.sessionBase) / 1000.0;
      List<Word> shifted = new ArrayList<>(words.size());
      for (Word w : words) {
        shifted.add(w.shifted(shift));
      }
      outWords = shifted;
    }
    String lang = st.request.includeLanguageDetection() || st.request.includeTimestamps()
        ? languageCode : null;
    st.partialClockStart = 0;
    sup.markProgress();
    if (forced) {
      // a piece of the user's segment, committed by us: delivered with the user's commit
      st.segment.hold(text, st.ms(startB), outWords, lang);
      log.debug("{}: forced piece {}-{} ms held: '{}'", sup.name, st.ms(startB), st.ms(end),
          text);
      return;
    }
    Transcript t = st.segment.complete(new Transcript(text, true, st.ms(startB), st.ms(end),
        outWords,
        lang));
    log.debug("{}: committed {}-{} ms on connection {}: '{}'", sup.name, st.ms(startB), st.ms(end),
        sup.metrics.connections.sum(), text);
    sup.events.offer(() -> st.listener.onCommitted(t));
  }

  /**
   * True when an answer whose words end at stream offset {@code wordsEnd} is a VAD commit of
   * audio before our (non-forced) commit at {@code ours}, not its answer: the VAD commits only
   * after {@code vad_silence_threshold_secs} of silence, so its words end at least that long
   * before any point it committed at, while the answer to our commit holds the words said up to
   * it (or is blank when the VAD committed them first). The server answers in audio order, so
   * ours comes after (a slow server's VAD commits arrive long after our last commit).
   */
  private boolean vadCommitBefore(long ours, long wordsEnd) {
    if (st.request.commitStrategy() != CommitStrategy.VAD || wordsEnd < 0
        || st.forcedAt.contains(ours)) {
      return false;
    }
    return wordsEnd <= ours - st.bytesForSeconds(st.request.vad().silenceThresholdSecs());
  }

  /** True when the audio at stream offset {@code offset} was sent before this connection. */
  private boolean inReplay(long offset) {
    for (RingEntry e : st.ring.entries()) {
      if (!e.isCommit() && e.offset() <= offset && offset < e.end()) {
        return e.seq() <= st.replaySeq && sup.metrics.connections.sum() > 1;
      }
    }
    return false;
  }

  private void dropRepeat(long end) {
    sup.metrics.duplicateCommitsDropped.increment();
    log.debug("{}: dropped a committed transcript repeated across a seam ({} ms <= {} ms)",
        sup.name, st.ms(end), st.ms(st.horizon));
  }
}
