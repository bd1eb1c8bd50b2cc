package io.voicewire.client;

import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The mechanics behind {@link TtsAudioQueue} and {@link TranscriptQueue}: a bounded queue of items
 * ending in one terminal event (closed, or a {@link SpeechError}), taken by one consumer thread
 * with a timeout or as a blocking iterator that throws {@link VoiceStreamException} on failure.
 * The producer (the stream's callback thread) waits for room.
 */
final class EventQueue<T> implements Iterable<T> {
  private static final Object CLOSED = new Object();

  private final Class<T> type;
  final BlockingQueue<Object> queue;
  /** Consumer-thread only: the terminal event once taken. */
  private Object terminal;

  EventQueue(Class<T> type, int capacity) {
    this.type = type;
    this.queue = new ArrayBlockingQueue<>(capacity);
  }

  /** Adds an item, waiting for room. */
  void put(T item) {
    putObject(item);
  }

  void putClosed() {
    putObject(CLOSED);
  }

  void putFailure(SpeechError error) {
    putObject(error);
  }

  private void putObject(Object o) {
    try {
      queue.put(o);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** True once the terminal event was taken. */
  boolean isDone() {
    return terminal != null;
  }

  /** The next item within the timeout; null at the end or on timeout; throws on failure. */
  T poll(long timeout, TimeUnit unit) throws InterruptedException {
    if (terminal == null) {
      Object o = queue.poll(timeout, unit);
      if (o == null) {
        return null;
      }
      if (type.isInstance(o)) {
        return type.cast(o);
      }
      terminal = o;
    }
    if (terminal instanceof SpeechError e) {
      throw new VoiceStreamException(e);
    }
    return null;
  }

  @Override
  public Iterator<T> iterator() {
    return new Iterator<>() {
      private T next;

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
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        T t = next;
        next = null;
        return t;
      }
    };
  }
}
