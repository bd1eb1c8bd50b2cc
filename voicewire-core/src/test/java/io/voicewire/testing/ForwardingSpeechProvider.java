package io.voicewire.testing;

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
 * A test provider that hands everything to {@link #inner}: a test overrides what it changes (an
 * engine without voices, one that refuses a chunk, answers late, claims every format, …).
 * Closing it leaves the inner provider open (its owner closes it) unless a subclass says
 * otherwise. Thread safe as the inner provider is.
 */
public abstract class ForwardingSpeechProvider implements SpeechProvider {
  protected final SpeechProvider inner;

  protected ForwardingSpeechProvider(SpeechProvider inner) {
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
  public TtsSession openTts(TtsRequest request, TtsListener listener) {
    return inner.openTts(request, listener);
  }

  @Override
  public SttSession openStt(SttRequest request, SttListener listener) {
    return inner.openStt(request, listener);
  }

  @Override
  public void close() {}
}
