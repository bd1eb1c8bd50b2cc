package io.voicewire.audio.buffer;

/**
 * A playout buffer for streamed audio: a network thread offers chunks as they arrive, the audio
 * output reads fixed amounts at its own pace, and the buffer absorbs the difference in timing.
 *
 * <p>The algorithm, identical in Java and in the browser player, is specified step by step in
 * {@code test-vectors/jitter/README.md} and checked by the shared vectors there. In short:
 * playback starts (and restarts after running dry) once the buffered audio reaches a target
 * delay; the target follows the jitter measured on the arrivals, between two bounds; the
 * buffered audio is bounded, and overflow follows an {@link OverflowPolicy}.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Nothing blocks and nothing throws for full or empty: {@link #offer} returns
 *       {@code false} when refused, {@link #read} always fills the requested bytes (with silence
 *       when there is no audio).
 *   <li>Capacity is fixed at construction; the hot path does not allocate.
 *   <li>Wrong-state calls return {@code false} ({@code offer} or {@code end} after {@code end}).
 *   <li>Arguments are checked: lengths must be whole samples.
 * </ul>
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   BUFFERING ──(buffered ≥ target, or end() with audio left)──► PLAYING
 *   PLAYING ──(ran dry, not ended: an underrun)──► BUFFERING
 *   PLAYING/BUFFERING ──(ended and empty)──► ENDED (terminal until reset)
 * </pre>
 */
public interface JitterBuffer {

  /** Playout state. */
  enum State {
    /** Collecting audio up to the target delay; reads return silence. */
    BUFFERING,
    /** Playing out audio. */
    PLAYING,
    /** The stream ended and everything was played; reads return silence. */
    ENDED
  }

  /** Offers a chunk that arrived now (by the buffer's clock). */
  boolean offer(byte[] chunk);

  /**
   * Offers {@code chunk[off, off+len)} which arrived from the network at {@code arrivalMillis}
   * (by the buffer's clock). A producer re-offering a refused chunk passes its original arrival
   * time, so waiting for room is not mistaken for network jitter.
   *
   * @return false when refused (full under {@link OverflowPolicy#BACKPRESSURE}, or ended)
   */
  boolean offer(byte[] chunk, int off, int len, long arrivalMillis);

  /**
   * Plays out exactly {@code len} bytes into {@code dst[off, off+len)}: audio when there is
   * some, silence (in the buffer's encoding) for the rest.
   *
   * @return the number of bytes that were audio rather than filler silence
   */
  int read(byte[] dst, int off, int len);

  /** Marks the end of the stream (producer): the rest is played without waiting for a target. */
  boolean end();

  /** The playout state. */
  State state();

  /** A snapshot of the counters (allocates; not for the audio callback). */
  JitterStats stats();

  /** Audio waiting to be played, in milliseconds. */
  int bufferedMillis();

  /** The current target delay in milliseconds. */
  int targetMillis();

  /** The settings. */
  JitterBufferConfig config();
}
