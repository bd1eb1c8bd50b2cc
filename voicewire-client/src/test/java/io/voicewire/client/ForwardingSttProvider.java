package io.voicewire.client;

import io.voicewire.speech.ModelInfo;
import io.voicewire.speech.SpeechProvider;
import io.voicewire.speech.TtsListener;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.TtsSession;
import io.voicewire.speech.VoiceInfo;
import java.util.List;

/**
 * A test provider that forwards everything to {@link #inner} but STT sessions, which a subclass
 * changes ({@code openStt}): an engine that refuses a chunk, answers late, … Public for the
 * web module's tests (the client's test-jar). Thread safe as the inner provider is.
 */
public abstract class ForwardingSttProvider implements SpeechProvider {
  protected final SpeechProvider inner;

  protected ForwardingSttProvider(SpeechProvider inner) {
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
  public void close() {
    inner.close();
  }
}
