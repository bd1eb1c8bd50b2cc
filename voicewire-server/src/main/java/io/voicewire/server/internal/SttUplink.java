package io.voicewire.server.internal;

import io.voicewire.audio.AudioFormat;
import io.voicewire.server.Limits;

/**
 * The uplink rules of one realtime STT socket: which chunks are valid, how long a chunk may be,
 * whether a commit exceeds the commit rate, and when each chunk arrived (for the latency
 * metrics). Not thread safe: {@link SttSocket} calls it under its monitor.
 *
 * <p>The commit rate is a token bucket (kept as its theoretical arrival time, GCRA): sustained,
 * one commit per {@code minCommitInterval}; a burst of {@link #COMMIT_BURST} commits may arrive
 * closer together. A client that paces its commits at or above the interval is never refused
 * when the network delivers two of them close together (jitter, a stalled machine), while a flood
 * gets {@code commit_throttled} after its first {@value #COMMIT_BURST}.
 */
final class SttUplink {
  /**
   * Commits that may arrive closer than {@code minCommitInterval} to each other, as a burst:
   * the token bucket's depth, in commits. The sustained rate stays one per interval.
   */
  static final int COMMIT_BURST = 3;
  private final AudioFormat format;
  private final Limits limits;
  private final ArrivalRing arrivals = new ArrivalRing();
  private boolean firstChunkSeen;
  /** When the bucket would next be full at the sustained rate (GCRA); MIN_VALUE: no commit yet. */
  private long commitTatNanos = Long.MIN_VALUE;
  private long commitRequestedNanos = -1;
  private long audioBytes;

  SttUplink(AudioFormat format, Limits limits) {
    this.format = format;
    this.limits = limits;
  }

  /**
   * Why a chunk with this {@code sample_rate} (null: absent), with or without
   * {@code previous_text}, and {@code audioLength} bytes of audio is not valid, or null.
   */
  String validate(Integer sampleRate, boolean previousText, int audioLength) {
    if (sampleRate != null && sampleRate != format.sampleRate()) {
      return "sample_rate " + sampleRate + " does not match audio_format "
          + format.wireName() + " (" + format.sampleRate() + " Hz)";
    }
    if (previousText && firstChunkSeen) {
      return "previous_text is allowed only on the first audio chunk";
    }
    if (format.isPcm() && audioLength % 2 != 0) {
      return "PCM audio must be whole 16-bit samples: got an odd number of bytes ("
          + audioLength + ")";
    }
    return null;
  }

  /** Why {@code audioLength} bytes of audio exceed {@code maxAudioChunkMillis}, or null. */
  String tooLong(int audioLength) {
    if (!format.isDecodable()
        || format.millisForBytes(audioLength) <= limits.maxAudioChunkMillis()) {
      return null;
    }
    return "Audio chunk of " + Math.round(format.millisForBytes(audioLength))
        + " ms exceeds the limit of " + limits.maxAudioChunkMillis() + " ms";
  }

  /** A valid chunk was taken at {@code now}. */
  void accepted(int audioLength, long now) {
    firstChunkSeen = true;
    if (audioLength > 0) {
      audioBytes += audioLength;
      arrivals.add(Math.round(format.millisForBytes(audioBytes)), now);
    }
  }

  /**
   * Whether a commit at {@code now} keeps the commit rate (one per {@code minCommitInterval},
   * bursts of {@link #COMMIT_BURST}); if so it is recorded.
   */
  boolean commitAllowed(long now) {
    long interval = limits.minCommitInterval().toNanos();
    long tat = commitTatNanos == Long.MIN_VALUE ? now : Math.max(commitTatNanos, now);
    if (tat - now > (COMMIT_BURST - 1) * interval) {
      return false;
    }
    commitTatNanos = tat + interval;
    commitRequestedNanos = now;
    return true;
  }

  /** What a throttled commit is told. */
  String throttledMessage() {
    return "Commits may come at most one per " + limits.minCommitInterval().toMillis()
        + " ms on average, in bursts of up to " + COMMIT_BURST + "; this commit was ignored";
  }

  /** Arrival time of the chunk holding audio time {@code audioMs}, or -1 if not remembered. */
  long arrivalOf(long audioMs) {
    return arrivals.arrivalOf(audioMs);
  }

  /** When the latest audio arrived (what a relayed partial answers), or -1 if unknown. */
  long latestArrival() {
    return audioBytes == 0 ? -1
        : arrivals.arrivalOf(Math.round(format.millisForBytes(audioBytes)));
  }

  /**
   * Where the latency of a commit ending at {@code audioEndMs} is measured from: the commit
   * request, else the arrival of its last audio; -1 if unknown.
   */
  long commitStart(long audioEndMs) {
    long start = commitRequestedNanos >= 0 ? commitRequestedNanos : arrivalOf(audioEndMs);
    commitRequestedNanos = -1;
    return start;
  }
}
