package io.voicewire.speech;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Voice settings of a TTS request ({@code RealtimeVoiceSettings}, PROTOCOL.md §2.3). Engines map
 * what they can; {@code speed} at least. A field the sender left out has the protocol's default
 * here, and {@link #chosen()} tells which fields were sent, so a relay forwards only those (the
 * upstream's own defaults apply to the others).
 *
 * @param stability 0–1, default 0.5
 * @param similarityBoost 0–1, default 0.75
 * @param style 0–1, default 0
 * @param useSpeakerBoost default true
 * @param speed 0.7–1.2, default 1.0
 * @param chosen the wire names of the fields set ({@link #FIELDS}); null = all of them
 */
public record VoiceSettings(
    double stability, double similarityBoost, double style, boolean useSpeakerBoost, double speed,
    Set<String> chosen) {

  /** The wire names of the fields, in the order they are written. */
  public static final Set<String> FIELDS = Set.of("stability", "similarity_boost", "style",
      "use_speaker_boost", "speed");

  /** The protocol's defaults. */
  public static final VoiceSettings DEFAULT = new VoiceSettings(0.5, 0.75, 0.0, true, 1.0);

  public VoiceSettings {
    checkUnit("similarity_boost", similarityBoost);
    checkUnit("stability", stability);
    checkUnit("style", style);
    if (!(speed >= 0.7 && speed <= 1.2)) {
      throw new IllegalArgumentException("speed must be in range [0.7,1.2]: " + speed);
    }
    if (chosen != null) {
      for (String f : chosen) {
        if (!FIELDS.contains(f)) {
          throw new IllegalArgumentException("not a voice_settings field: " + f);
        }
      }
      chosen = Set.copyOf(chosen);
    }
  }

  /** Settings with every field set. */
  public VoiceSettings(double stability, double similarityBoost, double style,
      boolean useSpeakerBoost, double speed) {
    this(stability, similarityBoost, style, useSpeakerBoost, speed, null);
  }

  private static void checkUnit(String name, double v) {
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException(name + " must be in range [0,1]: " + v);
    }
  }

  /** True when the field {@code wireName} was set (always for settings built in code). */
  public boolean chose(String wireName) {
    return chosen == null || chosen.contains(wireName);
  }

  /** A copy with another speed (which counts as set). */
  public VoiceSettings withSpeed(double newSpeed) {
    Set<String> c = chosen == null ? null : new LinkedHashSet<>(chosen);
    if (c != null) {
      c.add("speed");
    }
    return new VoiceSettings(stability, similarityBoost, style, useSpeakerBoost, newSpeed, c);
  }
}
