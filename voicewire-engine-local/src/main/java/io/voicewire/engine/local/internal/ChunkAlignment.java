package io.voicewire.engine.local.internal;

import io.voicewire.speech.Alignment;
import java.util.ArrayList;
import java.util.List;

/**
 * The text-to-alignment bookkeeping of one synthesized sentence: which characters start in each
 * audio chunk, and when, relative to the chunk's start. It keeps two cursors, one over the text as
 * sent ({@link #original}) and one over the normalized text as spoken ({@link #normalized}), so
 * that every character appears in exactly one chunk, in order. Text with nothing to say that waits
 * from before the sentence is carried by its next chunk's original alignment, at time 0.
 *
 * <p>Not thread safe: confined to the worker that synthesizes the sentence.
 */
final class ChunkAlignment {
  private final NormalizedText text;
  private final StringBuilder silentChars;
  private final Cursor orig = new Cursor();
  private final Cursor norm = new Cursor();

  /**
   * @param silentChars the session's text with nothing to say that waits for a chunk to carry
   *     it; the next original alignment takes it and empties it
   */
  ChunkAlignment(NormalizedText text, StringBuilder silentChars) {
    this.text = text;
    this.silentChars = silentChars;
  }

  /** The synthesizer's timing of the sentence (none: its characters all go to the last chunk). */
  void timing(SentenceTiming timing) {
    orig.timeline = CharTimeline.original(text, timing);
    norm.timeline = CharTimeline.normalized(text.spoken(), timing);
  }

  /**
   * The alignment of the original text for the chunk {@code [chunkStartMs, chunkEndMs)}, in the
   * session's output time; the {@code last} chunk of the sentence takes all that is left. It
   * begins with the waiting text that has nothing to say, at time 0.
   */
  Alignment original(double sentenceStartMs, double chunkStartMs, double chunkEndMs,
      boolean last) {
    List<String> cs = new ArrayList<>();
    List<int[]> times = new ArrayList<>();
    if (!silentChars.isEmpty()) {
      for (String c : CharTimeline.codePoints(silentChars.toString())) {
        cs.add(c);
        times.add(new int[] {0, 0});
      }
      silentChars.setLength(0);
    }
    orig.slice(sentenceStartMs, chunkStartMs, chunkEndMs, last, cs, times);
    return alignment(cs, times);
  }

  /** As {@link #original}, for the normalized text (without waiting silent text). */
  Alignment normalized(double sentenceStartMs, double chunkStartMs, double chunkEndMs,
      boolean last) {
    List<String> cs = new ArrayList<>();
    List<int[]> times = new ArrayList<>();
    norm.slice(sentenceStartMs, chunkStartMs, chunkEndMs, last, cs, times);
    return alignment(cs, times);
  }

  /** The alignment of text with nothing to say, all at time 0. */
  static Alignment silent(String text) {
    List<String> cs = CharTimeline.codePoints(text);
    int[] zeros = new int[cs.size()];
    return new Alignment(cs, zeros, zeros);
  }

  private static Alignment alignment(List<String> cs, List<int[]> times) {
    int[] starts = new int[cs.size()];
    int[] durs = new int[cs.size()];
    for (int i = 0; i < starts.length; i++) {
      starts[i] = times.get(i)[0];
      durs[i] = times.get(i)[1];
    }
    return new Alignment(cs, starts, durs);
  }

  /** One timeline of the sentence and the next of its characters that no chunk has taken. */
  private static final class Cursor {
    /** Null until {@link #timing} (and without a timing: nothing until the last chunk). */
    CharTimeline timeline;
    int next;

    /**
     * Adds the characters that start in the chunk (all that are left for the {@code last} one),
     * with their times relative to the chunk's start, and moves past them.
     */
    void slice(double sentenceStartMs, double chunkStartMs, double chunkEndMs, boolean last,
        List<String> cs, List<int[]> times) {
      double lenMs = chunkEndMs - chunkStartMs;
      CharTimeline t = timeline;
      while (t != null && next < t.size()
          && (last || sentenceStartMs + t.startMs(next) < chunkEndMs)) {
        double s = sentenceStartMs + t.startMs(next) - chunkStartMs;
        double e = sentenceStartMs + t.endMs(next) - chunkStartMs;
        int rs = (int) Math.round(Math.max(0, Math.min(s, lenMs)));
        int re = (int) Math.round(Math.max(0, e));
        cs.add(t.charAt(next));
        times.add(new int[] {rs, Math.max(0, re - rs)});
        next++;
      }
    }
  }
}
