package io.voicewire.protocol;

import io.voicewire.audio.AudioFormat;
import io.voicewire.speech.CommitStrategy;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.VadParams;

/**
 * The query parameters of {@code /v1/speech-to-text/realtime} (PROTOCOL.md §5.1), parsed and
 * validated.
 *
 * @param request the session request
 * @param token a {@code realtime_scribe} single-use token, or null
 * @param enableLogging the client's logging choice
 */
public record SttParams(SttRequest request, String token, boolean enableLogging) {

  /** Parses and validates; errors are {@code invalid_request} naming the parameter. */
  public static SttParams parse(Query q) throws ProtocolException {
    String model = q.get("model_id");
    if (model == null || model.isBlank()) {
      throw ProtocolException.invalidRequest("query parameter 'model_id' is required");
    }
    AudioFormat format = AudioFormat.PCM_16000;
    String af = q.get("audio_format");
    if (af != null && !af.isEmpty()) {
      try {
        format = AudioFormat.parse(af);
      } catch (IllegalArgumentException e) {
        throw ProtocolException.invalidRequest("query parameter 'audio_format': " + e.getMessage());
      }
      if (!(format.isPcm() || format.equals(AudioFormat.ULAW_8000))) {
        throw ProtocolException.invalidRequest("query parameter 'audio_format' must be one of "
            + "pcm_8000, pcm_16000, pcm_22050, pcm_24000, pcm_44100, pcm_48000, ulaw_8000: " + af);
      }
    }
    CommitStrategy cs;
    try {
      cs = CommitStrategy.parse(q.string("commit_strategy", "manual"));
    } catch (IllegalArgumentException e) {
      throw ProtocolException.invalidRequest("query parameter " + e.getMessage());
    }
    VadParams d = VadParams.DEFAULT;
    VadParams vad = new VadParams(
        q.number("vad_silence_threshold_secs", d.silenceThresholdSecs(), 0.3, 3.0),
        q.number("vad_threshold", d.threshold(), 0.1, 0.9),
        q.integer("min_speech_duration_ms", d.minSpeechDurationMs(), 50, 2000),
        q.integer("min_silence_duration_ms", d.minSilenceDurationMs(), 50, 2000));
    try {
      SttRequest r = SttRequest.builder()
          .modelId(model)
          .audioFormat(format)
          .commitStrategy(cs)
          .vad(vad)
          .languageCode(q.get("language_code"))
          .includeTimestamps(q.bool("include_timestamps", false))
          .includeLanguageDetection(q.bool("include_language_detection", false))
          .keyterms(q.all("keyterms"))
          .build();
      return new SttParams(r, q.get("token"), q.bool("enable_logging", true));
    } catch (IllegalArgumentException e) {
      throw ProtocolException.invalidRequest(e.getMessage());
    }
  }

  /** The query string a client sends for {@code request} (no credentials). */
  public static String toQuery(SttRequest r) {
    Query.Builder b = Query.builder()
        .add("model_id", r.modelId())
        .add("audio_format", r.audioFormat().wireName())
        .add("commit_strategy", r.commitStrategy().wireName());
    if (r.commitStrategy() == CommitStrategy.VAD) {
      VadParams v = r.vad();
      b.add("vad_silence_threshold_secs", v.silenceThresholdSecs())
          .add("vad_threshold", v.threshold())
          .add("min_speech_duration_ms", v.minSpeechDurationMs())
          .add("min_silence_duration_ms", v.minSilenceDurationMs());
    }
    b.add("language_code", r.languageCode());
    if (r.includeTimestamps()) {
      b.add("include_timestamps", true);
    }
    if (r.includeLanguageDetection()) {
      b.add("include_language_detection", true);
    }
    for (String k : r.keyterms()) {
      b.add("keyterms", k);
    }
    return b.build();
  }
}
