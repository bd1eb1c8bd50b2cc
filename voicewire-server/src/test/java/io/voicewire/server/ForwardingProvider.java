package io.voicewire.server;

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
 * A provider that hands everything to another: tests override what they change. Closing it
 * leaves the wrapped provider open (its owner closes it).
 */
abstract class ForwardingProvider implements SpeechProvider {
  protected final SpeechProvider inner;

  ForwardingProvider(SpeechProvider inner) {
    this.inner = inner;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public boolean isReady() {
    return inner.isReady();
  }

  @Override
  public List<VoiceInfo> voices() {
    return inner.voices();
  }

  @Override
  public List<ModelInfo> models() {
    return inner.models();
  }

  @Override
  public TtsSession openTts(TtsRequest r, TtsListener l) {
    return inner.openTts(r, l);
  }

  @Override
  public SttSession openStt(SttRequest r, SttListener l) {
    return inner.openStt(r, l);
  }

  @Override
  public void close() {}
}
