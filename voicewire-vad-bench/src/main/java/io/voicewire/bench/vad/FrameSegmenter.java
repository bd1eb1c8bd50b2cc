package io.voicewire.bench.vad;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns per-window speech probabilities into speech segments with the same timing rules as the
 * energy detector ({@code VoiceActivityDetector}): a candidate opens at the first speech window,
 * becomes speech once its speech windows add up to {@code minSpeechMs}, is dropped after
 * {@code minSilenceMs} without speech; speech ends {@code max(silence window, minSilenceMs)}
 * after the last speech window. Hysteresis as in Silero's reference: a window is speech at
 * {@code p ≥ threshold}; inside speech it stays speech until {@code p < threshold − 0.15}.
 */
final class FrameSegmenter {
  private FrameSegmenter() {}

  static List<Segment> segments(float[] p, int windowMs, double threshold, long endSilenceMs,
      long minSpeechMs, long minSilenceMs) {
    List<Segment> out = new ArrayList<>();
    double low = threshold - 0.15;
    boolean inSpeech = false;
    long candStart = -1;
    long candSpeech = 0;
    long lastSpeech = -1;
    long start = 0;
    for (int w = 0; w < p.length; w++) {
      long t0 = (long) w * windowMs;
      long t1 = t0 + windowMs;
      boolean speech = inSpeech ? p[w] >= low : p[w] >= threshold;
      if (speech) {
        if (!inSpeech) {
          if (candStart < 0) {
            candStart = t0;
            candSpeech = 0;
          }
          candSpeech += windowMs;
          if (candSpeech >= minSpeechMs) {
            inSpeech = true;
            start = candStart;
            candStart = -1;
          }
        }
        lastSpeech = t1;
      } else if (inSpeech) {
        if (t1 - lastSpeech >= endSilenceMs) {
          out.add(new Segment(start, lastSpeech));
          inSpeech = false;
        }
      } else if (candStart >= 0 && t1 - lastSpeech >= minSilenceMs) {
        candStart = -1;
      }
    }
    if (inSpeech) {
      out.add(new Segment(start, lastSpeech));
    }
    return out;
  }

  /** A detected speech segment, in ms of the stream. */
  record Segment(long startMs, long endMs) {}
}
