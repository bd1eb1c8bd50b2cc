package io.voicewire.speech;

import java.util.Objects;

/**
 * A word (or spacing, or audio event) of a committed transcript, with times in seconds from the
 * start of the session's audio (PROTOCOL.md §5.3 {@code words[]}).
 *
 * @param text the word
 * @param start start, seconds
 * @param end end, seconds
 * @param type {@code word}, {@code spacing} or {@code audio_event}
 * @param logprob log probability, ≤ 0
 */
public record Word(String text, double start, double end, String type, double logprob) {
  public Word {
    Objects.requireNonNull(text, "text == null");
    Objects.requireNonNull(type, "type == null");
    if (end < start) {
      throw new IllegalArgumentException("end < start: " + end + " < " + start);
    }
  }
}
