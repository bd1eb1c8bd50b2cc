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

  /**
   * True when a sentence's start grows with its length enough that a session waiting for audio
   * should get its sentence's first phrase first ({@link FirstPhrase}); false for voices whose
   * start is a few milliseconds whatever the length.
   */
  default boolean cutsFirstPhrase() {
    return false;
  }
}
