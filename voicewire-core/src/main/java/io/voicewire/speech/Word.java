package io.voicewire.speech;

import java.util.List;
import java.util.Objects;

/**
 * A word (or spacing, or audio event) of a transcript, with times in seconds from the start of
 * the session's audio (PROTOCOL.md §5.3 {@code words[]}, the Scribe document's {@code Word}).
 *
 * @param text the word
 * @param start start, seconds
 * @param end end, seconds
 * @param type {@code word}, {@code spacing} or {@code audio_event}
 * @param logprob log probability, ≤ 0
 * @param speakerId {@code speaker_id}: who said it (diarisation), or null when not sent
 * @param characters {@code characters}: its characters with their own times; empty when not sent
 * @param channelIndex {@code channel_index}: the channel of multichannel audio, or null
 */
public record Word(String text, double start, double end, String type, double logprob,
    String speakerId, List<Char> characters, Integer channelIndex) {

  /**
   * One character of a word ({@code TranscriptCharacter}); the times are null when the sender
   * gave none (the JS SDK's committed words carry characters as plain strings).
   *
   * @param text the character
   * @param start start, seconds, or null
   * @param end end, seconds, or null
   */
  public record Char(String text, Double start, Double end) {
    public Char {
      Objects.requireNonNull(text, "text == null");
    }

    /** This character moved by {@code seconds}. */
    Char shifted(double seconds) {
      return new Char(text, start == null ? null : start + seconds,
          end == null ? null : end + seconds);
    }
  }

  public Word {
    Objects.requireNonNull(text, "text == null");
    Objects.requireNonNull(type, "type == null");
    if (end < start) {
      throw new IllegalArgumentException("end < start: " + end + " < " + start);
    }
    characters = List.copyOf(characters == null ? List.of() : characters);
  }

  /** A word without speaker, characters or channel. */
  public Word(String text, double start, double end, String type, double logprob) {
    this(text, start, end, type, logprob, null, List.of(), null);
  }

  /** This word (and its characters) moved by {@code seconds} on the audio timeline. */
  public Word shifted(double seconds) {
    return new Word(text, start + seconds, end + seconds, type, logprob, speakerId,
        characters.stream().map(c -> c.shifted(seconds)).toList(), channelIndex);
  }

  /** A copy with other text (the same times, speaker, characters and channel). */
  public Word withText(String newText) {
    return new Word(newText, start, end, type, logprob, speakerId, characters, channelIndex);
  }
}
