package io.voicewire.engine.local.internal;

/**
 * One engine instance that turns a sentence into audio. Instances are not thread safe: each TTS
 * worker thread owns its own (see {@link VoiceEngine#newSynthesizer()}).
 */
interface Synthesizer {
  /** Receives what {@link #synthesize} produces, on the calling thread. */
  interface Sink {
    /** The planned timing of the sentence; called once, before any audio. */
    void timing(SentenceTiming timing);

    /**
     * The next piece of audio: 16-bit little-endian mono PCM at the voice's native rate.
     *
     * @return false to stop synthesis (the session was cancelled)
     */
    boolean audio(byte[] pcm, int off, int len);
  }

  /**
   * Synthesizes {@code sentence} (which has something to say: a letter or a digit), blocking
   * until its audio has been delivered to {@code sink} or the sink asked to stop.
   *
   * @param speed the speaking rate, 1.0 normal, 0.7–1.2
   * @throws Exception when the engine fails on this text
   */
  void synthesize(String sentence, double speed, Sink sink) throws Exception;
}
