package io.voicewire.engine.local.internal;

import java.io.IOException;

/**
 * One engine instance that turns a sentence into audio. Instances are not thread safe: each TTS
 * worker thread owns its own (see {@link VoiceEngine#newSynthesizer()}).
 *
 * <p>A sentence is {@link #start started} (the work that must precede its first audio: front end,
 * timing, parameters) and then its audio is {@link SentenceAudio#read read} piece by piece. An
 * utterance lives on after {@code start} returns and does not need its synthesizer any more: a
 * worker may read part of it, put it aside to serve another session, start other sentences with
 * the same synthesizer, and any worker may read on later. That is how the scheduler shares the
 * workers between sessions in pieces smaller than a sentence ({@link TtsScheduler}).
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
   * One started sentence: its timing and its audio, read in order. Confined to one thread at a
   * time (the scheduler hands it over between workers, which orders the accesses).
   */
  interface SentenceAudio {
    /** The timing of the whole sentence, known before any audio. */
    SentenceTiming timing();

    /**
     * Reads the next audio, 16-bit little-endian mono PCM at the voice's native rate (an even
     * count of bytes), blocking while the engine computes it.
     *
     * @return the bytes read, or -1 at the end of the sentence
     */
    int read(byte[] b, int off, int len) throws IOException;

    /** Gives up the rest of the audio and lets the engine's threads go; idempotent. */
    void abandon();
  }

  /**
   * Starts {@code sentence} (which has something to say: a letter or a digit): does the work that
   * precedes its first audio and returns the utterance to read.
   *
   * @param speed the speaking rate, 1.0 normal, 0.7–1.2
   * @throws Exception when the engine fails on this text
   */
  SentenceAudio start(String sentence, double speed) throws Exception;

  /**
   * Synthesizes {@code sentence} whole, blocking until its audio has been delivered to {@code
   * sink} or the sink asked to stop.
   */
  default void synthesize(String sentence, double speed, Sink sink) throws Exception {
    SentenceAudio u = start(sentence, speed);
    sink.timing(u.timing());
    byte[] buf = new byte[8192];
    int n;
    while ((n = u.read(buf, 0, buf.length)) != -1) {
      if (n > 0 && !sink.audio(buf, 0, n)) {
        u.abandon();
        return;
      }
    }
  }

  /** An utterance whose audio is all in memory already. */
  static SentenceAudio inMemory(SentenceTiming timing, byte[] pcm) {
    return new SentenceAudio() {
      private int pos;

      @Override
      public SentenceTiming timing() {
        return timing;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (pos >= pcm.length) {
          return -1;
        }
        int n = Math.min(len & ~1, pcm.length - pos);
        System.arraycopy(pcm, pos, b, off, n);
        pos += n;
        return n;
      }

      @Override
      public void abandon() {
        pos = pcm.length;
      }
    };
  }
}
