package io.voicewire.speech;

import java.util.Map;
import java.util.Objects;

/**
 * A voice a provider offers ({@code GET /v1/voices}).
 *
 * @param voiceId stable id used in URLs
 * @param name display name
 * @param category e.g. {@code premade}
 * @param labels free-form labels (accent, gender, ...)
 * @param description a sentence about the voice
 * @param nativeSampleRate the rate the engine synthesizes at
 */
public record VoiceInfo(String voiceId, String name, String category, Map<String, String> labels,
    String description, int nativeSampleRate) {
  public VoiceInfo {
    Objects.requireNonNull(voiceId, "voiceId == null");
    Objects.requireNonNull(name, "name == null");
    labels = Map.copyOf(labels == null ? Map.of() : labels);
  }
}
