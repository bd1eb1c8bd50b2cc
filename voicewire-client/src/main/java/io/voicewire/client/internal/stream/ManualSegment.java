package io.voicewire.client.internal.stream;

import io.voicewire.speech.Transcript;
import io.voicewire.speech.Word;
import java.util.ArrayList;
import java.util.List;

/**
 * With manual commits, the pieces of one user segment that the stream committed on its own (forced
 * commits in a long replay): held back and delivered, joined, with the answer to the user's own
 * commit, so the user gets exactly one committed transcript per {@code commit()}.
 *
 * <p>Pieces are joined as they came; a space goes between two pieces only when neither has
 * whitespace at the seam. Not thread safe: used under the stream's lock.
 */
final class ManualSegment {
  private final StringBuilder text = new StringBuilder();
  private final List<Word> words = new ArrayList<>();
  private long startMs = -1;
  private String languageCode;

  /** True while a piece is held. */
  boolean holding() {
    return startMs >= 0;
  }

  /** Holds a forced piece that started at {@code startMs} (stream time). */
  void hold(String pieceText, long pieceStartMs, List<Word> pieceWords, String language) {
    if (startMs < 0) {
      startMs = pieceStartMs;
    }
    append(pieceText);
    words.addAll(pieceWords);
    if (language != null) {
      languageCode = language;
    }
  }

  /** The text held so far joined with {@code next}. */
  String joined(String next) {
    StringBuilder sb = new StringBuilder(text);
    join(sb, next);
    return sb.toString();
  }

  /**
   * The committed transcript of the user's segment: the held pieces, then the answer to the user's
   * commit; clears what was held.
   */
  Transcript complete(Transcript last) {
    if (!holding()) {
      return last;
    }
    List<Word> all = new ArrayList<>(words);
    all.addAll(last.words());
    String lang = last.languageCode() != null ? last.languageCode() : languageCode;
    Transcript t = new Transcript(joined(last.text()), true, startMs, last.audioEndMs(),
        List.copyOf(all), lang);
    text.setLength(0);
    words.clear();
    startMs = -1;
    languageCode = null;
    return t;
  }

  private void append(String piece) {
    join(text, piece);
  }

  private static void join(StringBuilder sb, String piece) {
    if (piece == null || piece.isBlank()) {
      return;
    }
    if (!sb.isEmpty() && !Character.isWhitespace(sb.charAt(sb.length() - 1))
        && !Character.isWhitespace(piece.charAt(0))) {
      sb.append(' ');
    }
    sb.append(piece);
  }
}
