package io.voicewire.engine.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.speech.SpeechError;
import io.voicewire.speech.SttListener;
import io.voicewire.speech.Transcript;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records an STT session's events and checks the listener contract. */
final class RecordingSttListener implements SttListener {
  final List<String> events = new ArrayList<>();
  final List<Transcript> partials = new ArrayList<>();
  final List<Long> partialNanos = new ArrayList<>();
  final LinkedBlockingQueue<Transcript> committed = new LinkedBlockingQueue<>();
  final List<Long> committedNanos = new ArrayList<>();
  private final CountDownLatch terminal = new CountDownLatch(1);
  private final CountDownLatch started = new CountDownLatch(1);
  private String sessionId;
  private int terminals;
  private int afterTerminal;
  private boolean inCall;
  private SpeechError failure;

  private synchronized void enter(String event) {
    assertTrue(!inCall, "listener calls overlap");
    inCall = true;
    if (terminals > 0) {
      afterTerminal++;
    }
    events.add(event);
  }

  private synchronized void leave() {
    inCall = false;
  }

  @Override
  public void onStarted(String id) {
    enter("started");
    synchronized (this) {
      sessionId = id;
    }
    leave();
    started.countDown();
  }

  @Override
  public void onPartial(Transcript partial) {
    enter("partial");
    synchronized (this) {
      partials.add(partial);
      partialNanos.add(System.nanoTime());
    }
    leave();
  }

  @Override
  public void onCommitted(Transcript t) {
    enter("committed");
    synchronized (this) {
      committedNanos.add(System.nanoTime());
    }
    committed.add(t);
    leave();
  }

  @Override
  public void onClosed() {
    enter("closed");
    synchronized (this) {
      terminals++;
    }
    leave();
    terminal.countDown();
  }

  @Override
  public void onFailure(SpeechError error) {
    enter("failure:" + error.code().wireName());
    synchronized (this) {
      terminals++;
      failure = error;
    }
    leave();
    terminal.countDown();
  }

  Transcript nextCommitted(int seconds) throws InterruptedException {
    Transcript t = committed.poll(seconds, TimeUnit.SECONDS);
    assertTrue(t != null, "no committed transcript within " + seconds + " s; events " + events);
    return t;
  }

  RecordingSttListener awaitTerminal(int seconds) throws InterruptedException {
    assertTrue(terminal.await(seconds, TimeUnit.SECONDS), "no terminal event within " + seconds
        + " s; events: " + events);
    return this;
  }

  synchronized String sessionId() {
    return sessionId;
  }

  synchronized SpeechError failure() {
    return failure;
  }

  synchronized List<Transcript> partials() {
    return List.copyOf(partials);
  }

  synchronized List<String> events() {
    return List.copyOf(events);
  }

  void assertOneTerminal() throws InterruptedException {
    Thread.sleep(100);
    synchronized (this) {
      assertEquals(1, terminals, "terminal events: " + events);
      assertEquals(0, afterTerminal, "events after the terminal one: " + events);
      if (!events.get(0).startsWith("failure:")) {
        assertEquals("started", events.get(0), "first event: " + events);
      }
    }
  }
}
