package io.voicewire.speech;

/**
 * Voice-activity parameters of a speech-to-text session (PROTOCOL.md §5.1). Ranges are inclusive,
 * matching the API.
 *
 * @param silenceThresholdSecs silence that ends a segment, 0.3–3.0 s, default 1.5
 * @param threshold activity threshold, 0.1–0.9 (lower is more sensitive), default 0.4
 * @param minSpeechDurationMs speech shorter than this is ignored, 50–2000 ms, default 100
 * @param minSilenceDurationMs silence shorter than this does not interrupt speech, 50–2000 ms,
 *     default 100
 */
public record VadParams(
    double silenceThresholdSecs, double threshold, int minSpeechDurationMs,
    int minSilenceDurationMs) {

  /** The protocol's defaults. */
  public static final VadParams DEFAULT = new VadParams(1.5, 0.4, 100, 100);

  public VadParams {
    check("vad_silence_threshold_secs", silenceThresholdSecs, 0.3, 3.0);
    check("vad_threshold", threshold, 0.1, 0.9);
    check("min_speech_duration_ms", minSpeechDurationMs, 50, 2000);
    check("min_silence_duration_ms", minSilenceDurationMs, 50, 2000);
  }

  private static void check(String name, double v, double lo, double hi) {
    if (!(v >= lo && v <= hi)) {
      throw new IllegalArgumentException(
          name + " must be in range [" + fmtNum(lo) + "," + fmtNum(hi) + "]: " + fmtNum(v));
    }
  }

  private static String fmtNum(double v) {
    return v == Math.rint(v) && !Double.isInfinite(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
