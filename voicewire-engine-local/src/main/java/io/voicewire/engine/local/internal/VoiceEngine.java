package io.voicewire.engine.local.internal;

import io.voicewire.speech.VoiceInfo;

/**
 * A voice of the local engine: loads its models once, then hands out one {@link Synthesizer} per
 * worker thread. Thread safe.
 */
interface VoiceEngine {
  /** What {@code /v1/voices} shows for this voice. */
  VoiceInfo info();

  /** The rate of the PCM its synthesizers produce. */
  int sampleRate();

  /** Loads the models; slow (seconds), called once from a start-up thread before any use. */
  void load() throws Exception;

  /** A new synthesizer for the calling thread; only after {@link #load()}. */
  Synthesizer newSynthesizer() throws Exception;
}
