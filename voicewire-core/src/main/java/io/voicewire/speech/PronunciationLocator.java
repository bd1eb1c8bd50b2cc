package io.voicewire.speech;

import java.util.Objects;

/**
 * One {@code pronunciation_dictionary_locators} entry: a dictionary and, optionally, the version
 * of it to apply.
 *
 * @param dictionaryId {@code pronunciation_dictionary_id}
 * @param versionId {@code version_id}, or null for the latest version
 */
public record PronunciationLocator(String dictionaryId, String versionId) {
  public PronunciationLocator {
    Objects.requireNonNull(dictionaryId, "dictionaryId == null");
  }
}
