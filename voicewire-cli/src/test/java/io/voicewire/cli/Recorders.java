package io.voicewire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.voicewire.client.ConnectionStatus;
import io.voicewire.client.MultiContextTts;
import io.voicewire.client.SttStream;
import io.voicewire.client.TtsStream;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.Transcript;
import io.voicewire.speech.TtsAudio;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Listeners of the SDK's streams for {@link ScaleOutIT}: they record what a session received and
 * count terminal events (exactly one, nothing after it). Thread-safe: the SDK calls them on its
 * callback threads, the test reads them after the terminal event.
 */
final class Recorders {
  private Recorders() {}

  /** The terminal-event bookkeeping shared by every recorder. */
  abstract static class Terminal {
    final AtomicInteger terminals = new AtomicInteger();
    final AtomicInteger afterTerminal = new AtomicInteger();
    private final CountDownLatch done = new CountDownLatch(1);
    volatile Boolean complete;
    volatile SpeechError failure;

    void event() {
      if (terminals.get() > 0) {
        afterTerminal.incrementAndGet();
      }
    }

    void ended(Boolean complete, SpeechError failure) {
      event();
      this.complete = complete;
      this.failure = failure;
      terminals.incrementAndGet();
      done.countDown();
    }

    void awaitEnd(long seconds) throws InterruptedException {
      if (!done.await(seconds, TimeUnit.SECONDS)) {
        fail("no terminal event within " + seconds + " s");
      }
    }

    void assertOneTerminal() throws InterruptedException {
      Thread.sleep(50); // anything after the terminal event would show up now
      assertEquals(1, terminals.get(), "terminal events");
      assertEquals(0, afterTerminal.get(), "events after the terminal one");
    }
  }

  /** Audio with alignment, of a TTS stream or of one context of a multi-context socket. */
  static final class Voiced extends Terminal
      implements TtsStream.Listener, MultiContextTts.ContextListener {
    final List<TtsAudio> audio = new CopyOnWriteArrayList<>();

    @Override
    public void onAudio(TtsAudio a) {
      event();
      audio.add(a);
    }

    @Override
    public void onClosed(boolean c) {
      ended(c, null);
    }

    @Override
    public void onFailure(SpeechError error) {
      ended(null, error);
    }

    /** The characters the received audio voices, in order (the alignment audit). */
    String alignmentText() {
      StringBuilder sb = new StringBuilder();
      audio.forEach(a -> sb.append(a.alignment() == null ? "" : a.alignment().text()));
      return sb.toString();
    }
  }

  static final class Stt extends Terminal implements SttStream.Listener {
    final List<Transcript> commits = new CopyOnWriteArrayList<>();
    /** Connection and session events, ms since the recorder was made: what a failed audit shows. */
    final List<String> events = new CopyOnWriteArrayList<>();
    private final long t0 = System.nanoTime();
    volatile long reconnects;
    volatile String metrics = "";

    private void note(String what) {
      events.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + "ms " + what);
    }

    @Override
    public void onStatus(ConnectionStatus status) {
      note(status.toString());
    }

    @Override
    public void onStarted(String sessionId) {
      note("started " + sessionId);
    }

    @Override
    public void onReplayDropped(long droppedMillis, long totalDroppedMillis) {
      note("replay dropped " + droppedMillis + " ms");
    }

    @Override
    public void onServerMessage(String messageType, String json) {
      note(messageType);
    }

    @Override
    public void onPartial(Transcript partial) {
      event();
    }

    @Override
    public void onCommitted(Transcript committed) {
      event();
      commits.add(committed);
      note("committed " + committed.audioStartMs() + "-" + committed.audioEndMs());
    }

    @Override
    public void onClosed() {
      ended(true, null);
    }

    @Override
    public void onFailure(SpeechError error) {
      ended(null, error);
    }

    /** The committed texts that say something, joined by a space. */
    String committedText() {
      return commits.stream().map(t -> t.text().strip()).filter(t -> !t.isEmpty())
          .collect(Collectors.joining(" "));
    }

    /** Each commit as {@code text@start-end}. */
    List<String> spans() {
      return commits.stream().map(t -> t.text().strip() + "@" + t.audioStartMs() + "-"
          + t.audioEndMs()).toList();
    }

    /** What a failed audit shows: the commits, the SDK's metrics and the events. */
    String report() {
      return "commits " + spans() + "; " + metrics + "; events " + events;
    }

    /** No commit covers audio of an earlier one: no duplicate. */
    void assertInAudioOrder() {
      long end = -1;
      for (Transcript t : commits) {
        if (t.text().isBlank()) {
          continue;
        }
        assertTrue(t.audioStartMs() >= end, "overlapping commits at " + t + ": " + spans());
        end = t.audioEndMs();
      }
    }
  }
}
