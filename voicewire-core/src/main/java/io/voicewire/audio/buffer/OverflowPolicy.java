package io.voicewire.audio.buffer;

/** What a {@link JitterBuffer} does with audio that would exceed its bound. */
public enum OverflowPolicy {
  /**
   * Refuse the new chunk: {@code offer} returns {@code false} and the buffer is unchanged. The
   * producer keeps the chunk and offers it again later (and stops reading from the network
   * meanwhile). For downlink TTS audio, where every sample must be played.
   */
  BACKPRESSURE,
  /**
   * Accept the new chunk and discard the oldest buffered audio to make room. For live audio,
   * where late audio is worth less than fresh audio.
   */
  DROP_OLDEST
}
