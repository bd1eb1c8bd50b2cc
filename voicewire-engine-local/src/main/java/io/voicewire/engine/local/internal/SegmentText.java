package io.voicewire.engine.local.internal;

import io.voicewire.speech.Transcript;
import io.voicewire.speech.Word;
import java.util.ArrayList;
import java.util.List;

/**
 * The text of the segment an STT session is assembling: the utterances its finished passes
 * decoded since the last commit, with their words in session time. It makes the partials (the
 * text so far, never the same one twice in a row) and the committed transcript.
 *
 * <p>Not thread safe: the owning session guards it with its lock.
 */
final class SegmentText {
  private final boolean includeTimestamps;
  private final boolean includeLanguage;
  private final List<DecoderPool.TimedWord> words = new ArrayList<>();
  private final List<String> texts = new ArrayList<>();
  private long startMs; // start of the segment being assembled from finished passes
  private String lastPartial = "";

  SegmentText(boolean includeTimestamps, boolean includeLanguage) {
    this.includeTimestamps = includeTimestamps;
    this.includeLanguage = includeLanguage;
  }

  /**
   * The partial for a pass's running {@code hypothesis}, or null when it is empty or the same as
   * the previous partial.
   *
   * @param zeroMs session time of the pass's first byte
   * @param lastWordEndMs end of the hypothesis's last word in pass time, or negative if unknown
   * @param nowMs session time now, used when the end is unknown
   */
  Transcript partial(String hypothesis, long zeroMs, long lastWordEndMs, long nowMs) {
    String full = join(hypothesis);
    if (full.isEmpty() || full.equals(lastPartial)) {
      return null;
    }
    lastPartial = full;
    long end = lastWordEndMs < 0 ? nowMs : Math.max(startMs, zeroMs + lastWordEndMs);
    return Transcript.partial(full, startMs, Math.max(startMs, end));
  }

  /** Adds a pass's finished utterance; its word times are in pass time from {@code zeroMs}. */
  void add(String text, List<DecoderPool.TimedWord> passWords, long zeroMs) {
    texts.add(text);
    for (DecoderPool.TimedWord w : passWords) {
      words.add(new DecoderPool.TimedWord(w.text(), zeroMs + w.startMs(), zeroMs + w.endMs(),
          w.confidence()));
    }
  }

  /**
   * Ends the segment {@code [segmentStartMs, segmentEndMs]} and starts the next at its end.
   *
   * @return its committed transcript, or null when {@code always} is false and it has no text
   */
  Transcript commit(long segmentStartMs, long segmentEndMs, boolean always) {
    String text = String.join(" ", texts).strip();
    List<Word> out = new ArrayList<>();
    if (includeTimestamps && (always || !text.isEmpty())) {
      for (DecoderPool.TimedWord w : words) {
        double start = Math.max(segmentStartMs, w.startMs()) / 1000.0;
        double end = Math.max(start * 1000, w.endMs()) / 1000.0;
        double conf = w.confidence() > 0 ? Math.min(0, Math.log(w.confidence())) : 0;
        out.add(new Word(w.text(), start, end, "word", conf));
      }
    }
    texts.clear();
    words.clear();
    lastPartial = "";
    startMs = segmentEndMs;
    if (!always && text.isEmpty()) {
      return null;
    }
    return new Transcript(text, true, segmentStartMs, Math.max(segmentStartMs, segmentEndMs),
        out, includeLanguage ? "en" : null);
  }

  private String join(String hypothesis) {
    StringBuilder sb = new StringBuilder(String.join(" ", texts));
    if (!hypothesis.isBlank()) {
      if (!sb.isEmpty()) {
        sb.append(' ');
      }
      sb.append(hypothesis.strip());
    }
    return sb.toString();
  }
}
