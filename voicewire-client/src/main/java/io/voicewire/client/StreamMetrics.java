package io.voicewire.client;

/**
 * A snapshot of one stream's metrics since it was opened. Latencies are recorded with
 * HdrHistogram {@code Recorder}s (wait-free recording on the socket thread) and summarised here;
 * the fields that do not apply to a stream kind are {@link LatencyStats#EMPTY} or 0.
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
 */
public record StreamMetrics(
    LatencyStats timeToFirstAudioMicros,
    LatencyStats chunkInterArrivalMicros,
    LatencyStats partialLatencyMicros,
    LatencyStats commitLatencyMicros,
    LatencyStats roundTripMicros,
    long connections,
    long reconnects,
    long seams,
    long droppedAudioBytes,
    long duplicateCommitsDropped,
    long replayedAudioMillis,
    long replayOverflowMillis,
    long alignmentMismatches) {

  @Override
  public String toString() {
    return "StreamMetrics[ttfa " + timeToFirstAudioMicros + "; interArrival "
        + chunkInterArrivalMicros + "; partial " + partialLatencyMicros + "; commit "
        + commitLatencyMicros + "; rtt " + roundTripMicros + "; connections=" + connections
        + " reconnects=" + reconnects + " seams=" + seams + " droppedAudioBytes="
        + droppedAudioBytes + " duplicateCommitsDropped=" + duplicateCommitsDropped
        + " replayedAudioMs=" + replayedAudioMillis + " replayOverflowMs=" + replayOverflowMillis
        + " alignmentMismatches=" + alignmentMismatches + "]";
  }
}
