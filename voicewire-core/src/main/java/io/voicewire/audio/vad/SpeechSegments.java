package io.voicewire.audio.vad;

import io.voicewire.speech.VadParams;
import java.util.List;
import java.util.Objects;

/**
 * The segment rules of {@link VadParams}, fed by a {@link SpeechEndpointer}'s frame decisions,
 * so that every endpointer turns "this frame is speech" into the same
 * {@link VadEvent SPEECH_START}/{@link VadEvent SPEECH_END} boundaries:
 * <ul>
 *   <li>outside speech, the first speech opens a candidate at its start; once the candidate's
 *       speech adds up to {@code minSpeechDurationMs}, {@code SPEECH_START} is reported at the
 *       candidate's start; the candidate is dropped after {@code minSilenceDurationMs} without
 *       speech;
 *   <li>in speech, every speech moves the speech end to its end; once
 *       {@code max(silenceThresholdSecs·1000, minSilenceDurationMs)} ms have passed since then
 *       without speech, {@code SPEECH_END} is reported at the speech end.
 * </ul>
 * {@link VoiceActivityDetector} feeds it its speech frames (10 ms, runs of at least 30 ms).
 *
 * <p>Not thread safe: one per stream, fed by one thread at a time.
 */
public final class SpeechSegments {
  private final long minSpeechMs;
  private final long minSilenceMs;
  private final long endSilenceMs;
  private boolean inSpeech;
  private long candidateStartMs = -1;
  private long candidateSpeechMs;
  private long lastSpeechEndMs;

  /** Segments by {@code params}' durations, starting outside speech at time 0. */
  public SpeechSegments(VadParams params) {
    Objects.requireNonNull(params, "params == null");
    this.minSpeechMs = params.minSpeechDurationMs();
    this.minSilenceMs = params.minSilenceDurationMs();
    this.endSilenceMs = Math.max(Math.round(params.silenceThresholdSecs() * 1000), minSilenceMs);
  }

  /** True between a {@code SPEECH_START} and the following {@code SPEECH_END}. */
  public boolean inSpeech() {
    return inSpeech;
  }

  /** Back outside speech at time 0, no candidate open. */
  public void reset() {
    inSpeech = false;
    candidateStartMs = -1;
    candidateSpeechMs = 0;
    lastSpeechEndMs = 0;
  }

  /**
   * Speech covering {@code [fromMs, toMs)}, {@code ms} of it in total (a run that became speech
   * late counts from its start); adds a {@code SPEECH_START} to {@code events} when it completes
   * a candidate.
   */
  public void speech(long fromMs, long toMs, long ms, List<VadEvent> events) {
    lastSpeechEndMs = toMs;
    if (inSpeech) {
      return;
    }
    if (candidateStartMs < 0) {
      candidateStartMs = fromMs;
      candidateSpeechMs = 0;
    }
    candidateSpeechMs += ms;
    if (candidateSpeechMs >= minSpeechMs) {
      inSpeech = true;
      events.add(new VadEvent(VadEvent.Type.SPEECH_START, candidateStartMs));
    }
  }

  /**
   * The stream has reached {@code nowMs} (the end of the frame just decided): adds a
   * {@code SPEECH_END} to {@code events} when the silence since the last speech ends it, and
   * drops a candidate that waited too long for more speech.
   */
  public void elapsed(long nowMs, List<VadEvent> events) {
    long sinceSpeech = nowMs - lastSpeechEndMs;
    if (inSpeech) {
      if (sinceSpeech >= endSilenceMs) {
        inSpeech = false;
        candidateStartMs = -1;
        events.add(new VadEvent(VadEvent.Type.SPEECH_END, lastSpeechEndMs));
      }
    } else if (candidateStartMs >= 0 && sinceSpeech >= minSilenceMs) {
      candidateStartMs = -1;
    }
  }
}
