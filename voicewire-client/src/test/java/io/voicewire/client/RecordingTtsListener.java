package io.voicewire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsAudio;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Records a TTS stream's events; asserts exactly one terminal event and no events after it. */
public class RecordingTtsListener implements TtsStream.Listener {
  public final List<TtsAudio> audio = new CopyOnWriteArrayList<>();
  public final List<ConnectionStatus> statuses = new CopyOnWriteArrayList<>();
  public final AtomicInteger terminals = new AtomicInteger();
  public final AtomicInteger afterTerminal = new AtomicInteger();
  private final CountDownLatch done = new CountDownLatch(1);
  public volatile Boolean complete;
  public volatile SpeechError failure;

  @Override
  public void onStatus(ConnectionStatus status) {
    check();
    statuses.add(status);
  }

  @Override
  public void onAudio(TtsAudio a) {
    check();
    audio.add(a);
  }

  @Override
  public void onClosed(boolean c) {
    check();
    complete = c;
    terminals.incrementAndGet();
    done.countDown();
  }

  @Override
  public void onFailure(SpeechError error) {
    check();
    failure = error;
    terminals.incrementAndGet();
    done.countDown();
  }

  private void check() {
    if (terminals.get() > 0) {
      afterTerminal.incrementAndGet();
    }
  }

  /** Waits for the terminal event. */
  public RecordingTtsListener await(long seconds) throws InterruptedException {
    if (!done.await(seconds, TimeUnit.SECONDS)) {
      fail("no terminal event within " + seconds + " s; statuses " + statuses);
    }
    return this;
  }

  /** Asserts the stream closed completely, with one terminal event. */
  public void assertCompleted() throws InterruptedException {
    Thread.sleep(50); // anything after the terminal event would show up now
    if (failure != null) {
      fail("failed: " + failure + "; statuses " + statuses);
    }
    assertNotNull(complete);
    assertEquals(true, complete);
    assertExhausted();
  }

  /** Exactly one terminal event, nothing after it. */
  public void assertExhausted() {
    assertEquals(1, terminals.get(), "terminal events");
    assertEquals(0, afterTerminal.get(), "events after the terminal one");
  }

  public List<ConnectionStatus.State> states() {
    List<ConnectionStatus.State> s = new ArrayList<>();
    statuses.forEach(x -> s.add(x.state()));
    return s;
  }

  public String alignmentText() {
    StringBuilder sb = new StringBuilder();
    audio.forEach(a -> sb.append(a.alignment() == null ? "" : a.alignment().text()));
    return sb.toString();
  }
}
