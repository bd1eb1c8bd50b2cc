package io.voicewire.engine.local.internal;

import io.voicewire.engine.local.Endpointing;
import io.voicewire.engine.local.RecognizerProfile;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * Everything a {@link LocalEngine} is made from; validated by the public builder.
 *
 * @param voices voice ids to load, the first is the default
 * @param ttsWorkers TTS worker threads
 * @param sttDecoders copies of the recognizer's models (0 disables recognition)
 * @param sttStreams decoding lanes, spread over the copies: the most STT sessions served at once
 * @param sttStreamsByCost admit only the streams that the measured decoding cost lets the cores
 *     serve in real time (at most {@code sttStreams}); false: admit {@code sttStreams}
 * @param maxWaitingStt stretches of speech that may wait for a busy decoder
 * @param profile recognizer beam profile
 * @param endpointing the end-of-speech detector of VAD commits
 * @param warmUp whether to warm engines up at start
 * @param unknownVoiceUsesDefault serve unknown voice ids with the default voice
 * @param callbackExecutor runs listener events
 * @param nanoClock monotonic clock, ns
 * @param random source of session ids
 */
public record EngineConfig(List<String> voices, int ttsWorkers, int sttDecoders,
    int sttStreams, boolean sttStreamsByCost, int maxWaitingStt, RecognizerProfile profile, Endpointing endpointing, boolean warmUp,
    boolean unknownVoiceUsesDefault, Executor callbackExecutor, LongSupplier nanoClock,
    Random random) {
  public EngineConfig {
    voices = List.copyOf(voices);
  }
}
