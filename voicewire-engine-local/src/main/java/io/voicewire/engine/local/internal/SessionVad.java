package io.voicewire.engine.local.internal;

import io.voicewire.audio.vad.SpeechEndpointer;
import io.voicewire.audio.vad.VadEvent;
import io.voicewire.audio.vad.VoiceActivityDetector;
import io.voicewire.engine.local.internal.vad.SileroEndpointer;
import io.voicewire.engine.local.internal.vad.SileroNet;
import io.voicewire.speech.VadParams;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.Lock;

/**
 * The one speech detector of an STT session: Silero ({@link SileroEndpointer}) when the engine
 * has its network, else the core energy {@link VoiceActivityDetector}. Its events bound the
 * session's decoding passes, and the same events make the VAD commit: {@link #forCommits} is the
 * endpointer {@link io.voicewire.speech.CommitPolicy} runs, which hands out, for each chunk the
 * session accepted, the events the detector found in it, so each chunk runs through one detector.
 *
 * <p>Not thread safe: the session guards it with its lock ({@link #forCommits} takes that lock).
 */
final class SessionVad {
  /**
   * Chunks whose events wait for the commit's endpointer: {@code CommitPolicy} reads each chunk's
   * right after the session took it, so more than one waits only if it is fed otherwise.
   */
  static final int MAX_SHARED_CHUNKS = 64;

  private final SpeechEndpointer detector;
  private final VadParams params;
  private boolean inSpeech;
  private ArrayDeque<List<VadEvent>> shared; // null until forCommits

  /** @param net Silero's network, or null for the energy detector */
  SessionVad(SileroNet net, VadParams params) {
    this.params = params;
    this.detector = net == null ? new VoiceActivityDetector(DecoderPool.SAMPLE_RATE, params)
        : new SileroEndpointer(net, params);
  }

  /** The boundaries {@code pcm} (16 kHz) completed; kept for the commit's endpointer too. */
  List<VadEvent> process(byte[] pcm) {
    List<VadEvent> events = detector.process(pcm);
    for (VadEvent e : events) {
      inSpeech = e.type() == VadEvent.Type.SPEECH_START;
    }
    if (shared != null) {
      if (shared.size() >= MAX_SHARED_CHUNKS) {
        shared.poll(); // not fed by CommitPolicy: nobody reads these
      }
      shared.add(events);
    }
    return events;
  }

  /** Chunks whose events wait for the commit's endpointer (0 when not shared), for tests. */
  int waitingChunks() {
    return shared == null ? 0 : shared.size();
  }

  /** Between a speech start and its end. */
  boolean inSpeech() {
    return inSpeech;
  }

  /**
   * The VAD commit's endpointer for {@code commitParams}: this detector's events when they are
   * the session's parameters, else a detector of its own. Call with {@code lock} held; the
   * endpointer takes it to read.
   */
  SpeechEndpointer forCommits(VadParams commitParams, Lock lock) {
    if (!commitParams.equals(params)) {
      return detector instanceof SileroEndpointer s ? s.fresh(commitParams)
          : new VoiceActivityDetector(DecoderPool.SAMPLE_RATE, commitParams);
    }
    ArrayDeque<List<VadEvent>> queue = new ArrayDeque<>();
    shared = queue;
    return pcm -> {
      lock.lock();
      try {
        List<VadEvent> events = queue.poll();
        return events == null ? List.of() : events;
      } finally {
        lock.unlock();
      }
    };
  }
}
