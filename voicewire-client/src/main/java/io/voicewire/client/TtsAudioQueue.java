package io.voicewire.client;

import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsAudio;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * The blocking, iterator style of a {@link TtsStream}: pass it as the listener, then iterate the
 * audio on your own thread (a virtual thread is fine). Iteration ends when the stream closes, and
 * throws {@link VoiceStreamException} when it fails.
 *
 * <pre>{@code
 * TtsAudioQueue audio = new TtsAudioQueue();
 * try (TtsStream tts = client.newTtsStream(request, audio)) {
 *   tts.send(text);
 *   tts.end();
 *   for (TtsAudio chunk : audio) out.write(chunk.audio());
 * }
 * }</pre>
 *
 * <p>Bounded by {@link #MAX_QUEUED_CHUNKS}: when the consumer falls behind, {@code onAudio}
 * blocks the stream's callback thread (never the socket reader), so the stream stops reading
 * its socket and the server is slowed by TCP back-pressure. Iterate from one thread only; the
 * listener side is thread safe.
 */
public final class TtsAudioQueue implements TtsStream.Listener, Iterable<TtsAudio> {
  /** Chunks held for the consumer. */
  public static final int MAX_QUEUED_CHUNKS = 256;

  private final EventQueue<TtsAudio> events =
      new EventQueue<>(TtsAudio.class, MAX_QUEUED_CHUNKS + 2);
  private volatile ConnectionStatus lastStatus;
  private volatile boolean complete;

  /** An empty queue: hand it to {@code newTtsStream} as the stream's listener. */
  public TtsAudioQueue() {}

  @Override
  public void onStatus(ConnectionStatus status) {
    lastStatus = status;
  }

  @Override
  public void onAudio(TtsAudio audio) {
    events.put(audio);
  }

  @Override
  public void onClosed(boolean complete) {
    this.complete = complete;
    events.putClosed();
  }

  @Override
  public void onFailure(SpeechError error) {
    events.putFailure(error);
  }

  /** The last status seen, or null. */
  public ConnectionStatus lastStatus() {
    return lastStatus;
  }

  /** True when the stream closed after voicing all of its input. */
  public boolean isComplete() {
    return complete;
  }

  /**
   * The next chunk, waiting up to {@code timeout}; null at the end of the stream or on timeout
   * (see {@link #isDone()}).
   *
   * @throws VoiceStreamException when the stream failed
   */
  public TtsAudio poll(long timeout, TimeUnit unit) throws InterruptedException {
    return events.poll(timeout, unit);
  }

  /** True once the terminal event was taken. */
  public boolean isDone() {
    return events.isDone();
  }

  /** Blocks for each chunk until the stream ends; see the class javadoc. */
  @Override
  public Iterator<TtsAudio> iterator() {
    return events.iterator();
  }
}
