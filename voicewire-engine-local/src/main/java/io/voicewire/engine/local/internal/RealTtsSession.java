package io.voicewire.engine.local.internal;

import io.voicewire.audio.AudioConverter;
import io.voicewire.audio.AudioFormat;
import io.voicewire.speech.Alignment;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsAudio;
import io.voicewire.speech.TtsListener;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.TtsSession;
import io.voicewire.speech.text.Sentences;
import io.voicewire.speech.text.TextReleaser;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local text-to-speech session.
 *
 * <p>Text goes through the shared {@link TextReleaser} (schedule, flush, try-trigger, end,
 * auto_mode); each released piece is split into sentences ({@link Sentences#split}, and long ones
 * at a comma or space near {@link #MAX_SENTENCE_CHARS}) and queued. Each sentence is normalized
 * ({@link TextNormalizer}) just before synthesis; one with nothing to say is silent. The {@link TtsScheduler} runs
 * one sentence of this session at a time on a worker; its audio is converted to the requested
 * format and leaves in chunks of growing size ({@link #CHUNK_MILLIS}: the first is small so that
 * playback can start early) with the alignment of the characters that start in each chunk.
 *
 * <p>Every character sent appears in exactly one chunk's {@code alignment}, in order, so the
 * concatenation of all alignment characters of a session equals the text sent. Text with nothing
 * to say (spaces, punctuation) is carried by the next chunk at time 0, or by an empty chunk at a
 * flush or the end.
 *
 * <p>Listener events go through the session's {@link SerialLane}. Thread safe.
 */
final class RealTtsSession implements TtsSession {
  /** Sizes of successive audio chunks; the last repeats. */
  static final int[] CHUNK_MILLIS = {20, 40, 80, 160};
  /** Sentences longer than this are split at a comma or space before synthesis. */
  static final int MAX_SENTENCE_CHARS = 300;
  /** Silence that carries the alignment of trailing text with nothing to say. */
  static final int SILENT_CARRIER_MILLIS = 10;
  /** Most characters released for synthesis and not yet voiced; more is an input error. */
  static final int MAX_QUEUED_CHARS = 100_000;

  private static final Logger LOG = LoggerFactory.getLogger(RealTtsSession.class);

  private enum State { OPEN, ENDING, CLOSED, FAILED }

  private sealed interface Item permits Sentence, FlushMark, EndMark {}

  private record Sentence(String text, boolean speakable) implements Item {}

  private record FlushMark() implements Item {}

  private record EndMark() implements Item {}

  private final TtsRequest request;
  private final TtsListener listener;
  private final VoiceEngine voice;
  private final TtsScheduler scheduler;
  private final LongSupplier nanoClock;
  private final ListenerEvents events;
  private final AudioFormat out;
  private final double speed;

  private final ReentrantLock lock = new ReentrantLock();
  // guarded by lock
  private final TextReleaser releaser;
  private final ArrayDeque<Item> items = new ArrayDeque<>();
  private State state = State.OPEN;
  private boolean scheduled;
  private long queuedChars;
  // written by the one worker running this session at a time; handed over through the scheduler
  private AudioConverter converter;
  private long outputSamples;
  private int chunkIndex;
  private final StringBuilder silentChars = new StringBuilder();
  private volatile long firstAudioNanos = -1;
  private volatile long producedMillis;
  // set once, read by the lane and workers
  private volatile boolean cancelled;

  RealTtsSession(TtsRequest request, TtsListener listener, VoiceEngine voice,
      TtsScheduler scheduler, SerialLane lane, LongSupplier nanoClock, Runnable onTerminal) {
    this.request = request;
    this.listener = listener;
    this.voice = voice;
    this.scheduler = scheduler;
    this.nanoClock = nanoClock;
    this.events = new ListenerEvents(lane, onTerminal);
    this.out = request.outputFormat();
    this.speed = request.voiceSettings().speed();
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
  public boolean send(String text) {
    Objects.requireNonNull(text, "text == null");
    lock.lock();
    try {
      if (state != State.OPEN) {
        return false;
      }
      List<String> pieces;
      try {
        pieces = releaser.append(text);
      } catch (IllegalStateException e) {
        failLocked(new SpeechError(ErrorCode.INPUT_ERROR, e.getMessage()));
        return false;
      }
      return enqueueLocked(pieces, null);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean flush() {
    lock.lock();
    try {
      if (state != State.OPEN) {
        return false;
      }
      return enqueueLocked(releaser.flush(), new FlushMark());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean tryTrigger() {
    lock.lock();
    try {
      if (state != State.OPEN) {
        return false;
      }
      return enqueueLocked(releaser.tryTrigger(), null);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean end() {
    lock.lock();
    try {
      if (state != State.OPEN) {
        return false;
      }
      boolean ok = enqueueLocked(releaser.flush(), new EndMark());
      if (ok) {
        state = State.ENDING;
      }
      return ok;
    } finally {
      lock.unlock();
    }
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
    for (String piece : pieces) {
      for (String sentence : Sentences.split(piece)) {
        for (String part : splitLong(sentence)) {
          queuedChars += part.length();
          items.add(new Sentence(part, speakable(part)));
        }
      }
    }
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
      scheduler.schedule(this, isUrgent());
    }
    return true;
  }

  /** True when the listener has less than {@link TtsScheduler#URGENT_LEAD_MILLIS} queued. */
  private boolean isUrgent() {
    return leadMillis() < TtsScheduler.URGENT_LEAD_MILLIS;
  }

  /** Audio produced minus real time elapsed since the first chunk: how far ahead we are. */
  private long leadMillis() {
    long first = firstAudioNanos;
    if (first < 0) {
      return 0;
    }
    long elapsed = (nanoClock.getAsLong() - first) / 1_000_000;
    return producedMillis - elapsed;
  }

  /** Called by a worker: processes the next item, then requeues the session if it has more. */
  void runOne(TtsScheduler.Synthesizers synthesizers) {
    Item item;
    lock.lock();
    try {
      item = cancelled ? null : items.poll();
      if (item == null) {
        scheduled = false;
        return;
      }
      if (item instanceof Sentence s) {
        queuedChars -= s.text().length();
      }
    } finally {
      lock.unlock();
    }
    try {
      switch (item) {
        case Sentence s -> voice(s, synthesizers);
        case FlushMark f -> {
          emitSilent();
          deliver(listener::onFlushed);
        }
        case EndMark e -> {
          emitSilent();
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
      LOG.warn("synthesis failed", e);
      fail(new SpeechError(ErrorCode.ERROR, "synthesis failed: " + e));
    }
    lock.lock();
    try {
      if (cancelled || items.isEmpty()) {
        scheduled = false;
      } else {
        scheduler.schedule(this, isUrgent());
      }
    } finally {
      lock.unlock();
    }
  }

  private void voice(Sentence s, TtsScheduler.Synthesizers synthesizers) throws Exception {
    if (!s.speakable()) {
      silentChars.append(s.text());
      return;
    }
    Synthesizer synth = synthesizers.forVoice(voice.info().voiceId());
    if (converter == null) {
      converter = AudioConverter.create(
          new AudioFormat(AudioFormat.Encoding.PCM_S16LE, voice.sampleRate(), 0), out);
    }
    if (leadMillis() < TtsScheduler.URGENT_LEAD_MILLIS) {
      chunkIndex = 0; // the listener is (nearly) waiting: start small again
    }
    NormalizedText text = TextNormalizer.normalize(s.text());
    if (!text.speakable()) {
      silentChars.append(s.text());
      return;
    }
    SentenceEmitter em = new SentenceEmitter(text);
    synth.synthesize(text.spoken(), speed, em);
    if (!cancelled) {
      em.finish();
    }
  }

  /**
   * Emits text that had nothing to say, unless a chunk will carry it: on {@link
   * #SILENT_CARRIER_MILLIS} of silence once the session has made audio (servers drop a chunk
   * without audio, and its alignment with it), else on an empty chunk.
   */
  private void emitSilent() {
    if (silentChars.isEmpty()) {
      return;
    }
    byte[] carrier = new byte[0];
    if (converter != null && outputSamples > 0) {
      byte[] silence = new byte[SILENT_CARRIER_MILLIS * voice.sampleRate() / 1000 * 2];
      byte[] a = converter.convert(silence);
      byte[] b = converter.flush();
      carrier = Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, carrier, a.length, b.length);
      outputSamples += carrier.length / out.frameSize();
      producedMillis = outputSamples * 1000 / out.sampleRate();
    }
    CharTimeline t = CharTimeline.silent(silentChars.toString());
    silentChars.setLength(0);
    int[] zeros = new int[t.size()];
    List<String> cs = new ArrayList<>();
    for (int i = 0; i < t.size(); i++) {
      cs.add(t.charAt(i));
    }
    Alignment a = new Alignment(cs, zeros, zeros);
    emit(new TtsAudio(carrier, a, new Alignment(List.of(), new int[0], new int[0])));
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

  /** Receives one sentence's timing and audio on the worker; cuts it into chunks. */
  private final class SentenceEmitter implements Synthesizer.Sink {
    private final NormalizedText text;
    private final int rate = out.sampleRate();
    private final int frame = out.frameSize();
    private final long startSample = outputSamples;
    private CharTimeline orig;
    private CharTimeline norm;
    private int origNext;
    private int normNext;
    private byte[] pending = new byte[8192];
    private int pendingLen;
    private long emittedSamples;

    SentenceEmitter(NormalizedText text) {
      this.text = text;
    }

    @Override
    public void timing(SentenceTiming timing) {
      orig = CharTimeline.original(text, timing);
      norm = CharTimeline.normalized(text.spoken(), timing);
    }

    @Override
    public boolean audio(byte[] pcm, int off, int len) {
      if (cancelled) {
        return false;
      }
      append(converter.convert(Arrays.copyOfRange(pcm, off, off + len)));
      int target;
      while (pendingLen > (target = targetBytes())) {
        chunk(target, false);
      }
      return !cancelled;
    }

    void finish() {
      append(converter.flush());
      chunk(pendingLen, true);
    }

    private int targetBytes() {
      int ms = CHUNK_MILLIS[Math.min(chunkIndex, CHUNK_MILLIS.length - 1)];
      return (int) ((long) ms * rate / 1000) * frame;
    }

    private void append(byte[] b) {
      if (pendingLen + b.length > pending.length) {
        pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLen + b.length));
      }
      System.arraycopy(b, 0, pending, pendingLen, b.length);
      pendingLen += b.length;
    }

    private void chunk(int bytes, boolean last) {
      byte[] audio = Arrays.copyOf(pending, bytes);
      System.arraycopy(pending, bytes, pending, 0, pendingLen - bytes);
      pendingLen -= bytes;
      long samples = bytes / frame;
      double chunkStartMs = (startSample + emittedSamples) * 1000.0 / rate;
      double chunkEndMs = (startSample + emittedSamples + samples) * 1000.0 / rate;
      double sentenceStartMs = startSample * 1000.0 / rate;
      Alignment a = slice(orig, true, sentenceStartMs, chunkStartMs, chunkEndMs, last);
      Alignment n = slice(norm, false, sentenceStartMs, chunkStartMs, chunkEndMs, last);
      emittedSamples += samples;
      outputSamples = startSample + emittedSamples;
      chunkIndex++;
      if (firstAudioNanos < 0) {
        firstAudioNanos = nanoClock.getAsLong();
      }
      producedMillis = outputSamples * 1000 / rate;
      emit(new TtsAudio(audio, a, n));
    }

    private Alignment slice(CharTimeline t, boolean isOrig, double sentenceStartMs,
        double chunkStartMs, double chunkEndMs, boolean last) {
      List<String> cs = new ArrayList<>();
      List<int[]> times = new ArrayList<>();
      if (isOrig && !silentChars.isEmpty()) {
        for (String c : CharTimeline.codePoints(silentChars.toString())) {
          cs.add(c);
          times.add(new int[] {0, 0});
        }
        silentChars.setLength(0);
      }
      int next = isOrig ? origNext : normNext;
      double lenMs = chunkEndMs - chunkStartMs;
      while (t != null && next < t.size()
          && (last || sentenceStartMs + t.startMs(next) < chunkEndMs)) {
        double s = sentenceStartMs + t.startMs(next) - chunkStartMs;
        double e = sentenceStartMs + t.endMs(next) - chunkStartMs;
        int rs = (int) Math.round(Math.max(0, Math.min(s, lenMs)));
        int re = (int) Math.round(Math.max(0, e));
        cs.add(t.charAt(next));
        times.add(new int[] {rs, Math.max(0, re - rs)});
        next++;
      }
      if (isOrig) {
        origNext = next;
      } else {
        normNext = next;
      }
      int[] starts = new int[cs.size()];
      int[] durs = new int[cs.size()];
      for (int i = 0; i < starts.length; i++) {
        starts[i] = times.get(i)[0];
        durs[i] = times.get(i)[1];
      }
      return new Alignment(cs, starts, durs);
    }
  }

  /** True when {@code s} has a letter or digit to say. */
  static boolean speakable(String s) {
    return s.codePoints().anyMatch(Character::isLetterOrDigit);
  }

  /** Splits a sentence longer than {@link #MAX_SENTENCE_CHARS} at commas or spaces. */
  static List<String> splitLong(String s) {
    List<String> out = new ArrayList<>();
    int start = 0;
    while (s.length() - start > MAX_SENTENCE_CHARS) {
      int limit = start + MAX_SENTENCE_CHARS;
      int cut = -1;
      for (int i = limit - 1; i > start + MAX_SENTENCE_CHARS / 2; i--) {
        if ((s.charAt(i) == ',' || s.charAt(i) == ';') && i + 1 < s.length()
            && Character.isWhitespace(s.charAt(i + 1))) {
          cut = i + 1;
          break;
        }
      }
      if (cut < 0) {
        for (int i = limit - 1; i > start; i--) {
          if (Character.isWhitespace(s.charAt(i))) {
            cut = i;
            break;
          }
        }
      }
      if (cut < 0) {
        cut = limit; // one enormous word
      }
      while (cut < s.length() && Character.isWhitespace(s.charAt(cut))) {
        cut++;
      }
      out.add(s.substring(start, cut));
      start = cut;
    }
    if (start < s.length()) {
      out.add(s.substring(start));
    }
    return out;
  }
}
