package io.voicewire.speech;

import java.util.List;
import java.util.Objects;

/**
 * A model a provider offers ({@code GET /v1/models}).
 *
 * @param modelId e.g. {@code eleven_flash_v2_5}
 * @param name display name
 * @param description a sentence about the model
 * @param canDoTextToSpeech a TTS model
 * @param canDoSpeechToText an STT model
 * @param languages ISO language ids
 */
public record ModelInfo(String modelId, String name, String description,
    boolean canDoTextToSpeech, boolean canDoSpeechToText, List<String> languages) {
  public ModelInfo {
    Objects.requireNonNull(modelId, "modelId == null");
    Objects.requireNonNull(name, "name == null");
    languages = List.copyOf(languages == null ? List.of() : languages);
  }
}
