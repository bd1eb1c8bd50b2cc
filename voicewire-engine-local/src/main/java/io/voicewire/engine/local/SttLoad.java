package io.voicewire.engine.local;

/**
 * What the local recognizer measures of its own load, the figures its admission of a new STT
 * stream rests on (a snapshot; immutable).
 *
 * @param decoding per model copy: the streams it is decoding now (a speaking stream's pass is
 *     placed on the copy that decodes the fewest)
 * @param busyShare per model copy: the share of the recent wall clock (about 3 s) it decoded,
 *     its real-time factor (1: it decodes without pause and its streams fall behind)
 * @param meanWaiting per model copy: the mean number of streams that recently waited for it
 *     (the part of the streams' lag that is queueing, not decoding)
 * @param cpuPerAudioSecond the measured decoding CPU seconds per second of a stream's speech
 * @param realtimeRoom whether one more speaking stream would fit in real time on some copy now,
 *     by the copies' load of streams within real time (decoding of streams sent faster than
 *     real time yields to them, so it does not count)
 */
public record SttLoad(int[] decoding, double[] busyShare, double[] meanWaiting, double cpuPerAudioSecond,
    boolean realtimeRoom) {
  public SttLoad {
    decoding = decoding.clone();
    busyShare = busyShare.clone();
    meanWaiting = meanWaiting.clone();
  }

  @Override
  public int[] decoding() {
    return decoding.clone();
  }

  @Override
  public double[] busyShare() {
    return busyShare.clone();
  }

  @Override
  public double[] meanWaiting() {
    return meanWaiting.clone();
  }
}
