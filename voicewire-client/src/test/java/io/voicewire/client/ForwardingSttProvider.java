package io.voicewire.client;

import io.voicewire.speech.SpeechProvider;
import io.voicewire.speech.SttListener;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.SttSession;
import io.voicewire.testing.ForwardingSpeechProvider;

/**
 * A test provider that forwards everything to {@link #inner} but STT sessions, which a subclass
 * changes ({@code openStt}): an engine that refuses a chunk, answers late, … Closing it closes
 * the inner provider. Public for the web module's tests (the client's test-jar). Thread safe as
 * the inner provider is.
 */
public abstract class ForwardingSttProvider extends ForwardingSpeechProvider {
  protected ForwardingSttProvider(SpeechProvider inner) {
    super(inner);
  }

  @Override
  public abstract SttSession openStt(SttRequest request, SttListener listener);

  @Override
  public void close() {
    inner.close();
  }
}
