package io.voicewire.engine.local.internal;

import io.voicewire.speech.VoiceInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

/**
 * The voices a provider offers, in order (the first is the default), each with the future of its
 * loading. Thread safe.
 */
final class VoiceRegistry {
  /** The MaryTTS voice id. */
  static final String MARY_SLT = "cmu-slt-hsmm";
  /** The FreeTTS voice id. */
  static final String FREETTS_KEVIN = "kevin16";
  /** Every voice the local engine can load, in default order. */
  static final List<String> KNOWN = List.of(MARY_SLT, FREETTS_KEVIN);

  private final Map<String, VoiceEngine> engines = new LinkedHashMap<>();
  private final Map<String, CompletableFuture<VoiceEngine>> loaded = new LinkedHashMap<>();

  VoiceRegistry(List<String> voiceIds) {
    for (String id : voiceIds) {
      VoiceEngine e = switch (id) {
        case MARY_SLT -> MaryVoice.cmuSltHsmm();
        case FREETTS_KEVIN -> new FreeTtsVoice();
        default -> throw new IllegalArgumentException("unknown local voice '" + id + "'; known: "
            + String.join(", ", KNOWN));
      };
      engines.put(id, e);
      loaded.put(id, new CompletableFuture<>());
    }
  }

  /** The engine of {@code voiceId}, or null when it is not offered. */
  VoiceEngine get(String voiceId) {
    return engines.get(voiceId);
  }

  /** The default voice id, or null when no voice is offered. */
  String defaultVoiceId() {
    return engines.isEmpty() ? null : engines.keySet().iterator().next();
  }

  List<String> ids() {
    return List.copyOf(engines.keySet());
  }

  List<VoiceInfo> infos() {
    List<VoiceInfo> out = new ArrayList<>();
    engines.values().forEach(e -> out.add(e.info()));
    return out;
  }

  /**
   * Loads every voice, in order, on the calling thread; records failures per voice. Once {@code
   * stop} says so, the voices not loaded yet fail instead.
   */
  void loadAll(BooleanSupplier stop) {
    for (Map.Entry<String, VoiceEngine> e : engines.entrySet()) {
      if (stop.getAsBoolean()) {
        loaded.get(e.getKey()).completeExceptionally(
            new IllegalStateException("the local engine was closed before voice " + e.getKey()
                + " loaded"));
        continue;
      }
      try {
        e.getValue().load();
        loaded.get(e.getKey()).complete(e.getValue());
      } catch (Exception | LinkageError ex) {
        loaded.get(e.getKey()).completeExceptionally(ex);
      }
    }
  }

  /** The future of one voice's loading. */
  CompletableFuture<VoiceEngine> loading(String voiceId) {
    return loaded.get(voiceId);
  }

  /** Waits for the voice to load; throws its loading failure. */
  VoiceEngine awaitLoaded(String voiceId) throws Exception {
    try {
      return loaded.get(voiceId).get();
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof Exception ex ? ex : new IllegalStateException(c);
    }
  }

  /** True when every voice has finished loading, successfully or not. */
  boolean allSettled() {
    return loaded.values().stream().allMatch(CompletableFuture::isDone);
  }
}
