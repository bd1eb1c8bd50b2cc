package io.voicewire.engine.local.internal;

import io.voicewire.audio.vad.VadEvent;
import io.voicewire.audio.vad.SpeechEndpointer;
import io.voicewire.audio.vad.VoiceActivityDetector;
import io.voicewire.engine.local.Endpointing;
import io.voicewire.engine.local.internal.vad.SileroEndpointer;
import io.voicewire.engine.local.internal.vad.SileroNet;
import io.voicewire.speech.VadParams;
import io.voicewire.engine.local.internal.PassQueue.CloseStep;
import io.voicewire.engine.local.internal.PassQueue.CommitStep;
import io.voicewire.engine.local.internal.PassQueue.Pass;
import io.voicewire.engine.local.internal.PassQueue.Step;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.SttListener;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.SttSession;
import io.voicewire.speech.Transcript;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local speech-to-text session.
 *
 * <p>Audio is converted to 16 kHz PCM ({@link SttAudioIntake}) and watched by the core
 * {@link VoiceActivityDetector}, whose events bound the decoding passes; the VAD commit uses
 * Silero ({@link SileroEndpointer}) by default, or the same energy detector's events
 * ({@link SessionVad}). A
 * <em>pass</em> is a stretch of speech sent to a pooled Sphinx decoder: it opens at a VAD speech
 * start, with up to {@link LeadInRing#LEAD_IN_MILLIS} of the audio before it (Sphinx needs
 * silence before the first word), and ends at the VAD speech end, a commit, or the close; between
 * passes the session holds no decoder. Passes, commits and the close wait in order in a
 * {@link PassQueue}. A <em>segment</em> is what one committed transcript covers: the passes since
 * the previous commit ({@link #commit()}, {@link #commitIfSpeech()}; the VAD commit and the
 * auto-commit are the core {@code CommitPolicy}'s). One pass decodes at a time, so transcripts
 * come out in audio order, each exactly once. Partials are the segment's text so far, never the
 * same twice in a row ({@link SegmentText}). Each pass carries the session's {@link LmBias}
 * ({@code keyterms}, {@code previous_text}) to its decoder.
 *
 * <p>Times ({@link Transcript#audioStartMs()}, {@link io.voicewire.speech.Word}) are in the
 * session's audio time: the milliseconds of audio received since the session started.
 *
 * <p>Bounds: all the audio of a session that waits for decoding (in the pass being decoded and
 * in the passes queued behind it) is at most {@link #MAX_QUEUED_AUDIO_MILLIS}; a chunk that would
 * go beyond is refused ({@link #sendAudio} returns false and the chunk is not taken; the server
 * offers it again and stops reading the client meanwhile: uplink backpressure). A pass's buffer
 * grows with the audio it receives.
 *
 * <p>{@link #cancel()} drops the queued passes and ends the pass being decoded; the terminal
 * event ({@code onClosed}) follows once the decoder has let go of the session's pass, within
 * {@link #CANCEL_WITHIN_MILLIS}. Thread safe.
 */
final class RealSttSession implements SttSession {
  /** Most audio a session may have waiting for its decoder, over all its passes and lead-ins. */
  static final int MAX_QUEUED_AUDIO_MILLIS = 20_000;
  /**
   * After {@link #cancel()}, the decoder lets go of the session's pass within this time: it only
   * finishes the frames its front end already holds (a few hundred ms of audio at most).
   */
  static final long CANCEL_WITHIN_MILLIS = 1_000;
  /**
   * A pass that receives no audio for this long (wall clock) after its decoder has taken all of
   * its audio is ended, so that a client that stops sending mid-speech does not hold a decoder;
   * later audio opens a new pass. Audio offered while the session's queue is full counts as
   * received, and a pass whose decoder is behind is not idle ({@link #checkIdle}).
   */
  static final long PASS_IDLE_MILLIS = 2_000;

  private static final Logger LOG = LoggerFactory.getLogger(RealSttSession.class);
  private static final int BYTES_PER_MS = DecoderPool.SAMPLE_RATE * 2 / 1000;
  private enum State { OPEN, CLOSING, CANCELLING, CLOSED, FAILED }

  private final String sessionId;
  private final SttRequest request;
  private final DecoderPool pool;
  private final SttEvents events; // listener events, in order on the session's lane
  private final ReentrantLock lock = new ReentrantLock();

  // guarded by lock
  private final SttAudioIntake intake;
  private final DecodePace pace; // shared by the session's passes, thread safe itself
  private final PassQueue passes = new PassQueue(MAX_QUEUED_AUDIO_MILLIS * BYTES_PER_MS);
  private final SegmentText segment;
  private State state = State.OPEN;
  private int passCount;
  private LmBias bias;

  RealSttSession(String sessionId, SttRequest request, SttListener listener, DecoderPool pool,
      SerialLane lane, LongSupplier nanoClock, DecodePace pace, SileroNet endpointNet,
      Runnable onTerminal) {
    this.sessionId = sessionId;
    this.request = request;
    this.pool = pool;
    this.events = new SttEvents(sessionId, listener, lane, onTerminal, this::fail);
    this.intake = new SttAudioIntake(request, endpointNet, nanoClock);
    this.pace = pace;
    this.segment = new SegmentText(request.includeTimestamps(), request.includeLanguageDetection());
    this.bias = LmBias.of(request.keyterms(), request.previousText());
  }

  /** Announces the session to its listener (the first event). */
  void start() {
    events.started();
  }

  /** A session that failed before it started. */
  static RealSttSession failed(String sessionId, SttRequest request, SttListener listener,
      SerialLane lane, SpeechError error) {
    RealSttSession s = new RealSttSession(sessionId, request, listener, null, lane,
        System::nanoTime, DecodePace.UNLIMITED, null, () -> {});
    s.fail(error);
    return s;
  }

  /** Whether the session still takes audio (not closing, cancelled or failed). */
  boolean accepting() {
    return locked(() -> state == State.OPEN);
  }

  String sessionId() {
    return sessionId;
  }

  /** The pace of its decoding, and whether it is speaking. */
  DecodePace pace() {
    return pace;
  }

  @Override
  public SttRequest request() {
    return request;
  }

  @Override
  public long audioReceivedMs() {
    return locked(intake::receivedMs);
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
      if (!passes.hasRoomFor(audio.length)) {
        intake.offered(); // the client is there: the decoder is behind, the pass is not idle
        pace.backpressured(); // and it sends faster than it is decoded: not real time
        return false; // MAX_QUEUED_AUDIO_MILLIS wait for the decoder: not taken
      }
      long chunkStartMs = intake.nowMs();
      byte[] pcm = pace.received(intake.take(audio)); // what the client sends sets urgency
      if (passes.open != null && !passes.open.write(pcm)) {
        failLocked(new SpeechError(ErrorCode.QUEUE_OVERFLOW, "more than "
            + MAX_QUEUED_AUDIO_MILLIS / 1000 + " s of audio are waiting to be transcribed"));
        return true;
      }
      boolean written = passes.open != null;
      for (VadEvent e : intake.detect(pcm)) {
        if (state != State.OPEN) {
          break;
        }
        if (e.type() == VadEvent.Type.SPEECH_START) {
          if (passes.open == null) {
            startPass(intake.leadInAt(e.audioMs(), passCount));
            written = true;
          }
        } else {
          passes.finishOpen();
        }
      }
      if (state == State.OPEN && passes.open == null && !written && intake.inSpeech()) {
        // speech goes on after a commit or an idle pause: continue in a new pass
        startPass(LeadInRing.continuing(chunkStartMs, pcm, passCount));
      }
      if (passes.open != null) {
        pace.spoke(); // speech: another tenant's decoding ahead of real time holds back
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

  /** Context for the speech to come: its words are favoured, after the keyterms. */
  @Override
  public void previousText(String text) {
    locked(() -> bias = LmBias.of(request.keyterms(), text));
  }

  /** The auto-commit's commit: a segment without words is not emitted. */
  @Override
  public boolean commitIfSpeech() {
    return commit(false);
  }

  private boolean commit(boolean always) {
    return locked(() -> {
      if (state == State.OPEN) {
        commitLocked(always);
        return true;
      }
      return false;
    });
  }

  /**
   * The VAD commit's detector: Silero ({@link Endpointing#SILERO}, the default), or the energy
   * detector that bounds the decoding passes, whose events it then shares ({@link SessionVad}).
   */
  @Override
  public SpeechEndpointer endpointer(VadParams params) {
    return locked(() -> intake.endpointer(params, lock));
  }

  /** Recognition only: the VAD commit and the auto-commit are the core {@code CommitPolicy}'s. */
  @Override
  public boolean appliesCommitRules() {
    return false;
  }

  @Override
  public void close() {
    locked(() -> {
      if (state == State.OPEN) {
        commitLocked(false); // what is pending, if it has words
        state = State.CLOSING;
        passes.add(new CloseStep());
        advanceLocked();
      }
    });
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
      passes.dropQueued();
      if (passes.cancelActive(pool)) {
        state = State.CLOSED;
        events.closed();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Bytes of audio buffer this session holds now (lead-in ring, passes queued, open and being
   * decoded), for metrics and tests; at most the ring ({@link LeadInRing#RING_MILLIS}), twice
   * {@link #MAX_QUEUED_AUDIO_MILLIS} of 16 kHz audio and one initial buffer per queued pass.
   */
  long heldAudioBytes() {
    return locked(() -> intake.ringBytes() + passes.allocatedBytes());
  }

  /**
   * Ends the open pass when its decoder has taken all its audio and no audio came (nor was
   * offered) for {@link #PASS_IDLE_MILLIS}; called periodically by the engine's timer.
   *
   * <p>Ending a pass mid-speech changes the words (the speech after it is decoded as a new
   * stretch), so a pass whose decoder is still behind is never ended: otherwise the words would
   * depend on the wall clock, on how fast the engine decoded, and a client's replay of audio
   * into a lagging engine would not give the words of the same audio sent live (docs/engine.md,
   * "Determinism").
   */
  void checkIdle(long nowNanos) {
    locked(() -> {
      if (passes.open != null && passes.open.pipe.buffered() == 0
          && intake.idleFor(nowNanos, PASS_IDLE_MILLIS)) {
        passes.finishOpen();
      }
    });
  }

  /** Fails the session at once (engine closed, no capacity, decoder failure). */
  void fail(SpeechError error) {
    locked(() -> failLocked(error));
  }

  private void locked(Runnable action) {
    lock.lock();
    try {
      action.run();
    } finally {
      lock.unlock();
    }
  }

  private <T> T locked(Supplier<T> read) {
    lock.lock();
    try {
      return read.get();
    } finally {
      lock.unlock();
    }
  }

  private void failLocked(SpeechError error) {
    if (state == State.CLOSED || state == State.FAILED) {
      return;
    }
    state = State.FAILED;
    passes.dropQueued();
    passes.abandonActive(pool);
    events.failed(error);
  }

  /** Opens a pass (at a VAD speech start, or where speech goes on) with its lead-in. */
  private void startPass(LeadInRing.LeadIn lead) {
    PassStep p = new PassStep(++passCount, lead.zeroMs());
    p.write(lead.pad());
    p.write(lead.real());
    passes.open(p);
    advanceLocked();
  }

  private void commitLocked(boolean always) {
    passes.finishOpen();
    passes.commit(intake.receivedMs(), always, pace);
    advanceLocked();
  }

  /** Starts what can start: submits the next pass, emits commits whose passes are done. */
  private void advanceLocked() {
    while (state == State.OPEN || state == State.CLOSING) {
      Step step = passes.next();
      if (step == null) {
        return;
      }
      switch (step) {
        case Pass p -> {
          SpeechError refused = passes.submit(p, pool);
          if (refused != null) {
            failLocked(refused);
            return;
          }
        }
        case CommitStep c -> events.committed(segment.commit(c.startMs(), c.endMs(), c.always()),
            c.trace().slowNote());
        case CloseStep c -> {
          state = State.CLOSED;
          events.closed();
        }
      }
    }
  }

  /** The decoder's callbacks for one pass of this session; they come from a decoder thread. */
  private final class PassStep extends Pass {
    private final LmBias passBias = bias; // constructed under the session lock

    PassStep(int number, long zeroMs) {
      super(number, zeroMs, MAX_QUEUED_AUDIO_MILLIS * BYTES_PER_MS, request.tenant());
    }

    @Override
    public LmBias bias() {
      return passBias;
    }

    @Override
    public DecodePace pace() {
      return pace;
    }

    @Override
    public void partial(String text, long lastWordEndMs) {
      lock.lock();
      try {
        if (passes.active != this || state == State.FAILED || state == State.CLOSED
            || state == State.CANCELLING) {
          return;
        }
        events.partial(segment.partial(text, zeroMs, lastWordEndMs, intake.nowMs()));
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void utterance(String text, List<DecoderPool.TimedWord> words) {
      lock.lock();
      try {
        if (passes.active != this || text.isBlank() || state == State.CANCELLING) {
          return;
        }
        segment.add(text, words, zeroMs);
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void done() {
      lock.lock();
      try {
        if (passes.active == this) {
          passes.active = null;
          if (state == State.CANCELLING) {
            state = State.CLOSED;
            events.closed();
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
