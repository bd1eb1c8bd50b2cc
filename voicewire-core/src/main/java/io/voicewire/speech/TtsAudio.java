package io.voicewire.speech;

import java.util.Objects;

/**
 * One chunk of synthesized audio with its timing.
 *
 * @param audio the bytes, in the request's output format (a whole number of frames for PCM)
 * @param alignment timing of the original input text, or null when the chunk carries none
 * @param normalizedAlignment timing of the normalized text (numbers spelled out), or null
 */
public record TtsAudio(byte[] audio, Alignment alignment, Alignment normalizedAlignment) {
  public TtsAudio {
    Objects.requireNonNull(audio, "audio == null");
  }

  @Override
  public String toString() {
    return "TtsAudio[" + audio.length + " bytes, " + alignment + "]";
  }
}
