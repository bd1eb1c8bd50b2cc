package io.voicewire.audio.vad;

import java.util.List;

/**
 * Finds where speech starts and ends in a stream of 16 kHz mono 16-bit little-endian PCM: the
 * part of a voice-activity detector that the VAD commit needs. {@link VoiceActivityDetector} is
 * the energy-based one in this module; a speech engine may supply a better one for its sessions
 * ({@code SttSession#endpointer}).
 *
 * <p>Implementations are not thread safe: one per stream, fed by one thread at a time.
 */
public interface SpeechEndpointer {
  /**
   * Takes the next chunk (any length, even an odd number of bytes) and returns the boundaries it
   * completed, in order; {@link VadEvent#audioMs()} counts from the stream's start.
   */
  List<VadEvent> process(byte[] pcm16k);
}
