package io.voicewire.audio.buffer;

/**
 * A snapshot of a {@link JitterBuffer}'s counters and gauges. Durations are whole milliseconds,
 * rounded down from sample counts.
 *
 * @param state the playout state
 * @param underruns times playback ran dry before the end of the stream
 * @param overruns offers that hit the bound (refused, or made room by dropping)
 * @param droppedMillis audio discarded by {@link OverflowPolicy#DROP_OLDEST}
 * @param underrunMillis silence played after playback had started, before the end
 * @param playedMillis audio played out
 * @param bufferedMillis audio waiting to be played
 * @param targetMillis the current target delay
 * @param jitterMillis the current jitter estimate
 */
public record JitterStats(
    JitterBuffer.State state, long underruns, long overruns, long droppedMillis,
    long underrunMillis, long playedMillis, int bufferedMillis, int targetMillis,
    int jitterMillis) {}
