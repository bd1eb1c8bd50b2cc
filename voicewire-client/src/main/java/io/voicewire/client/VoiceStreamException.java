package io.voicewire.client;

import io.voicewire.speech.SpeechError;

/** Thrown by the blocking helpers when their stream failed. */
public final class VoiceStreamException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient SpeechError error;

  public VoiceStreamException(SpeechError error) {
    super(error.toString());
    this.error = error;
  }

  /** The stream's error. */
  public SpeechError error() {
    return error;
  }
}
