package io.voicewire.client;

import io.voicewire.speech.SpeechError;
import io.voicewire.speech.Transcript;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * The blocking, iterator style of an {@link SttStream}: pass it as the listener, then iterate
 * the transcripts (partials and commits, in order; {@link Transcript#committed()} tells them
 * apart) on your own thread. Iteration ends when the stream closes and throws
 * {@link VoiceStreamException} when it fails.
 *
 * <p>Bounded by {@link #MAX_QUEUED_TRANSCRIPTS}; overflow policy: when full, the oldest
 * <em>partial</em> is dropped to make room (partials are superseded anyway); committed
 * transcripts and the terminal event are never dropped (the callback thread waits for room).
 * Iterate from one thread only.
 */
public final class TranscriptQueue implements SttStream.Listener, Iterable<Transcript> {
  /** Transcripts held for the consumer. */
  public static final int MAX_QUEUED_TRANSCRIPTS = 256;

  private final EventQueue<Transcript> events =
      new EventQueue<>(Transcript.class, MAX_QUEUED_TRANSCRIPTS);
  private volatile String sessionId;
  private volatile ConnectionStatus lastStatus;

  /** An empty queue: hand it to {@code newSttStream} as the stream's listener. */
  public TranscriptQueue() {}

  @Override
  public void onStatus(ConnectionStatus status) {
    lastStatus = status;
  }

  @Override
  public void onStarted(String id) {
    sessionId = id;
  }

  @Override
  public void onPartial(Transcript partial) {
    while (!events.queue.offer(partial)) {
      Object head = events.queue.peek();
      if (head instanceof Transcript t && !t.committed()) {
        events.queue.remove(head);
      } else {
        events.put(partial);
        return;
      }
    }
  }

  @Override
  public void onCommitted(Transcript committed) {
    events.put(committed);
  }

  @Override
  public void onClosed() {
    events.putClosed();
  }

  @Override
  public void onFailure(SpeechError error) {
    events.putFailure(error);
  }

  /** The first session's id, or null before it started. */
  public String sessionId() {
    return sessionId;
  }

  /** The last status seen, or null. */
  public ConnectionStatus lastStatus() {
    return lastStatus;
  }

  /** True once the terminal event was taken. */
  public boolean isDone() {
    return events.isDone();
  }

  /**
   * The next transcript, waiting up to {@code timeout}; null at the end or on timeout.
   *
   * @throws VoiceStreamException when the stream failed
   */
  public Transcript poll(long timeout, TimeUnit unit) throws InterruptedException {
    return events.poll(timeout, unit);
  }

  /** Blocks for each transcript until the stream ends. */
  @Override
  public Iterator<Transcript> iterator() {
    return events.iterator();
  }
}
