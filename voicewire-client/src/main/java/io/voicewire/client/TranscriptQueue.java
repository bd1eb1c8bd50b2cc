package io.voicewire.client;

import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.Transcript;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
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

  private static final Object CLOSED = new Object();
  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(MAX_QUEUED_TRANSCRIPTS);
  private volatile String sessionId;
  private volatile ConnectionStatus lastStatus;
  private Object terminal;

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
    while (!queue.offer(partial)) {
      Object head = queue.peek();
      if (head instanceof Transcript t && !t.committed()) {
        queue.remove(head);
      } else {
        put(partial);
        return;
      }
    }
  }

  @Override
  public void onCommitted(Transcript committed) {
    put(committed);
  }

  @Override
  public void onClosed() {
    put(CLOSED);
  }

  @Override
  public void onFailure(SpeechError error) {
    put(error);
  }

  private void put(Object o) {
    try {
      queue.put(o);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
    return terminal != null;
  }

  /**
   * The next transcript, waiting up to {@code timeout}; null at the end or on timeout.
   *
   * @throws VoiceStreamException when the stream failed
   */
  public Transcript poll(long timeout, TimeUnit unit) throws InterruptedException {
    if (terminal == null) {
      Object o = queue.poll(timeout, unit);
      if (o == null) {
        return null;
      }
      if (o instanceof Transcript t) {
        return t;
      }
      terminal = o;
    }
    if (terminal instanceof SpeechError e) {
      throw new VoiceStreamException(e);
    }
    return null;
  }

  /** Blocks for each transcript until the stream ends. */
  @Override
  public Iterator<Transcript> iterator() {
    return new Iterator<>() {
      private Transcript next;

      @Override
      public boolean hasNext() {
        while (next == null && !isDone()) {
          try {
            next = poll(1, TimeUnit.DAYS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VoiceStreamException(new SpeechError(ErrorCode.ERROR, "interrupted"));
          }
        }
        if (next == null && terminal instanceof SpeechError e) {
          throw new VoiceStreamException(e);
        }
        return next != null;
      }

      @Override
      public Transcript next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Transcript t = next;
        next = null;
        return t;
      }
    };
  }
}
