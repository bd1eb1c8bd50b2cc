package io.voicewire.speech.text;

import java.util.ArrayList;
import java.util.List;

/**
 * The protocol's text-buffering rules for streaming TTS, in one place for every engine
 * (PROTOCOL.md §2.5): the chunk-length schedule, {@code flush}, {@code try_trigger_generation},
 * end of input, and {@code auto_mode}.
 *
 * <ul>
 *   <li>Schedule {@code [120,160,250,290]}: the first release waits until 120 characters are
 *       buffered, the next until a further 160, then 250, then 290 for every one after. A release
 *       stops at the last word boundary, so a word is never split across two generations, nor a
 *       markup tag of up to {@link #MAX_TAG_CHARS} characters ({@code <break time="1s" />}
 *       has spaces in it, and an engine reads the tag only whole).
 *   <li>{@code auto_mode}: the schedule is off; every complete sentence or clause is released as
 *       soon as its terminator and a following space arrive.
 *   <li>{@link #flush()} and {@link #end()} release everything buffered.
 * </ul>
 *
 * <p>The returned pieces are in input order and, concatenated, equal the input exactly (nothing
 * is trimmed or lost), so character offsets stay valid for alignment. This class is not thread
 * safe; sessions call it under their own lock.
 */
public final class TextReleaser {
  /** {@code try_trigger_generation} releases only when at least this many chars are buffered. */
  public static final int TRY_TRIGGER_MIN_CHARS = 50;
  /** A {@code <...>} tag this long or shorter is released whole, never cut at a space in it. */
  public static final int MAX_TAG_CHARS = 64;
  /** Most characters a session may hold unreleased; more is an input error. */
  public static final int MAX_BUFFERED_CHARS = 100_000;

  private final List<Integer> schedule;
  private final boolean autoMode;
  private final StringBuilder buffer = new StringBuilder();
  private int releases;
  private long releasedChars;

  /**
   * @param schedule the chunk-length schedule, each value 50–500
   * @param autoMode release at sentence boundaries instead of following the schedule
   */
  public TextReleaser(List<Integer> schedule, boolean autoMode) {
    java.util.Objects.requireNonNull(schedule, "schedule == null");
    if (schedule.isEmpty()) {
      throw new IllegalArgumentException("schedule is empty");
    }
    for (int v : schedule) {
      if (v < io.voicewire.speech.TtsRequest.MIN_SCHEDULE_CHARS
          || v > io.voicewire.speech.TtsRequest.MAX_SCHEDULE_CHARS) {
        throw new IllegalArgumentException("chunk_length_schedule values must be in range ["
            + io.voicewire.speech.TtsRequest.MIN_SCHEDULE_CHARS + ","
            + io.voicewire.speech.TtsRequest.MAX_SCHEDULE_CHARS + "]: " + v);
      }
    }
    this.schedule = List.copyOf(schedule);
    this.autoMode = autoMode;
  }

  /**
   * Appends text and returns the pieces that became releasable (possibly none).
   *
   * @throws IllegalStateException when more than {@link #MAX_BUFFERED_CHARS} would be buffered
   */
  public List<String> append(String text) {
    java.util.Objects.requireNonNull(text, "text == null");
    if (buffer.length() + text.length() > MAX_BUFFERED_CHARS) {
      throw new IllegalStateException("more than " + MAX_BUFFERED_CHARS
          + " characters buffered without a flush");
    }
    buffer.append(text);
    List<String> out = new ArrayList<>();
    if (autoMode) {
      int cut;
      while ((cut = Sentences.firstBoundary(buffer, 0)) > 0) {
        out.add(take(cut));
      }
    } else {
      while (buffer.length() >= threshold()) {
        int cut = outsideTag(Sentences.lastWordBoundary(buffer, buffer.length()));
        if (cut <= 0) {
          break; // one long word (or a tag): wait for its end or a flush
        }
        out.add(take(cut));
      }
    }
    return out;
  }

  /** Releases everything buffered (empty list when nothing is). */
  public List<String> flush() {
    if (buffer.isEmpty()) {
      return List.of();
    }
    return List.of(take(buffer.length()));
  }

  /** End of input: releases everything buffered, like {@link #flush()}. */
  public List<String> end() {
    return flush();
  }

  /** {@code try_trigger_generation}: release up to the last word boundary if enough is buffered. */
  public List<String> tryTrigger() {
    if (buffer.length() < TRY_TRIGGER_MIN_CHARS) {
      return List.of();
    }
    int cut = outsideTag(Sentences.lastWordBoundary(buffer, buffer.length()));
    return cut <= 0 ? List.of() : List.of(take(cut));
  }

  /** Characters waiting for release. */
  public int buffered() {
    return buffer.length();
  }

  /** Characters released so far. */
  public long releasedChars() {
    return releasedChars;
  }

  /**
   * {@code cut}, or the start of a tag open at it: a {@code <} before a letter, {@code /} or
   * {@code !}, with no {@code >} after it, at most {@link #MAX_TAG_CHARS} back.
   */
  private int outsideTag(int cut) {
    for (int i = cut - 1; i >= 0 && i >= cut - MAX_TAG_CHARS; i--) {
      char c = buffer.charAt(i);
      if (c == '>') {
        return cut;
      }
      if (c == '<' && i + 1 < cut && (Character.isLetter(buffer.charAt(i + 1))
          || buffer.charAt(i + 1) == '/' || buffer.charAt(i + 1) == '!')) {
        return i;
      }
    }
    return cut;
  }

  private int threshold() {
    return schedule.get(Math.min(releases, schedule.size() - 1));
  }

  private String take(int n) {
    String s = buffer.substring(0, n);
    buffer.delete(0, n);
    releases++;
    releasedChars += n;
    return s;
  }
}
