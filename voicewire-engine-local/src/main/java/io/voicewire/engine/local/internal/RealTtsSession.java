package io.voicewire.engine.local.internal;

import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsAudio;
import io.voicewire.speech.TtsListener;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.TtsSession;
import io.voicewire.speech.text.TextReleaser;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local text-to-speech session.
 *
 * <p>Text goes through the shared {@link TextReleaser}; each released piece is cut at its break
 * tags (a pause each, {@link BreakTags}) and into sentences ({@link SentenceParts#parts});
 * text with nothing to say between two sentences is one silent piece. Each sentence is normalized
 * ({@link TextNormalizer}) just before synthesis; one with nothing to say is silent. When the
 * listener is (nearly) waiting for audio (the session's first sentence, after a pause) and the
 * voice's start grows with the sentence (MaryTTS), the sentence's first clause is voiced first and
 * the rest is queued ahead of the next sentence ({@link FirstPhrase}). The
 * {@link TtsScheduler} runs this session in turns on its workers (a turn ends with the sentence
 * or earlier, when a session whose listener needs audio sooner is waiting); its
 * {@link TtsOutput} converts the audio to the requested format and sends it in chunks of growing
 * size ({@link TtsOutput#CHUNK_MILLIS}: the first is small so that playback can start early)
 * with the alignment of the characters that start in each chunk. A session whose listener
 * reports enough audio waiting for its consumer ({@link TtsListener#backlogMillis}, {@link
 * #MAX_LISTENER_BACKLOG_MILLIS}) makes no more until the consumer has taken some: the engine,
 * tens of times faster than real time, goes at its slowest reader's pace instead of queueing
 * a long text's audio at once.
 *
 * <p>Every character sent appears in exactly one chunk's {@code alignment}, in order, so the
 * concatenation of all alignment characters of a session equals the text sent. Text with nothing
 * to say (spaces, punctuation) is carried by the next chunk at time 0, or by an empty chunk at a
 * flush or the end.
 *
 * <p>Listener events go through the session's {@link SerialLane}. Thread safe.
 */
final class RealTtsSession implements TtsSession, TtsScheduler.Job {
  /** Most characters released for synthesis and not yet voiced; more is an input error. */
  static final int MAX_QUEUED_CHARS = 100_000;
  /**
   * The listener's backlog ({@link TtsListener#backlogMillis}) at which this session makes no
   * more audio: it gives up its worker between two reads of a sentence and looks again after
   * {@link #BACKLOG_RECHECK_MILLIS}. Five seconds of audio in hand keep a player going through a
   * busy moment, and stay well below a server's queue bounds (docs/LIMITS.md).
   */
  static final long MAX_LISTENER_BACKLOG_MILLIS = 5_000;
  /** How often a paced session looks at its listener's backlog again. */
  static final long BACKLOG_RECHECK_MILLIS = 20;

  private static final Logger LOG = LoggerFactory.getLogger(RealTtsSession.class);

  private enum State { OPEN, ENDING, CLOSED, FAILED }

  private sealed interface Item permits Sentence, Pause, FlushMark, EndMark {}

  private record Sentence(String text, boolean speakable) implements Item {}

  /** A break tag with a time ({@link BreakTags}): {@code millis} of silence. */
  private record Pause(String text, int millis) implements Item {}

  private record FlushMark() implements Item {}
  private record EndMark() implements Item {}

  private final TtsRequest request;
  private final TtsListener listener;
  private final VoiceEngine voice;
  private final TtsScheduler scheduler;
  private final ListenerEvents events;
  private final double speed;
  private final LongSupplier nanoClock;

  private final ReentrantLock lock = new ReentrantLock();
  // guarded by lock
  private final TextReleaser releaser;
  private final ArrayDeque<Item> items = new ArrayDeque<>();
  private State state = State.OPEN;
  private boolean scheduled;
  private long queuedChars;
  // driven by the one worker running this session at a time; handed over through the scheduler
  private final TtsOutput output;
  // set once, read by the lane and workers
  private volatile boolean cancelled;

  RealTtsSession(TtsRequest request, TtsListener listener, VoiceEngine voice,
      TtsScheduler scheduler, SerialLane lane, LongSupplier nanoClock, Runnable onTerminal) {
    this.request = request;
    this.listener = listener;
    this.voice = voice;
    this.scheduler = scheduler;
    this.events = new ListenerEvents(lane, onTerminal);
    this.output = new TtsOutput(voice, request.outputFormat(), nanoClock, () -> cancelled,
        this::emit);
    this.speed = request.voiceSettings().speed();
    this.nanoClock = nanoClock;
    this.releaser = new TextReleaser(request.chunkLengthSchedule(), request.autoMode());
  }

  /** A session that failed before it started (unknown voice, unsupported format...). */
  static RealTtsSession failed(TtsRequest request, TtsListener listener, SerialLane lane,
      SpeechError error) {
    RealTtsSession s = new RealTtsSession(request, listener, null, null, lane, System::nanoTime,
        () -> {});
    s.fail(error);
    return s;
  }

  @Override
  public TtsRequest request() {
    return request;
  }

  @Override
  public String tenant() {
    return request.tenant();
  }

  @Override
  public boolean send(String text) {
    Objects.requireNonNull(text, "text == null");
    return ifOpen(() -> {
      List<String> pieces;
      try {
        pieces = releaser.append(text);
      } catch (IllegalStateException e) {
        failLocked(new SpeechError(ErrorCode.INPUT_ERROR, e.getMessage()));
        return false;
      }
      return enqueueLocked(pieces, null);
    });
  }

  @Override
  public boolean flush() {
    return ifOpen(() -> enqueueLocked(releaser.flush(), new FlushMark()));
  }

  @Override
  public boolean tryTrigger() {
    return ifOpen(() -> enqueueLocked(releaser.tryTrigger(), null));
  }

  @Override
  public boolean end() {
    return ifOpen(() -> endLocked(releaser.flush()));
  }

  /**
   * Drops what no flush released (the buffer, and sentences the schedule released after the last
   * flush mark), then ends after the flushed ones.
   */
  @Override
  public boolean closeContext() {
    return ifOpen(() -> {
      while (!items.isEmpty() && !(items.peekLast() instanceof FlushMark)) {
        if (items.pollLast() instanceof Sentence s) {
          queuedChars -= s.text().length();
        }
      }
      return endLocked(List.of());
    });
  }

  /** Runs {@code action} under the lock if the session is open; false (not run) otherwise. */
  private boolean ifOpen(BooleanSupplier action) {
    lock.lock();
    try {
      return state == State.OPEN && action.getAsBoolean();
    } finally {
      lock.unlock();
    }
  }

  /** Queues the last {@code pieces} and the end mark; the session is ENDING if they fit. */
  private boolean endLocked(List<String> pieces) {
    boolean ok = enqueueLocked(pieces, new EndMark());
    if (ok) {
      state = State.ENDING;
    }
    return ok;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (state == State.CLOSED || state == State.FAILED) {
        return;
      }
      state = State.CLOSED;
      cancelLocked();
    } finally {
      lock.unlock();
    }
    deliverTerminal(() -> listener.onClosed(false));
  }

  /** Fails the session (engine problem, bad input); no-op once terminal. */
  void fail(SpeechError error) {
    lock.lock();
    try {
      failLocked(error);
    } finally {
      lock.unlock();
    }
  }

  private void failLocked(SpeechError error) {
    assert lock.isHeldByCurrentThread();
    if (state == State.CLOSED || state == State.FAILED) {
      return;
    }
    state = State.FAILED;
    cancelLocked();
    deliverTerminal(() -> listener.onFailure(error));
  }

  private void cancelLocked() {
    cancelled = true;
    items.clear();
    queuedChars = 0;
  }

  /** Characters released and waiting for synthesis (for tests and metrics). */
  long queuedChars() {
    lock.lock();
    try {
      return queuedChars;
    } finally {
      lock.unlock();
    }
  }

  private boolean enqueueLocked(List<String> pieces, Item mark) {
    // text with nothing to say between two speakable sentences is one silent item, not one item
    // (and one turn) per ". " (issue #10's abuse mix sends ". " by the megabyte)
    StringBuilder silent = new StringBuilder();
    for (String released : pieces) {
      queuedChars += released.length();
      for (BreakTags.Part part : BreakTags.split(released)) {
        if (part.pauseMillis() > 0) {
          addSilent(silent);
          items.add(new Pause(part.text(), part.pauseMillis()));
        } else {
          enqueueText(part.text(), silent);
        }
      }
    }
    addSilent(silent);
    if (mark != null) {
      items.add(mark);
    }
    if (queuedChars > MAX_QUEUED_CHARS) {
      failLocked(new SpeechError(ErrorCode.INPUT_ERROR, "more than " + MAX_QUEUED_CHARS
          + " characters waiting for synthesis"));
      return false;
    }
    if (!items.isEmpty() && !scheduled) {
      scheduled = true;
      scheduler.schedule(this, output.deadlineNanos(nanoClock.getAsLong()));
    }
    return true;
  }

  /** Queues the sentences of {@code piece}; text with nothing to say joins {@code silent}. */
  private void enqueueText(String piece, StringBuilder silent) {
    for (String part : SentenceParts.parts(piece)) {
      if (SentenceParts.speakable(part)) {
        addSilent(silent);
        items.add(new Sentence(part, true));
      } else {
        silent.append(part);
      }
    }
  }

  private void addSilent(StringBuilder silent) {
    if (!silent.isEmpty()) {
      items.add(new Sentence(silent.toString(), false));
      silent.setLength(0);
    }
  }

  /**
   * Called by a worker: goes on with the sentence in progress, or takes the next item; then
   * queues the session again if it has more. A sentence runs until its audio ends or the turn
   * says to hand over ({@link TtsScheduler}).
   */
  @Override
  public void runTurn(TtsScheduler.Turn turn) {
    if (!cancelled && paced()) {
      // the listener has enough audio waiting: no more until its consumer takes some
      scheduler.later(this::requeue, BACKLOG_RECHECK_MILLIS);
      return;
    }
    if (output.inProgress() && !cancelled) {
      try {
        output.pump(() -> turn.shouldYield(output.playoutEndNanos()) || paced());
      } catch (Exception | LinkageError e) {
        failed(e);
      }
      requeue();
      return;
    }
    Item item;
    lock.lock();
    try {
      item = cancelled ? null : items.poll();
      if (item == null) {
        scheduled = false;
        output.abandon();
        return;
      }
      queuedChars -= item instanceof Sentence s ? s.text().length()
          : item instanceof Pause p ? p.text().length() : 0;
    } finally {
      lock.unlock();
    }
    try {
      switch (item) {
        case Sentence s -> voice(s, turn);
        case Pause p -> output.pause(p.text(), p.millis());
        case FlushMark f -> {
          output.emitSilent();
          deliver(listener::onFlushed);
        }
        case EndMark e -> {
          output.emitSilent();
          lock.lock();
          try {
            if (state == State.ENDING) {
              state = State.CLOSED;
            }
          } finally {
            lock.unlock();
          }
          deliverTerminal(() -> listener.onClosed(true));
        }
      }
    } catch (Exception | LinkageError e) {
      failed(e);
    }
    requeue();
  }

  @Override
  public void dropped() {
    output.abandon();
  }

  private void failed(Throwable e) {
    LOG.warn("synthesis failed", e);
    output.abandon();
    fail(new SpeechError(ErrorCode.ERROR, "synthesis failed: " + e));
  }

  /** After a turn: queues the session again if it has a sentence in progress or more items. */
  private void requeue() {
    lock.lock();
    try {
      if (cancelled) {
        scheduled = false;
        output.abandon();
      } else if (output.inProgress() || !items.isEmpty()) {
        scheduler.schedule(this, output.deadlineNanos(nanoClock.getAsLong()));
      } else {
        scheduled = false;
      }
    } finally {
      lock.unlock();
    }
  }

  private void voice(Sentence s, TtsScheduler.Turn turn) throws Exception {
    if (!s.speakable()) {
      output.silent(s.text());
      return;
    }
    String text = s.text();
    if (voice.cutsFirstPhrase() && output.leadMillis() < TtsScheduler.URGENT_LEAD_MILLIS) {
      // the listener is (nearly) waiting: its first phrase first, the rest while it plays
      int cut = FirstPhrase.cut(text);
      if (cut > 0 && putBack(text.substring(cut))) {
        text = text.substring(0, cut);
      }
    }
    long t0 = nanoClock.getAsLong();
    output.begin(text, turn.synthesizer(voice.info().voiceId()), speed);
    if (output.inProgress()) {
      scheduler.started(nanoClock.getAsLong() - t0);
    }
    output.pump(() -> turn.shouldYield(output.playoutEndNanos()) || paced());
  }

  /** Whether the listener's consumer is so far behind that no more audio is made for now. */
  private boolean paced() {
    return listener.backlogMillis() >= MAX_LISTENER_BACKLOG_MILLIS;
  }

  /** Queues the rest of a sentence ahead of everything else; false once cancelled. */
  private boolean putBack(String rest) {
    lock.lock();
    try {
      if (cancelled) {
        return false;
      }
      items.addFirst(new Sentence(rest, SentenceParts.speakable(rest)));
      queuedChars += rest.length();
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void emit(TtsAudio audio) {
    if (!events.deliver(() -> {
      if (!cancelled) {
        listener.onAudio(audio);
      }
    })) {
      fail(new SpeechError(ErrorCode.QUEUE_OVERFLOW, "the listener is not taking audio: "
          + SerialLane.MAX_QUEUED_EVENTS + " events waiting"));
    }
  }

  private void deliver(Runnable event) {
    if (!events.deliver(() -> {
      if (!cancelled) {
        event.run();
      }
    })) {
      fail(new SpeechError(ErrorCode.QUEUE_OVERFLOW, "the listener is not taking events: "
          + SerialLane.MAX_QUEUED_EVENTS + " events waiting"));
    }
  }

  private void deliverTerminal(Runnable event) {
    events.deliverTerminal(event);
  }
}
