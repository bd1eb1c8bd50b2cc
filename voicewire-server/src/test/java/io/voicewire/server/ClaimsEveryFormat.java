package io.voicewire.server;

import io.voicewire.audio.AudioFormat;
import io.voicewire.speech.SpeechProvider;
import io.voicewire.testing.ForwardingSpeechProvider;

/**
 * Another provider that claims to make every output format itself, as a relay does: the server
 * hands it MP3 and Opus requests unencoded, and a provider that cannot make them refuses them.
 * Closing it leaves the wrapped provider open (its owner closes it).
 */
final class ClaimsEveryFormat extends ForwardingSpeechProvider {
  ClaimsEveryFormat(SpeechProvider p) {
    super(p);
  }

  @Override
  public boolean producesFormat(AudioFormat format) {
    return true;
  }
}
