package io.voicewire.server;

import io.voicewire.audio.AudioFormat;
import io.voicewire.speech.ModelInfo;
import io.voicewire.speech.SpeechProvider;
import io.voicewire.speech.SttListener;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.SttSession;
import io.voicewire.speech.TtsListener;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.TtsSession;
import io.voicewire.speech.VoiceInfo;
import java.util.List;

/**
 * Another provider that claims to make every output format itself, as a relay does: the server
 * hands it MP3 and Opus requests unencoded, and a provider that cannot make them refuses them.
 * Closing it leaves the wrapped provider open (its owner closes it).
 */
final class ClaimsEveryFormat implements SpeechProvider {
  private final SpeechProvider p;

  ClaimsEveryFormat(SpeechProvider p) {
    this.p = p;
  }

  @Override
  public boolean producesFormat(AudioFormat format) {
    return true;
  }

  @Override
  public String name() {
    return p.name();
  }

  @Override
  public boolean isReady() {
    return p.isReady();
  }

  @Override
  public List<VoiceInfo> voices() {
    return p.voices();
  }

  @Override
  public List<ModelInfo> models() {
    return p.models();
  }

  @Override
  public TtsSession openTts(TtsRequest r, TtsListener l) {
    return p.openTts(r, l);
  }

  @Override
  public SttSession openStt(SttRequest r, SttListener l) {
    return p.openStt(r, l);
  }

  @Override
  public void close() {}
}
