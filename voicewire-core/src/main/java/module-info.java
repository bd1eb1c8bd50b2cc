/**
 * The audio and speech vocabulary every other voicewire module shares: formats and codecs,
 * resampling, the jitter buffer, voice activity detection, metrics, and the speech SPI
 * ({@code SpeechProvider}, sessions, requests, errors). The resampler's implementation
 * ({@code io.voicewire.audio.internal}) is not exported.
 */
module io.voicewire.core {
  requires HdrHistogram; // no module descriptor, no Automatic-Module-Name: named after its jar
  // the MP3 and Opus encoders (AudioEncoder) are optional: a module that encodes requires them
  requires static jump3r; // named after its jar, as HdrHistogram
  requires static concentus;
  requires static java.desktop; // jump3r's API names javax.sound.sampled types

  exports io.voicewire.audio;
  exports io.voicewire.audio.buffer;
  exports io.voicewire.audio.vad;
  exports io.voicewire.metrics;
  exports io.voicewire.speech;
  exports io.voicewire.speech.text;
}
