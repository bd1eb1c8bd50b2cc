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

  /**
   * The official query parameters of Scribe realtime, the token excepted (it is never forwarded).
   * The contract tests check this list against what the official JS SDK sends.
   */
  public static final java.util.List<String> OFFICIAL_QUERY = java.util.List.of("model_id",
      "commit_strategy", "audio_format", "vad_silence_threshold_secs", "vad_threshold",
      "min_speech_duration_ms", "min_silence_duration_ms", "language_code",
      "secondary_languages", "include_timestamps", "include_language_detection", "keyterms",
      "no_verbatim", "entity_detection", "transcript_edit", "filter_background_audio",
      "enable_logging");

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
          .enableLogging(q.get("enable_logging") == null ? null : q.bool("enable_logging", true))
          .noVerbatim(q.get("no_verbatim") == null ? null : q.bool("no_verbatim", false))
          .secondaryLanguages(q.all("secondary_languages"))
          .filterBackgroundAudio(q.get("filter_background_audio") == null ? null
              : q.bool("filter_background_audio", false))
          .entityDetection(q.all("entity_detection"))
          .transcriptEdit(q.get("transcript_edit"))
          .explicit(TtsParams.chosen(q, OFFICIAL_QUERY))
          .build();
      return new SttParams(r, q.get("token"), q.bool("enable_logging", true));
    } catch (IllegalArgumentException e) {
      throw ProtocolException.invalidRequest(e.getMessage());
    }
  }

  /**
   * The query string a client sends for {@code request} (no credentials): for a request read from
   * a client ({@link SttRequest#explicit()}), exactly the parameters that client chose.
   */
  public static String toQuery(SttRequest r) {
    boolean code = r.explicit() == null;
    Query.Builder b = Query.builder()
        .add("model_id", r.modelId())
        .add("audio_format", r.chose("audio_format") ? r.audioFormat().wireName() : null)
        .add("commit_strategy", r.chose("commit_strategy") ? r.commitStrategy().wireName() : null);
    VadParams v = r.vad();
    boolean vad = r.commitStrategy() == CommitStrategy.VAD;
    b.add("vad_silence_threshold_secs", code ? (vad ? v.silenceThresholdSecs() : null)
            : r.chose("vad_silence_threshold_secs") ? v.silenceThresholdSecs() : null)
        .add("vad_threshold", code ? (vad ? v.threshold() : null)
            : r.chose("vad_threshold") ? v.threshold() : null)
        .add("min_speech_duration_ms", code ? (vad ? v.minSpeechDurationMs() : null)
            : r.chose("min_speech_duration_ms") ? v.minSpeechDurationMs() : null)
        .add("min_silence_duration_ms", code ? (vad ? v.minSilenceDurationMs() : null)
            : r.chose("min_silence_duration_ms") ? v.minSilenceDurationMs() : null);
    b.add("language_code", r.languageCode());
    for (String l : r.secondaryLanguages()) {
      b.add("secondary_languages", l);
    }
    if (code ? r.includeTimestamps() : r.chose("include_timestamps")) {
      b.add("include_timestamps", r.includeTimestamps());
    }
    if (code ? r.includeLanguageDetection() : r.chose("include_language_detection")) {
      b.add("include_language_detection", r.includeLanguageDetection());
    }
    for (String k : r.keyterms()) {
      b.add("keyterms", k);
    }
    b.add("no_verbatim", r.noVerbatim());
    for (String e : r.entityDetection()) {
      b.add("entity_detection", e);
    }
    b.add("transcript_edit", r.transcriptEdit());
    b.add("filter_background_audio", r.filterBackgroundAudio());
    b.add("enable_logging", r.enableLogging());
    return b.build();
  }
}
