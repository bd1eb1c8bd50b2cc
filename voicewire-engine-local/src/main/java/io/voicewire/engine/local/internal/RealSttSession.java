package io.voicewire.engine.local.internal;

import io.voicewire.audio.AudioConverter;
import io.voicewire.audio.AudioFormat;
import io.voicewire.audio.vad.VadEvent;
import io.voicewire.audio.vad.VoiceActivityDetector;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.SttListener;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.SttSession;
import io.voicewire.speech.Transcript;
import io.voicewire.speech.Word;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local speech-to-text session.
 *
 * <p>Audio is converted to 16 kHz PCM and watched by the core {@link VoiceActivityDetector} (with
 * the request's {@code VadParams}). A <em>pass</em> is a stretch of speech sent to a pooled Sphinx
 * decoder: it opens at a VAD speech start, with up to {@link #LEAD_IN_MILLIS} of the audio before
 * it (quiet noise where the session has less) because Sphinx needs silence before the first word,
 * and it ends at the VAD speech end, a commit, or the close. Between passes the session holds no
 * decoder, so idle and silent sessions cost no decoding.
 *
 * <p>A <em>segment</em> is what one committed transcript covers: the passes since the previous
 * commit. It is committed by {@link #commit()} and {@link #commitIfSpeech()}: this session
 * implements recognition only, and the VAD commit and the auto-commit are the core
 * {@code CommitPolicy}'s, which the provider and the server put above it. Passes and commits of
 * a session are processed strictly in order (one pass decodes at a time), so transcripts come out in audio
 * order and each committed text is emitted exactly once. Partials are the segment's text so far;
 * one identical to the previous partial is not sent again.
 *
 * <p>Times ({@link Transcript#audioStartMs()}, {@link Word}) are in the session's audio time: the
 * milliseconds of audio received since the session started.
 *
 * <p>Bounds: all the audio of a session that waits for decoding (in the pass being decoded and
 * in the passes queued behind it) is at most {@link #MAX_QUEUED_AUDIO_MILLIS}; a chunk that would
 * go beyond is refused ({@link #sendAudio} returns false and the chunk is not taken; the server
 * answers {@code queue_overflow}). A pass's buffer grows with the audio it receives.
 *
 * <p>{@link #cancel()} drops the queued passes and ends the pass being decoded; the terminal
 * event ({@code onClosed}) follows once the decoder has let go of the session's pass, within
 * {@link #CANCEL_WITHIN_MILLIS}. Thread safe.
 */
final class RealSttSession implements SttSession {
  /** Audio before a speech start handed to the decoder, so that it keeps the first word. */
  static final int LEAD_IN_MILLIS = 500;
  /** Audio kept from before a speech start, for the lead-in (covers the VAD's reporting delay). */
  static final int RING_MILLIS = 3_000;
  /**
   * Most audio a session may have waiting for its decoder, over all its queued passes (the
   * lead-in of each pass included).
   */
  static final int MAX_QUEUED_AUDIO_MILLIS = 20_000;
  /**
   * After {@link #cancel()}, the decoder lets go of the session's pass within this time: it only
   * finishes the frames its front end already holds (a few hundred ms of audio at most, decoded
   * several times faster than real time), taking turns with the other lanes of its model set.
   */
  static final long CANCEL_WITHIN_MILLIS = 1_000;
  /**
   * A pass that receives no audio for this long (wall clock) is ended, so that a client that
   * stops sending mid-speech does not hold a decoder; later audio opens a new pass.
   */
  static final long PASS_IDLE_MILLIS = 2_000;

  private static final Logger LOG = LoggerFactory.getLogger(RealSttSession.class);
  private static final int BYTES_PER_MS = DecoderPool.SAMPLE_RATE * 2 / 1000;

  private enum State { OPEN, CLOSING, CANCELLING, CLOSED, FAILED }

  private sealed interface Step permits PassStep, CommitStep, CloseStep {}

  /** A segment boundary; {@code always} false skips it when the segment has no words. */
  private record CommitStep(long startMs, long endMs, boolean always) implements Step {}

  private record CloseStep() implements Step {}

  private final String sessionId;
  private final SttRequest request;
  private final SttListener listener;
  private final DecoderPool pool;
  private final ListenerEvents events;
  private final LongSupplier nanoClock;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile long lastAudioNanos;

  // guarded by lock
  private final AudioConverter converter;
  private final VoiceActivityDetector vad;
  // allocated with the first audio, so an idle session costs no ring (idle-heap target 64 KiB)
  private byte[] ring;
  private long samples; // 16 kHz samples received (session audio time)
  private long receivedBytes; // bytes in the request's format
  private PassStep open; // the pass receiving audio, if any
  private final ArrayDeque<Step> steps = new ArrayDeque<>();
  private PassStep active; // the pass submitted to the pool
  private long segmentStartMs; // start of the segment being requested
  private long assembledStartMs; // start of the segment being assembled from finished passes
  private final List<DecoderPool.TimedWord> segmentWords = new ArrayList<>();
  private final List<String> segmentText = new ArrayList<>();
  private String lastPartial = "";
  private State state = State.OPEN;
  private int passCount;

  RealSttSession(String sessionId, SttRequest request, SttListener listener, DecoderPool pool,
      SerialLane lane, LongSupplier nanoClock, Runnable onTerminal) {
    this.sessionId = sessionId;
    this.nanoClock = nanoClock;
    this.lastAudioNanos = nanoClock.getAsLong();
    this.request = request;
    this.listener = listener;
    this.pool = pool;
    this.events = new ListenerEvents(lane, onTerminal);
    AudioFormat in = request.audioFormat();
    this.converter = in.equals(AudioFormat.PCM_16000) ? null
        : AudioConverter.create(in, AudioFormat.PCM_16000);
    this.vad = new VoiceActivityDetector(DecoderPool.SAMPLE_RATE, request.vad());
  }

  /** Announces the session to its listener (the first event). */
  void start() {
    deliver(() -> listener.onStarted(sessionId));
  }

  /** A session that failed before it started. */
  static RealSttSession failed(String sessionId, SttRequest request, SttListener listener,
      SerialLane lane, SpeechError error) {
    RealSttSession s = new RealSttSession(sessionId, request, listener, null, lane,
        System::nanoTime, () -> {});
    s.fail(error);
    return s;
  }

  String sessionId() {
    return sessionId;
  }

  @Override
  public SttRequest request() {
    return request;
  }

  @Override
  public long audioReceivedMs() {
    lock.lock();
    try {
      return receivedMs();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean sendAudio(byte[] audio) {
    Objects.requireNonNull(audio, "audio == null");
    lock.lock();
    try {
      if (state != State.OPEN) {
        return false;
      }
      if (audio.length == 0) {
        return true; // a keep-alive
      }
      if (queuedBytes() + pcm16Bound(audio.length) > MAX_QUEUED_AUDIO_MILLIS * BYTES_PER_MS) {
        return false; // MAX_QUEUED_AUDIO_MILLIS wait for the decoder: not taken
      }
      byte[] pcm = converter == null ? audio : converter.convert(audio);
      receivedBytes += audio.length;
      lastAudioNanos = nanoClock.getAsLong();
      long chunkStartMs = nowMs();
      samples += pcm.length / 2;
      remember(pcm);
      if (open != null && !open.write(pcm)) {
        failLocked(new SpeechError(ErrorCode.QUEUE_OVERFLOW, "more than "
            + MAX_QUEUED_AUDIO_MILLIS / 1000 + " s of audio are waiting to be transcribed"));
        return true;
      }
      boolean written = open != null;
      for (VadEvent e : vad.process(pcm)) {
        if (state != State.OPEN) {
          break;
        }
        if (e.type() == VadEvent.Type.SPEECH_START) {
          if (open == null) {
            openPass(e.audioMs());
            written = true;
          }
        } else {
          closePass();
        }
      }
      if (state == State.OPEN && open == null && !written && vad.inSpeech()) {
        // speech goes on after a commit or an idle pause: continue in a new pass
        startPass(chunkStartMs - LEAD_IN_MILLIS, Noise.quiet(DecoderPool.SAMPLE_RATE,
            LEAD_IN_MILLIS, passCount), pcm);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean commit() {
    return commit(true);
  }

  /** The auto-commit's commit: a segment without words is not emitted. */
  @Override
  public boolean commitIfSpeech() {
    return commit(false);
  }

  private boolean commit(boolean always) {
    lock.lock();
    try {
      if (state != State.OPEN) {
        return false;
      }
      commitLocked(always);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Recognition only: the VAD commit and the auto-commit are the core {@code CommitPolicy}'s. */
  @Override
  public boolean appliesCommitRules() {
    return false;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (state != State.OPEN) {
        return;
      }
      commitLocked(false); // what is pending, if it has words
      state = State.CLOSING;
      steps.add(new CloseStep());
      advanceLocked();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Abandons the session: drops the open and queued passes, ends the one being decoded, and
   * delivers {@code onClosed} once no decoder works for this session any more.
   */
  @Override
  public void cancel() {
    lock.lock();
    try {
      if (state == State.CANCELLING || state == State.CLOSED || state == State.FAILED) {
        return;
      }
      state = State.CANCELLING;
      dropQueuedLocked();
      if (active != null && pool.cancel(active)) {
        active.pipe.abort();
        active = null;
      }
      if (active == null) {
        state = State.CLOSED;
        deliverTerminal(listener::onClosed);
      } else {
        active.pipe.abort(); // the decoder reads the end and calls done()
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Bytes of audio buffer this session holds now: its lead-in ring and the buffers of its passes
   * (queued, open and being decoded). The engine's own accounting of what a session's audio costs,
   * for metrics and tests; bounded by the ring ({@link #RING_MILLIS}) plus, since a pass's buffer
   * at most doubles past its content, twice {@link #MAX_QUEUED_AUDIO_MILLIS} of 16 kHz audio and
   * one initial buffer per queued pass.
   */
  long heldAudioBytes() {
    lock.lock();
    try {
      long n = ring == null ? 0 : ring.length;
      if (active != null) {
        n += active.pipe.allocated();
      }
      for (Step s : steps) {
        if (s instanceof PassStep p && p != active) {
          n += p.pipe.allocated();
        }
      }
      if (open != null && open != active && !steps.contains(open)) {
        n += open.pipe.allocated();
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  /** Bytes waiting for the decoder in this session's passes. */
  private long queuedBytes() {
    long n = 0;
    if (active != null) {
      n += active.pipe.buffered();
    }
    for (Step s : steps) {
      if (s instanceof PassStep p) {
        n += p.pipe.buffered();
      }
    }
    return n; // the open pass is the last queued step or the active one
  }

  private void dropQueuedLocked() {
    if (open != null) {
      open.pipe.abort();
      open = null;
    }
    for (Step s : steps) {
      if (s instanceof PassStep p) {
        p.pipe.abort();
      }
    }
    steps.clear();
  }

  /**
   * Ends the open pass when no audio came for {@link #PASS_IDLE_MILLIS}; called periodically by
   * the engine's timer.
   */
  void checkIdle(long nowNanos) {
    lock.lock();
    try {
      if (open != null && nowNanos - lastAudioNanos >= PASS_IDLE_MILLIS * 1_000_000) {
        closePass();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Fails the session at once (engine closed, no capacity, decoder failure). */
  void fail(SpeechError error) {
    lock.lock();
    try {
      failLocked(error);
    } finally {
      lock.unlock();
    }
  }

  private void failLocked(SpeechError error) {
    if (state == State.CLOSED || state == State.FAILED) {
      return;
    }
    state = State.FAILED;
    dropQueuedLocked();
    if (active != null) {
      if (pool != null) {
        pool.cancel(active);
      }
      active.pipe.abort();
      active = null;
    }
    deliverTerminal(() -> listener.onFailure(error));
  }

  /** Session time as far as the decoder side has seen it (16 kHz samples produced). */
  private long nowMs() {
    return samples * 1000 / DecoderPool.SAMPLE_RATE;
  }

  /** Session time as received: the milliseconds of audio in the bytes sent so far. */
  private long receivedMs() {
    return Math.round(request.audioFormat().millisForBytes(receivedBytes));
  }

  private static int pcm16Bound(int inputBytes) {
    return inputBytes * 4 + 64; // 8-bit 8 kHz to 16-bit 16 kHz is the largest growth (x4)
  }

  // ring of the last RING_MILLIS of 16 kHz audio; ringEnd = total bytes written
  private long ringEnd;

  private void remember(byte[] pcm) {
    if (ring == null) {
      ring = new byte[RING_MILLIS * BYTES_PER_MS];
    }
    int n = pcm.length;
    int off = 0;
    if (n > ring.length) {
      off = n - ring.length;
      ringEnd += off;
      n = ring.length;
    }
    int pos = (int) (ringEnd % ring.length);
    int first = Math.min(n, ring.length - pos);
    System.arraycopy(pcm, off, ring, pos, first);
    System.arraycopy(pcm, off + first, ring, 0, n - first);
    ringEnd += n;
  }

  /** The ring's audio from session time {@code fromMs} to now (clipped to what it holds). */
  private byte[] recent(long fromMs) {
    if (ring == null) {
      return new byte[0];
    }
    long fromByte = Math.max(fromMs * BYTES_PER_MS, Math.max(0, ringEnd - ring.length));
    fromByte -= fromByte & 1;
    int n = (int) (ringEnd - fromByte);
    byte[] out = new byte[Math.max(0, n)];
    for (int i = 0; i < out.length; ) {
      int pos = (int) ((fromByte + i) % ring.length);
      int len = Math.min(out.length - i, ring.length - pos);
      System.arraycopy(ring, pos, out, i, len);
      i += len;
    }
    return out;
  }

  /** Opens a pass at a VAD speech start, with a lead-in of the audio before it. */
  private void openPass(long speechStartMs) {
    long leadFrom = Math.max(0, speechStartMs - LEAD_IN_MILLIS);
    byte[] real = recent(leadFrom);
    long realStartMs = nowMs() - real.length / BYTES_PER_MS;
    int synthetic = (int) Math.max(0, LEAD_IN_MILLIS - (speechStartMs - realStartMs));
    startPass(realStartMs - synthetic, Noise.quiet(DecoderPool.SAMPLE_RATE, synthetic,
        passCount), real);
  }

  private void startPass(long zeroMs, byte[] pad, byte[] real) {
    PassStep p = new PassStep(++passCount, zeroMs);
    p.write(pad);
    p.write(real);
    open = p;
    steps.add(p);
    advanceLocked();
  }

  private void closePass() {
    if (open != null) {
      open.pipe.finish();
      open = null;
    }
  }

  private void commitLocked(boolean always) {
    closePass();
    long end = receivedMs();
    steps.add(new CommitStep(segmentStartMs, end, always));
    segmentStartMs = end;
    advanceLocked();
  }

  /** Starts what can start: submits the next pass, emits commits whose passes are done. */
  private void advanceLocked() {
    while (active == null && !steps.isEmpty() && (state == State.OPEN
        || state == State.CLOSING)) {
      Step step = steps.poll();
      switch (step) {
        case PassStep p -> {
          if (pool == null || !pool.submit(p)) {
            steps.addFirst(p);
            failLocked(new SpeechError(ErrorCode.RESOURCE_EXHAUSTED, "all "
                + (pool == null ? 0 : pool.size()) + " speech decoders are busy and "
                + (pool == null ? 0 : pool.waiting()) + " sessions are waiting for one"));
            return;
          }
          p.submitted = true;
          active = p;
        }
        case CommitStep c -> emitCommitted(c);
        case CloseStep c -> {
          state = State.CLOSED;
          deliverTerminal(listener::onClosed);
        }
      }
    }
  }

  private void emitCommitted(CommitStep c) {
    String text = String.join(" ", segmentText).strip();
    if (!c.always() && text.isEmpty()) {
      segmentWords.clear();
      segmentText.clear();
      lastPartial = "";
      assembledStartMs = c.endMs();
      return;
    }
    List<Word> words = new ArrayList<>();
    if (request.includeTimestamps()) {
      for (DecoderPool.TimedWord w : segmentWords) {
        double start = Math.max(c.startMs(), w.startMs()) / 1000.0;
        double end = Math.max(start * 1000, w.endMs()) / 1000.0;
        double conf = w.confidence() > 0 ? Math.min(0, Math.log(w.confidence())) : 0;
        words.add(new Word(w.text(), start, end, "word", conf));
      }
    }
    segmentText.clear();
    segmentWords.clear();
    lastPartial = "";
    assembledStartMs = c.endMs();
    Transcript t = new Transcript(text, true, c.startMs(), Math.max(c.startMs(), c.endMs()),
        words, request.includeLanguageDetection() ? "en" : null);
    deliver(() -> listener.onCommitted(t));
  }

  private void deliver(Runnable event) {
    if (!events.deliver(event)) {
      fail(new SpeechError(ErrorCode.QUEUE_OVERFLOW, "the listener is not taking events: "
          + SerialLane.MAX_QUEUED_EVENTS + " waiting"));
    }
  }

  private void deliverTerminal(Runnable event) {
    events.deliverTerminal(event);
  }

  /** One stretch of speech and its decoding; callbacks come from a decoder thread. */
  private final class PassStep implements Step, DecoderPool.Job {
    final int number;
    final long zeroMs; // session time of the first byte of the pipe
    final AudioPipe pipe = new AudioPipe(MAX_QUEUED_AUDIO_MILLIS * BYTES_PER_MS);
    boolean submitted; // guarded by the session lock

    PassStep(int number, long zeroMs) {
      this.number = number;
      this.zeroMs = zeroMs;
    }

    boolean write(byte[] pcm) {
      return pipe.write(pcm);
    }

    @Override
    public AudioPipe audio() {
      return pipe;
    }

    @Override
    public void partial(String text, long lastWordEndMs) {
      lock.lock();
      try {
        if (active != this || state == State.FAILED || state == State.CLOSED
            || state == State.CANCELLING) {
          return;
        }
        String full = join(text);
        if (full.isEmpty() || full.equals(lastPartial)) {
          return;
        }
        lastPartial = full;
        long end = lastWordEndMs < 0 ? nowMs() : Math.max(assembledStartMs,
            zeroMs + lastWordEndMs);
        Transcript t = Transcript.partial(full, assembledStartMs,
            Math.max(assembledStartMs, end));
        deliver(() -> listener.onPartial(t));
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void utterance(String text, List<DecoderPool.TimedWord> words) {
      lock.lock();
      try {
        if (active != this || text.isBlank() || state == State.CANCELLING) {
          return;
        }
        segmentText.add(text);
        for (DecoderPool.TimedWord w : words) {
          segmentWords.add(new DecoderPool.TimedWord(w.text(), zeroMs + w.startMs(),
              zeroMs + w.endMs(), w.confidence()));
        }
      } finally {
        lock.unlock();
      }
    }

    private String join(String hypothesis) {
      StringBuilder sb = new StringBuilder(String.join(" ", segmentText));
      if (!hypothesis.isBlank()) {
        if (!sb.isEmpty()) {
          sb.append(' ');
        }
        sb.append(hypothesis.strip());
      }
      return sb.toString();
    }

    @Override
    public void done() {
      lock.lock();
      try {
        if (active == this) {
          active = null;
          if (state == State.CANCELLING) {
            state = State.CLOSED;
            deliverTerminal(listener::onClosed);
          } else {
            advanceLocked();
          }
        }
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void failed(Throwable error) {
      lock.lock();
      try {
        if (state == State.CANCELLING) {
          done(); // abandoned anyway: the decoder has let go
          return;
        }
      } finally {
        lock.unlock();
      }
      LOG.warn("speech decoding failed for session {}", sessionId, error);
      fail(new SpeechError(ErrorCode.TRANSCRIBER_ERROR, "speech decoding failed: " + error));
    }
  }
}
