package io.voicewire.speech;

/**
 * Voice settings of a TTS request ({@code RealtimeVoiceSettings}, PROTOCOL.md §2.3). Engines map
 * what they can; {@code speed} at least.
 *
 * @param stability 0–1, default 0.5
 * @param similarityBoost 0–1, default 0.75
 * @param style 0–1, default 0
 * @param useSpeakerBoost default true
 * @param speed 0.7–1.2, default 1.0
 */
public record VoiceSettings(
    double stability, double similarityBoost, double style, boolean useSpeakerBoost, double speed) {

  /** The protocol's defaults. */
  public static final VoiceSettings DEFAULT = new VoiceSettings(0.5, 0.75, 0.0, true, 1.0);

  public VoiceSettings {
    checkUnit("stability", stability);
    checkUnit("similarity_boost", similarityBoost);
    checkUnit("style", style);
    if (!(speed >= 0.7 && speed <= 1.2)) {
      throw new IllegalArgumentException("speed must be in range [0.7,1.2]: " + speed);
    }
  }

  private static void checkUnit(String name, double v) {
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException(name + " must be in range [0,1]: " + v);
    }
  }

  /** A copy with another speed. */
  public VoiceSettings withSpeed(double newSpeed) {
    return new VoiceSettings(stability, similarityBoost, style, useSpeakerBoost, newSpeed);
  }
}
