package io.voicewire.client;

import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.text.Sentences;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns a stream of text pieces (LLM tokens, keystrokes) into the pieces a TTS WebSocket wants
 * (PROTOCOL.md §2.2, §2.5): each piece ends with whitespace, and
 * <ul>
 *   <li>{@link Mode#SENTENCE} (for {@code auto_mode}, which voices each piece as soon as it
 *       arrives): a piece is a whole sentence, or a clause ending in {@code ,} or {@code —} once
 *       at least {@link #MIN_CLAUSE_CHARS} are buffered, or the words of a run longer than
 *       {@link #MAX_CHUNK_CHARS} with no boundary;
 *   <li>{@link Mode#WORD} (for the chunk-length schedule, where the server buffers): every whole
 *       word as soon as the whitespace after it arrives, like the official Python SDK's
 *       {@code text_chunker}.
 * </ul>
 * A boundary counts only once the whitespace after the terminator has arrived, so {@code "3."}
 * followed by {@code "5"} is not split. Chunking is lossless: the pieces concatenated equal the
 * input, except that {@link #flush()} appends one space to a remainder that does not end in
 * whitespace (the protocol's trailing-space rule).
 *
 * <pre>{@code
 * TextChunker chunker = TextChunker.sentences();
 * for (String token : llmTokens) {
 *   for (String piece : chunker.push(token)) send(piece);
 * }
 * for (String piece : chunker.flush()) send(piece);
 * }</pre>
 *
 * <p>This class is not thread safe.
 */
public final class TextChunker {
  /** How text is split. */
  public enum Mode {
    /** Whole sentences and long clauses; for {@code auto_mode}. */
    SENTENCE,
    /** Whole words; for the chunk-length schedule. */
    WORD
  }

  /** Clauses ending in {@code ,} or {@code —} are split off only from this many chars on. */
  public static final int MIN_CLAUSE_CHARS = 40;
  /** A run this long with no sentence or clause boundary is split at its last word boundary. */
  public static final int MAX_CHUNK_CHARS = 250;
  /** Most characters held waiting for a boundary; beyond this, pieces are cut at any position. */
  public static final int MAX_BUFFERED_CHARS = 4 * MAX_CHUNK_CHARS;

  private final Mode mode;
  private final StringBuilder buffer = new StringBuilder();

  private TextChunker(Mode mode) {
    this.mode = Objects.requireNonNull(mode, "mode == null");
  }

  /** A chunker in {@link Mode#SENTENCE}. */
  public static TextChunker sentences() {
    return new TextChunker(Mode.SENTENCE);
  }

  /** A chunker in {@link Mode#WORD}. */
  public static TextChunker words() {
    return new TextChunker(Mode.WORD);
  }

  /** The chunker that fits a request: sentences with {@code auto_mode}, words otherwise. */
  public static TextChunker forRequest(TtsRequest request) {
    return request.autoMode() ? sentences() : words();
  }

  /** The mode. */
  public Mode mode() {
    return mode;
  }

  /** Characters held, waiting for a boundary. */
  public int buffered() {
    return buffer.length();
  }

  /** Adds text; returns the pieces that became complete (often none). */
  public List<String> push(CharSequence text) {
    Objects.requireNonNull(text, "text == null");
    buffer.append(text);
    List<String> out = new ArrayList<>();
    int cut;
    while ((cut = nextCut()) > 0) {
      out.add(take(cut));
    }
    return out;
  }

  /** Everything held, as one piece ending in whitespace; empty when nothing is held. */
  public List<String> flush() {
    if (buffer.isEmpty()) {
      return List.of();
    }
    String s = take(buffer.length());
    if (!Character.isWhitespace(s.charAt(s.length() - 1))) {
      s = s + " ";
    }
    if (s.isBlank()) {
      return List.of();
    }
    return List.of(s);
  }

  private int nextCut() {
    int n = buffer.length();
    if (n == 0) {
      return -1;
    }
    if (mode == Mode.WORD) {
      // everything up to and including the last whitespace run that is followed by more text,
      // or that ends the buffer
      int end = n;
      while (end > 0 && !Character.isWhitespace(buffer.charAt(end - 1))) {
        end--;
      }
      if (end == 0 || buffer.substring(0, end).isBlank()) {
        return n > MAX_BUFFERED_CHARS ? n : -1;
      }
      return end;
    }
    int sentence = Sentences.firstBoundary(buffer, 0);
    int clause = clauseBoundary();
    int cut = -1;
    if (sentence > 0) {
      cut = sentence;
    }
    if (clause > 0 && (cut < 0 || clause < cut)) {
      cut = clause;
    }
    if (cut > 0) {
      return cut;
    }
    if (n >= MAX_CHUNK_CHARS) {
      int w = Sentences.lastWordBoundary(buffer, n);
      if (w > 0) {
        return w;
      }
      if (n > MAX_BUFFERED_CHARS) {
        return n;
      }
    }
    return -1;
  }

  /** End of the first {@code ,}/{@code —} clause at or after MIN_CLAUSE_CHARS, whitespace included. */
  private int clauseBoundary() {
    int n = buffer.length();
    for (int i = MIN_CLAUSE_CHARS - 1; i < n - 1; i++) {
      char c = buffer.charAt(i);
      if ((c == ',' || c == '—') && Character.isWhitespace(buffer.charAt(i + 1))) {
        if (c == ',' && i > 0 && i + 1 < n && Character.isDigit(buffer.charAt(i - 1))
            && Character.isDigit(buffer.charAt(i + 1))) {
          continue;
        }
        int j = i + 1;
        while (j < n && Character.isWhitespace(buffer.charAt(j))) {
          j++;
        }
        return j;
      }
    }
    return -1;
  }

  private String take(int n) {
    String s = buffer.substring(0, n);
    buffer.delete(0, n);
    return s;
  }
}
