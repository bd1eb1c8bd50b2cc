package io.voicewire.client;

import io.voicewire.speech.SpeechError;
import io.voicewire.speech.SpeechProvider;
import io.voicewire.speech.SttListener;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.SttSession;
import io.voicewire.speech.Transcript;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A provider whose STT events (partials, commits, the end) reach the server a fixed delay late,
 * in order, like a slow engine; {@code onStarted} comes at once (a stream waits for it). Used by
 * {@link ResumeAtCommitTest} and the web module's {@code BrowserSttCommitsTest} (the client's
 * test-jar). Thread safe.
 */
public final class LateSttProvider extends ForwardingSttProvider {
  private final long delayMillis;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "late engine");
    t.setDaemon(true);
    return t;
  });

  /** {@code inner}'s STT events come {@code delayMillis} late. */
  public LateSttProvider(SpeechProvider inner, long delayMillis) {
    super(inner);
    this.delayMillis = delayMillis;
  }

  @Override
  public SttSession openStt(SttRequest request, SttListener listener) {
    return inner.openStt(request, new SttListener() {
      // one thread and one delay: the events keep their order
      void later(Runnable r) {
        timer.schedule(r, delayMillis, TimeUnit.MILLISECONDS);
      }

      @Override
      public void onStarted(String sessionId) {
        listener.onStarted(sessionId);
      }

      @Override
      public void onPartial(Transcript partial) {
        later(() -> listener.onPartial(partial));
      }

      @Override
      public void onCommitted(Transcript committed) {
        later(() -> listener.onCommitted(committed));
      }

      @Override
      public void onClosed() {
        later(listener::onClosed);
      }

      @Override
      public void onFailure(SpeechError error) {
        later(() -> listener.onFailure(error));
      }
    });
  }

  @Override
  public void close() {
    timer.shutdownNow();
    super.close();
  }
}
