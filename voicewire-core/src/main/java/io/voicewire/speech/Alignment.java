package io.voicewire.speech;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Character timing of one audio chunk (PROTOCOL.md §2.4): one entry per character, spaces and
 * punctuation included; times in milliseconds <b>relative to the start of the chunk</b>.
 *
 * @param chars the characters (an entry may be longer than one char)
 * @param charStartTimesMs start of each character, ms from the chunk start
 * @param charDurationsMs duration of each character, ms
 */
public record Alignment(List<String> chars, int[] charStartTimesMs, int[] charDurationsMs) {
  public Alignment {
    chars = List.copyOf(Objects.requireNonNull(chars, "chars == null"));
    charStartTimesMs = charStartTimesMs.clone();
    charDurationsMs = charDurationsMs.clone();
    if (charStartTimesMs.length != chars.size() || charDurationsMs.length != chars.size()) {
      throw new IllegalArgumentException("alignment arrays differ in length: chars="
          + chars.size() + " starts=" + charStartTimesMs.length + " durations="
          + charDurationsMs.length);
    }
  }

  /** The characters joined, i.e. the text this chunk voices. */
  public String text() {
    return String.join("", chars);
  }

  /** Number of entries. */
  public int size() {
    return chars.size();
  }

  @Override
  public int[] charStartTimesMs() {
    return charStartTimesMs.clone();
  }

  @Override
  public int[] charDurationsMs() {
    return charDurationsMs.clone();
  }

  /** Start of entry {@code i} without copying the array. */
  public int startMs(int i) {
    return charStartTimesMs[i];
  }

  /** Duration of entry {@code i} without copying the array. */
  public int durationMs(int i) {
    return charDurationsMs[i];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Alignment a && chars.equals(a.chars)
        && Arrays.equals(charStartTimesMs, a.charStartTimesMs)
        && Arrays.equals(charDurationsMs, a.charDurationsMs);
  }

  @Override
  public int hashCode() {
    return chars.hashCode() * 31 + Arrays.hashCode(charStartTimesMs);
  }

  @Override
  public String toString() {
    return "Alignment[" + text() + "]";
  }
}
