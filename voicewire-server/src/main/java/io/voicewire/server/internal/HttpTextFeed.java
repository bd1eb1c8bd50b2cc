package io.voicewire.server.internal;

import io.voicewire.speech.TtsSession;
import io.voicewire.speech.text.Sentences;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A streaming HTTP request's text, given to its session as the client takes the audio: the
 * engine's backpressure. An engine far faster than real time would otherwise voice a long text at
 * once, and a client reading at its own pace would see its stream cut at {@code maxQueuedBytes}
 * although it reads ({@code BackpressureTest}).
 *
 * <p>The text is cut losslessly into whole sentences, joined into pieces of up to {@link
 * #PIECE_CHARS} characters (a longer sentence is a piece of its own: cutting inside a sentence
 * would change how it is spoken). Each piece is sent with a flush. The next piece goes when the
 * audio queued for the client is below half of {@code maxQueuedAudioMillis} and fewer than
 * {@link #PIECES_AHEAD} pieces wait for their flush to be voiced ({@code onFlushed}). An engine
 * that reports no flushes is fed whenever its queue is low and nothing arrived for {@link
 * #STALL_MILLIS}. After the last piece, {@link TtsSession#end()}.
 *
 * <p>So the audio waiting for the client stays below the half mark plus the audio of two
 * pieces, and a client that stops reading stops the synthesis too: text not yet sent is never
 * voiced. The character cost is the whole text's either way.
 *
 * <p>Thread safe: {@link #topUp} runs on the request's thread only; {@link #flushed} and {@link
 * #progress} on the provider's.
 */
final class HttpTextFeed {
  /** The most characters of whole sentences in one piece (a longer sentence is one piece). */
  static final int PIECE_CHARS = 200;
  /** Pieces sent whose flush has not been reported yet, at most. */
  static final int PIECES_AHEAD = 2;
  /** With no audio and no flush for this long, the next piece goes anyway (see above). */
  static final long STALL_MILLIS = 1_000;

  private final List<String> pieces;
  private final long lowWaterMillis;
  private final AtomicInteger flushes = new AtomicInteger();
  private volatile long lastProgressNanos = System.nanoTime();
  private int next; // request thread only
  private boolean ended; // request thread only

  /**
   * @param text the request's text
   * @param lowWaterMillis audio queued for the client below which the next piece may go
   */
  HttpTextFeed(String text, long lowWaterMillis) {
    this.pieces = pieces(text);
    this.lowWaterMillis = lowWaterMillis;
  }

  /** {@code text} in order, as whole sentences joined up to {@link #PIECE_CHARS} characters. */
  static List<String> pieces(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder piece = new StringBuilder();
    for (String sentence : Sentences.split(text)) {
      if (piece.length() > 0 && piece.length() + sentence.length() > PIECE_CHARS) {
        out.add(piece.toString());
        piece.setLength(0);
      }
      piece.append(sentence);
    }
    if (piece.length() > 0) {
      out.add(piece.toString());
    }
    return out;
  }

  /** The provider voiced everything before one of the feed's flushes (provider's thread). */
  void flushed() {
    flushes.incrementAndGet();
    progress();
  }

  /** Audio arrived (provider's thread). */
  void progress() {
    lastProgressNanos = System.nanoTime();
  }

  /**
   * Sends the pieces the client's queue has room for, and ends the session after the last
   * (request thread). Stops quietly when the session takes no more input (closed, failed).
   *
   * @param queuedMillis audio waiting for the client now
   */
  void topUp(TtsSession session, long queuedMillis) {
    while (!ended) {
      if (next == pieces.size()) {
        ended = true;
        session.end();
        return;
      }
      boolean room = next - flushes.get() < PIECES_AHEAD
          || System.nanoTime() - lastProgressNanos
              > TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS);
      if (next > 0 && (queuedMillis >= lowWaterMillis || !room)) {
        return;
      }
      lastProgressNanos = System.nanoTime();
      if (!session.send(pieces.get(next)) || !session.flush()) {
        ended = true;
        return;
      }
      next++;
    }
  }
}
