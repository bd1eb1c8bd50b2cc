package io.voicewire.client;

import io.voicewire.metrics.LatencySnapshot;

/**
 * A snapshot of one stream's metrics since it was opened. Latencies are recorded with core's
 * {@link io.voicewire.metrics.LatencyRecorder} (HdrHistogram, wait-free recording on the socket
 * thread) and given here as totals since the stream opened, in microseconds; those that do not
 * apply to a stream kind have a count of 0.
 *
 * @param timeToFirstAudioMicros TTS: from sending text while every earlier character had been
 *     voiced, to the first audio chunk after it
 * @param chunkInterArrivalMicros TTS: between consecutive audio chunks on one connection
 * @param partialLatencyMicros STT: from the first audio sent after a transcript event to the next
 *     partial transcript
 * @param commitLatencyMicros STT: from the end of speech (a manual commit, or the live send time
 *     of the last word's end) to the committed transcript
 * @param roundTripMicros WebSocket ping → pong
 * @param connections connections opened (the first one included)
 * @param reconnects connections opened after a drop
 * @param seams TTS: resumes where delivered audio was joined to a new stream (cut at a sample);
 *     STT: resumes where the replay ring was sent to a new session
 * @param droppedAudioBytes TTS: audio of a resumed stream dropped because it voiced characters
 *     that had already been delivered
 * @param duplicateCommitsDropped STT: committed transcripts dropped as repeats across a seam
 * @param replayedAudioMillis STT: audio sent again from the replay ring after drops
 * @param replayOverflowMillis STT: audio that fell out of the full replay ring (drop-oldest) and
 *     could not have been replayed
 * @param alignmentMismatches TTS: alignment entries that did not match the input text
 * @param forcedCommits STT: commits the client added after a replay longer than
 *     {@code RealSttStream.FORCED_COMMIT_REPLAY_MILLIS}, so that transcripts advance under
 *     repeated cuts; each may put a segment boundary inside a word
 * @param wordsRetranscribed STT: words dropped from a forced commit's answer because they reached
 *     its boundary (possibly cut by it), and transcribed again whole by a new session
 * @param resumesAttempted STT: connections that asked the server to re-attach the stream's
 *     session by its id (the voicewire extension, {@link SttResumeMode})
 * @param resumesSucceeded STT: of those, the ones the server re-attached: the stream sent only
 *     the audio the server had not received, and no forced commit
 * @param resumesFellBack STT: of those, the ones where the server no longer had the session (or
 *     the stream could not continue it exactly): a new session, replayed from the last commit
 * @param resumeReplayedBytes STT: audio sent again on re-attached sessions (what was in flight
 *     when the connection dropped), bytes
 */
public record StreamMetrics(
    LatencySnapshot timeToFirstAudioMicros,
    LatencySnapshot chunkInterArrivalMicros,
    LatencySnapshot partialLatencyMicros,
    LatencySnapshot commitLatencyMicros,
    LatencySnapshot roundTripMicros,
    long connections,
    long reconnects,
    long seams,
    long droppedAudioBytes,
    long duplicateCommitsDropped,
    long replayedAudioMillis,
    long replayOverflowMillis,
    long alignmentMismatches,
    long forcedCommits,
    long wordsRetranscribed,
    long resumesAttempted,
    long resumesSucceeded,
    long resumesFellBack,
    long resumeReplayedBytes) {

  /** A short form of a latency summary: {@code n=12 p50=80.1ms p90=... max=...}. */
  public static String summary(LatencySnapshot s) {
    if (s.count() == 0) {
      return "n=0";
    }
    return String.format(java.util.Locale.ROOT, "n=%d p50=%.1fms p90=%.1fms p99=%.1fms max=%.1fms",
        s.count(), s.p50() / 1000.0, s.p90() / 1000.0, s.p99() / 1000.0, s.max() / 1000.0);
  }

  @Override
  public String toString() {
    return "StreamMetrics[ttfa " + summary(timeToFirstAudioMicros) + "; interArrival "
        + summary(chunkInterArrivalMicros) + "; partial " + summary(partialLatencyMicros)
        + "; commit " + summary(commitLatencyMicros) + "; rtt " + summary(roundTripMicros)
        + "; connections=" + connections
        + " reconnects=" + reconnects + " seams=" + seams + " droppedAudioBytes="
        + droppedAudioBytes + " duplicateCommitsDropped=" + duplicateCommitsDropped
        + " replayedAudioMs=" + replayedAudioMillis + " replayOverflowMs=" + replayOverflowMillis
        + " alignmentMismatches=" + alignmentMismatches + " forcedCommits=" + forcedCommits
        + " wordsRetranscribed=" + wordsRetranscribed + " resumesAttempted=" + resumesAttempted
        + " resumesSucceeded=" + resumesSucceeded + " resumesFellBack=" + resumesFellBack
        + " resumeReplayedBytes=" + resumeReplayedBytes + "]";
  }
}
