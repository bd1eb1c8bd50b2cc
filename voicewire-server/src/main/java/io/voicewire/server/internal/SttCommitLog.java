package io.voicewire.server.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The commit messages of one resumable realtime STT session that its client may not have received
 * (docs/stt-resume.md), and the latest partial newer than the last of them.
 *
 * <p>Commit messages ({@code committed_transcript} and {@code committed_transcript_with_timestamps})
 * are numbered 1, 2, … in the order the session produced them; {@link #sent()} is the last number.
 * A resume names how many the client received ({@code n}): {@link #acknowledge} forgets those and
 * {@link #after} gives the rest, byte-identical, in order.
 *
 * <p>Bounded by {@code sttResumeLogMessages} and {@code sttResumeLogBytes} (heap bytes, 2 per
 * char): while a connection is attached the oldest are forgotten (a client that reads them live
 * rarely needs more than the last few); while parked nothing may be forgotten, so
 * {@link #add} reports the overflow and the session ends. A resume whose {@code n} lies before
 * the oldest message still held cannot be honoured ({@link #canResumeAfter}).
 *
 * <p>Not thread safe: {@link SttServerSession} calls it under its monitor.
 */
final class SttCommitLog {
  private final int maxMessages;
  private final long maxBytes;
  private final ArrayDeque<String> held = new ArrayDeque<>();
  private long sent;
  private long bytes;
  private String partial;

  SttCommitLog(int maxMessages, long maxBytes) {
    this.maxMessages = maxMessages;
    this.maxBytes = maxBytes;
  }

  /** Commit messages produced so far. */
  long sent() {
    return sent;
  }

  /** Commit messages held now. */
  int held() {
    return held.size();
  }

  /** Heap bytes of the commit messages held now. */
  long bytes() {
    return bytes;
  }

  /**
   * Adds the next commit message (it makes the latest partial stale). When a bound is passed the
   * oldest are forgotten if {@code mayForget}; otherwise returns false (the session must end).
   */
  boolean add(String json, boolean mayForget) {
    sent++;
    partial = null;
    held.addLast(json);
    bytes += size(json);
    while (held.size() > maxMessages || bytes > maxBytes) {
      if (!mayForget) {
        return false;
      }
      bytes -= size(held.removeFirst());
    }
    return true;
  }

  /** The latest partial transcript (newer than every commit), replayed after them. */
  void partial(String json) {
    partial = json;
  }

  /** The latest partial newer than the last commit, or null. */
  String partial() {
    return partial;
  }

  /** Whether a client that received {@code n} commit messages can be given all the rest. */
  boolean canResumeAfter(long n) {
    return n <= sent && n >= sent - held.size();
  }

  /** The client received the first {@code n} messages: they are forgotten. */
  void acknowledge(long n) {
    long first = sent - held.size() + 1;
    for (long i = first; i <= n && !held.isEmpty(); i++) {
      bytes -= size(held.removeFirst());
    }
  }

  /** The messages after the first {@code n}, in order (requires {@link #canResumeAfter}). */
  List<String> after(long n) {
    long first = sent - held.size() + 1;
    List<String> out = new ArrayList<>();
    long i = first;
    for (Iterator<String> it = held.iterator(); it.hasNext(); i++) {
      String m = it.next();
      if (i > n) {
        out.add(m);
      }
    }
    return out;
  }

  private static long size(String json) {
    return 2L * json.length();
  }
}
