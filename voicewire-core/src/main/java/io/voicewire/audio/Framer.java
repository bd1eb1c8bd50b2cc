package io.voicewire.audio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Cuts a byte stream of one decodable {@link AudioFormat} into frames of fixed duration,
 * whatever the sizes of the pieces pushed in.
 *
 * <p>Frame borders are placed at exact sample positions: frame {@code k} ends at sample
 * {@code floor(T_k · rate / 1000)}, where {@code T_k} is the sum of the frame durations so far in
 * milliseconds, so rates such as 22,050 Hz give frames of 220 and 221 samples that never drift.
 *
 * <p>Progressive framing (for a short time to first audio): the first frame is 20 ms, each next
 * frame twice the previous, until {@code frameMillis} (20, 40, 80, 160, then 200, 200, ... for
 * {@code frameMillis = 200}). When {@code frameMillis} is below 20 every frame is
 * {@code frameMillis}.
 *
 * <p>{@link #flush()} returns the remainder (whole samples; a trailing partial sample is dropped)
 * and restarts the framer, progressive schedule included, for the next stream or generation.
 * This class is not thread safe.
 *
 * <pre>{@code
 * Framer framer = new Framer(AudioFormat.PCM_16000, 100, true);
 * for (byte[] frame : framer.push(pieceFromEngine)) send(frame);
 * send(framer.flush());
 * }</pre>
 */
public final class Framer {
  /** First frame of a progressive framer. */
  public static final int PROGRESSIVE_FIRST_MILLIS = 20;
  /** Longest frame. */
  public static final int MAX_FRAME_MILLIS = 10_000;

  private final AudioFormat format;
  private final int frameMillis;
  private final boolean progressive;
  private byte[] buf = new byte[4096];
  private int len;
  private long elapsedMillis;
  private long emittedSamples;
  private int nextMillis;

  /**
   * @param format a decodable format (PCM, μ-law, A-law)
   * @param frameMillis duration of a frame, 1–{@value #MAX_FRAME_MILLIS} ms
   * @param progressive start at 20 ms and double up to {@code frameMillis}
   */
  public Framer(AudioFormat format, int frameMillis, boolean progressive) {
    this.format = Objects.requireNonNull(format, "format == null");
    if (!format.isDecodable()) {
      throw new IllegalArgumentException("cannot frame " + format.wireName() + ": opaque format");
    }
    if (frameMillis < 1 || frameMillis > MAX_FRAME_MILLIS) {
      throw new IllegalArgumentException(
          "frameMillis must be in range [1," + MAX_FRAME_MILLIS + "]: " + frameMillis);
    }
    this.frameMillis = frameMillis;
    this.progressive = progressive;
    restart();
  }

  /** Appends {@code piece} and returns the frames it completed, in order (often none). */
  public List<byte[]> push(byte[] piece) {
    Objects.requireNonNull(piece, "piece == null");
    if (len + piece.length > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(len + piece.length, buf.length * 2));
    }
    System.arraycopy(piece, 0, buf, len, piece.length);
    len += piece.length;
    List<byte[]> out = new ArrayList<>();
    int pos = 0;
    while (true) {
      int bytes = nextFrameBytes();
      if (len - pos < bytes) {
        break;
      }
      out.add(Arrays.copyOfRange(buf, pos, pos + bytes));
      pos += bytes;
      advance(bytes);
    }
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, len - pos);
      len -= pos;
    }
    return out;
  }

  /** Returns what is buffered (whole samples, maybe empty) and restarts the framer. */
  public byte[] flush() {
    int whole = len - len % format.frameSize();
    byte[] rest = Arrays.copyOf(buf, whole);
    len = 0;
    restart();
    return rest;
  }

  /** Bytes buffered, waiting for a frame to complete. */
  public int buffered() {
    return len;
  }

  /** Bytes of the next frame. */
  public int nextFrameBytes() {
    long endSample = (elapsedMillis + nextMillis) * format.sampleRate() / 1000;
    return Math.toIntExact((endSample - emittedSamples) * format.frameSize());
  }

  /** Duration of the next frame in milliseconds. */
  public int nextFrameMillis() {
    return nextMillis;
  }

  /** The format. */
  public AudioFormat format() {
    return format;
  }

  private void advance(int bytes) {
    emittedSamples += bytes / format.frameSize();
    elapsedMillis += nextMillis;
    nextMillis = Math.min(frameMillis, nextMillis * 2);
  }

  private void restart() {
    elapsedMillis = 0;
    emittedSamples = 0;
    nextMillis = progressive ? Math.min(PROGRESSIVE_FIRST_MILLIS, frameMillis) : frameMillis;
  }
}
