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
 * The speech detection of an STT session. Its decoding passes are bounded by the core energy
 * {@link VoiceActivityDetector}. The VAD commit ({@link #forCommits}, the endpointer
 * {@link io.voicewire.speech.CommitPolicy} runs) uses Silero ({@link SileroEndpointer}) when the
 * engine has its network; with the energy detector for commits too, the commit's endpointer
 * hands out, for each chunk the session accepted, the events the pass detector found in it, so
 * each chunk runs through one detector.
 *
 * <p>Why the passes keep the energy detector under Silero commits: with Silero's boundaries for
 * the passes too, the engine's tests of recognition failed deterministically (a keyterm no longer
 * recognized, a VAD-committed sentence garbled after its fourth word: docs/bench-engine.md); the
 * pass boundaries decide which audio, lead-in included, Sphinx decodes as one stretch, and its
 * own front-end endpointer was tuned with the energy detector's.
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
  private final SileroNet net; // the commits' network, or null: energy commits share the detector
  private boolean inSpeech;
  private ArrayDeque<List<VadEvent>> shared; // null until forCommits

  /** @param net Silero's network, or null for the energy detector */
  SessionVad(SileroNet net, VadParams params) {
    this.params = params;
    this.detector = new VoiceActivityDetector(DecoderPool.SAMPLE_RATE, params);
    this.net = net;
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
   * The VAD commit's endpointer for {@code commitParams}: Silero's when the engine has it; else
   * the pass detector's events when they are the session's parameters; else a detector of its
   * own. Call with {@code lock} held; the
   * endpointer takes it to read.
   */
  SpeechEndpointer forCommits(VadParams commitParams, Lock lock) {
    if (net != null) {
      return new SileroEndpointer(net, commitParams);
    }
    if (!commitParams.equals(params)) {
      return new VoiceActivityDetector(DecoderPool.SAMPLE_RATE, commitParams);
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
