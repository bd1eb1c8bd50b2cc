package io.voicewire.engine.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.speech.Alignment;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsAudio;
import io.voicewire.speech.TtsListener;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Records a TTS session's events and checks the listener contract: calls never overlap, exactly
 * one terminal event, nothing after it.
 */
final class RecordingTtsListener implements TtsListener {
  final List<TtsAudio> chunks = new ArrayList<>();
  final List<Long> chunkNanos = new ArrayList<>();
  final List<String> events = new ArrayList<>();
  private final CountDownLatch terminal = new CountDownLatch(1);
  private final CountDownLatch firstAudio = new CountDownLatch(1);
  private int terminals;
  private boolean inCall;
  private Boolean complete;
  private SpeechError failure;
  private int afterTerminal;
  /** What {@link #backlogMillis} answers (the engine's pacing); none by default. */
  volatile java.util.function.LongSupplier backlog = () -> 0;

  @Override
  public long backlogMillis() {
    return backlog.getAsLong();
  }

  private synchronized void enter() {
    assertTrue(!inCall, "listener calls overlap");
    inCall = true;
    if (terminals > 0) {
      afterTerminal++;
    }
  }

  private synchronized void leave() {
    inCall = false;
  }

  @Override
  public void onAudio(TtsAudio audio) {
    enter();
    synchronized (this) {
      chunks.add(audio);
      chunkNanos.add(System.nanoTime());
      events.add("audio");
    }
    firstAudio.countDown();
    leave();
  }

  @Override
  public void onFlushed() {
    enter();
    synchronized (this) {
      events.add("flushed");
    }
    leave();
  }

  @Override
  public void onClosed(boolean complete) {
    enter();
    synchronized (this) {
      terminals++;
      this.complete = complete;
      events.add("closed:" + complete);
    }
    leave();
    terminal.countDown();
  }

  @Override
  public void onFailure(SpeechError error) {
    enter();
    synchronized (this) {
      terminals++;
      failure = error;
      events.add("failure:" + error.code().wireName());
    }
    leave();
    terminal.countDown();
  }

  /** Waits for the terminal event; fails the test after {@code seconds}. */
  RecordingTtsListener awaitTerminal(int seconds) throws InterruptedException {
    assertTrue(terminal.await(seconds, TimeUnit.SECONDS), "no terminal event within "
        + seconds + " s; events: " + events);
    return this;
  }

  boolean awaitFirstAudio(int seconds) throws InterruptedException {
    return firstAudio.await(seconds, TimeUnit.SECONDS);
  }

  synchronized Boolean complete() {
    return complete;
  }

  synchronized SpeechError failure() {
    return failure;
  }

  /** Asserts one terminal event and nothing after it (give late events a moment first). */
  void assertOneTerminal() throws InterruptedException {
    Thread.sleep(100);
    synchronized (this) {
      assertEquals(1, terminals, "terminal events: " + events);
      assertEquals(0, afterTerminal, "events after the terminal one: " + events);
    }
  }

  synchronized byte[] audio() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (TtsAudio a : chunks) {
      out.writeBytes(a.audio());
    }
    return out.toByteArray();
  }

  /** All alignment characters of the session, concatenated. */
  synchronized String alignedText() {
    StringBuilder sb = new StringBuilder();
    for (TtsAudio a : chunks) {
      assertNotNull(a.alignment(), "a chunk without alignment");
      sb.append(a.alignment().text());
    }
    return sb.toString();
  }

  synchronized String normalizedText() {
    StringBuilder sb = new StringBuilder();
    for (TtsAudio a : chunks) {
      if (a.normalizedAlignment() != null) {
        sb.append(a.normalizedAlignment().text());
      }
    }
    return sb.toString();
  }

  synchronized List<Alignment> alignments() {
    List<Alignment> out = new ArrayList<>();
    for (TtsAudio a : chunks) {
      out.add(a.alignment());
    }
    return out;
  }
}
