package io.voicewire.speech;

import java.util.List;
import java.util.Objects;

/**
 * A partial or committed transcript.
 *
 * <p>{@code audioStartMs} and {@code audioEndMs} locate the text in the session's audio: the
 * milliseconds of audio received since the session started (not wall-clock time). They are what
 * reconnect logic uses to drop a committed transcript repeated across a seam.
 *
 * @param text the text; may be empty for a committed segment with no speech
 * @param committed true for a committed transcript, false for a partial one
 * @param audioStartMs start of the segment in the session's audio, ms
 * @param audioEndMs end of the segment in the session's audio, ms
 * @param words word timings (committed with timestamps only), else empty
 * @param languageCode detected language, or null
 */
public record Transcript(
    String text, boolean committed, long audioStartMs, long audioEndMs, List<Word> words,
    String languageCode) {
  public Transcript {
    Objects.requireNonNull(text, "text == null");
    words = List.copyOf(words == null ? List.of() : words);
    if (audioEndMs < audioStartMs) {
      throw new IllegalArgumentException("audioEndMs < audioStartMs: " + audioEndMs + " < "
          + audioStartMs);
    }
  }

  /** A partial transcript. */
  public static Transcript partial(String text, long audioStartMs, long audioEndMs) {
    return new Transcript(text, false, audioStartMs, audioEndMs, List.of(), null);
  }
}
