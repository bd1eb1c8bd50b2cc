package io.voicewire.engine.local.internal;

import io.voicewire.audio.AudioConverter;
import io.voicewire.audio.AudioFormat;
import io.voicewire.audio.vad.SpeechEndpointer;
import io.voicewire.audio.vad.VadEvent;
import io.voicewire.engine.local.internal.vad.SileroNet;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.VadParams;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The audio side of a {@link RealSttSession}: converts each chunk to 16 kHz PCM (filling in the
 * band above 4 kHz of 8 kHz input, {@link NarrowbandLift}), keeps the
 * session's audio time (as received and as produced for the decoder) and the wall-clock time of
 * the last audio, remembers recent audio for lead-ins ({@link LeadInRing}) and runs the session's
 * one detector ({@link SessionVad}), whose events bound the passes.
 *
 * <p>Not thread safe: the owning session's lock guards every call.
 */
final class SttAudioIntake {
  private final AudioFormat format;
  private final AudioConverter converter;
  /** 8 kHz input: the band above 4 kHz is filled in for the recogniser ({@link NarrowbandLift}). */
  private final boolean lift;
  private final LongSupplier nanoClock;
  /** The one detector of this session's audio: pass boundaries, and the VAD commit's events. */
  private final SessionVad vad;
  // allocates with the first audio, so an idle session costs no ring (idle-heap target 64 KiB)
  private final LeadInRing ring = new LeadInRing();
  private long samples; // 16 kHz samples received (session audio time)
  private long receivedBytes; // bytes in the request's format
  private long lastAudioNanos;

  SttAudioIntake(SttRequest request, SileroNet endpointNet, LongSupplier nanoClock) {
    this.format = request.audioFormat();
    this.converter = format.equals(AudioFormat.PCM_16000) ? null
        : AudioConverter.create(format, AudioFormat.PCM_16000);
    this.lift = NarrowbandLift.applies(format.sampleRate());
    this.nanoClock = nanoClock;
    this.lastAudioNanos = nanoClock.getAsLong();
    this.vad = new SessionVad(endpointNet, request.vad());
  }

  /**
   * Takes a chunk in the request's format: converts it, counts it, remembers it for lead-ins
   * and marks the time of the last audio.
   *
   * @return the chunk as 16 kHz PCM
   */
  byte[] take(byte[] audio) {
    byte[] pcm = converter == null ? audio : converter.convert(audio);
    if (lift) {
      NarrowbandLift.lift(pcm, samples); // the converter's array is this chunk's own
    }
    receivedBytes += audio.length;
    lastAudioNanos = nanoClock.getAsLong();
    samples += pcm.length / 2;
    ring.remember(pcm);
    return pcm;
  }

  /** Marks the time of audio offered but not taken (refused: the decoder is behind). */
  void offered() {
    lastAudioNanos = nanoClock.getAsLong();
  }

  /** The detector's events for a chunk {@link #take taken} last. */
  List<VadEvent> detect(byte[] pcm) {
    return vad.process(pcm);
  }

  /** Whether the detector is inside speech. */
  boolean inSpeech() {
    return vad.inSpeech();
  }

  /** The lead-in of a pass opening at a VAD speech start (see {@link LeadInRing}). */
  LeadInRing.LeadIn leadInAt(long speechStartMs, long seed) {
    return ring.atSpeechStart(speechStartMs, nowMs(), seed);
  }

  /** The VAD commit's detector ({@link SessionVad#forCommits}). */
  SpeechEndpointer endpointer(VadParams params, ReentrantLock sessionLock) {
    return vad.forCommits(params, sessionLock);
  }

  /** Whether no audio came for {@code millis} (wall clock) up to {@code nowNanos}. */
  boolean idleFor(long nowNanos, long millis) {
    return nowNanos - lastAudioNanos >= millis * 1_000_000;
  }

  /** Bytes the lead-in ring holds. */
  long ringBytes() {
    return ring.allocated();
  }

  /** Session time as far as the decoder side has seen it (16 kHz samples produced). */
  long nowMs() {
    return samples * 1000 / DecoderPool.SAMPLE_RATE;
  }

  /** Session time as received: the milliseconds of audio in the bytes sent so far. */
  long receivedMs() {
    return Math.round(format.millisForBytes(receivedBytes));
  }
}
