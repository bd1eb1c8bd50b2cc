/**
 * The audio and speech vocabulary every other voicewire module shares: formats and codecs,
 * resampling, the jitter buffer, voice activity detection, metrics, and the speech SPI
 * ({@code SpeechProvider}, sessions, requests, errors). The resampler's implementation
 * ({@code io.voicewire.audio.internal}) is not exported.
 */
module io.voicewire.core {
  requires HdrHistogram; // no module descriptor, no Automatic-Module-Name: named after its jar

  exports io.voicewire.audio;
  exports io.voicewire.audio.buffer;
  exports io.voicewire.audio.vad;
  exports io.voicewire.metrics;
  exports io.voicewire.speech;
  exports io.voicewire.speech.text;
}
