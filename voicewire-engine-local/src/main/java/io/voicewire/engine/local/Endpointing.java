package io.voicewire.engine.local;

/**
 * Which detector decides the end of speech for {@code commit_strategy=vad} commits of the local
 * engine's STT sessions. Both read the protocol's VAD parameters (threshold, silence window,
 * minimum speech and silence); docs/bench-vad.md has the measured comparison.
 */
public enum Endpointing {
  /**
   * Silero VAD v5, a small neural network (run in plain Java, weights bundled from the npm package
   * {@code @ricky0123/vad-web}, MIT). On human speech in noise at 10 dB SNR and below it makes far
   * fewer false commits inside speech than {@link #ENERGY}; about 1–3 % of a core per stream. The
   * default.
   */
  SILERO,
  /** The core energy detector ({@code VoiceActivityDetector}): near-free, good in quiet rooms. */
  ENERGY
}
