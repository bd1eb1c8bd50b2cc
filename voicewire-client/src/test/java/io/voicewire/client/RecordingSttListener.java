package io.voicewire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.voicewire.speech.SpeechError;
import io.voicewire.speech.Transcript;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Records an STT stream's events; asserts one terminal event and the event order. */
public class RecordingSttListener implements SttStream.Listener {
  public final List<Transcript> partials = new CopyOnWriteArrayList<>();
  public final List<Transcript> commits = new CopyOnWriteArrayList<>();
  public final List<String> started = new CopyOnWriteArrayList<>();
  public final List<ConnectionStatus> statuses = new CopyOnWriteArrayList<>();
  public final AtomicInteger terminals = new AtomicInteger();
  public final AtomicInteger afterTerminal = new AtomicInteger();
  public final AtomicInteger beforeStarted = new AtomicInteger();
  private final CountDownLatch done = new CountDownLatch(1);
  public volatile boolean closed;
  public volatile SpeechError failure;

  private void check(boolean transcript) {
    if (terminals.get() > 0) {
      afterTerminal.incrementAndGet();
    }
    if (transcript && started.isEmpty()) {
      beforeStarted.incrementAndGet();
    }
  }

  @Override
  public void onStatus(ConnectionStatus status) {
    check(false);
    statuses.add(status);
  }

  @Override
  public void onStarted(String sessionId) {
    check(false);
    started.add(sessionId);
  }

  @Override
  public void onPartial(Transcript partial) {
    check(true);
    partials.add(partial);
  }

  @Override
  public void onCommitted(Transcript committed) {
    check(true);
    commits.add(committed);
  }

  @Override
  public void onClosed() {
    check(false);
    closed = true;
    terminals.incrementAndGet();
    done.countDown();
  }

  @Override
  public void onFailure(SpeechError error) {
    check(false);
    failure = error;
    terminals.incrementAndGet();
    done.countDown();
  }

  /** Waits until the first session started. */
  public void awaitStarted(long seconds) throws InterruptedException {
    long until = System.nanoTime() + seconds * 1_000_000_000L;
    while (started.isEmpty()) {
      if (System.nanoTime() > until) {
        fail("not started within " + seconds + " s; statuses " + statuses);
      }
      Thread.sleep(5);
    }
  }

  public RecordingSttListener await(long seconds) throws InterruptedException {
    if (!done.await(seconds, TimeUnit.SECONDS)) {
      fail("no terminal event within " + seconds + " s; statuses " + statuses + "; commits "
          + committedText());
    }
    return this;
  }

  public void assertClosed() throws InterruptedException {
    Thread.sleep(50);
    if (failure != null) {
      fail("failed: " + failure + "; statuses " + statuses);
    }
    assertEquals(true, closed);
    assertExhausted();
  }

  public void assertExhausted() {
    assertEquals(1, terminals.get(), "terminal events");
    assertEquals(0, afterTerminal.get(), "events after the terminal one");
    assertEquals(0, beforeStarted.get(), "transcripts before onStarted");
    if (!started.isEmpty()) {
      assertEquals(1, started.size(), "onStarted once");
    }
  }

  public String committedText() {
    StringBuilder sb = new StringBuilder();
    commits.forEach(t -> sb.append(t.text()));
    return sb.toString();
  }
}
