package io.voicewire.protocol;

import io.voicewire.audio.AudioFormat;
import io.voicewire.speech.TtsRequest;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The query parameters of the TTS WebSockets (PROTOCOL.md §2.1), parsed and validated.
 *
 * @param request the session request (settings of the init message are applied later)
 * @param inactivityTimeoutSecs seconds without text before the server closes, 1–180, default 20
 * @param singleUseToken a {@code tts_websocket} token from the query, or null
 * @param authorization a bearer token from the query, or null
 * @param enableLogging the client's logging choice (recorded, not used by the local engine)
 */
public record TtsParams(TtsRequest request, int inactivityTimeoutSecs, String singleUseToken,
    String authorization, boolean enableLogging) {

  /** Default inactivity timeout, seconds. */
  public static final int DEFAULT_INACTIVITY_TIMEOUT_SECS = 20;
  /** Largest inactivity timeout, seconds. */
  public static final int MAX_INACTIVITY_TIMEOUT_SECS = 180;
  /**
   * The output format when none is given: the official default of the TTS WebSockets and the
   * HTTP text-to-speech endpoints, {@code mp3_44100_128}.
   */
  public static final AudioFormat DEFAULT_OUTPUT_FORMAT = AudioFormat.parse("mp3_44100_128");

  /**
   * The official query parameters of the TTS WebSockets, credentials excepted ({@code
   * authorization} and the single-use token are never forwarded). The contract tests check this
   * list against the vendored AsyncAPI document.
   */
  public static final List<String> OFFICIAL_QUERY = List.of("model_id", "language_code",
      "enable_logging", "enable_ssml_parsing", "output_format", "inactivity_timeout",
      "sync_alignment", "auto_mode", "apply_text_normalization", "seed");

  /** Parses and validates; errors are {@code invalid_request} naming the parameter. */
  public static TtsParams parse(String voiceId, Query q) throws ProtocolException {
    if (voiceId == null || voiceId.isBlank()) {
      throw ProtocolException.invalidRequest("voice_id is missing from the path");
    }
    AudioFormat format = DEFAULT_OUTPUT_FORMAT;
    String of = q.get("output_format");
    if (of != null && !of.isEmpty()) {
      try {
        format = AudioFormat.parse(of);
      } catch (IllegalArgumentException e) {
        throw ProtocolException.invalidRequest("query parameter 'output_format': " + e.getMessage());
      }
    }
    String norm = q.string("apply_text_normalization", "auto");
    TtsRequest.Builder b = TtsRequest.builder(voiceId)
        .modelId(q.string("model_id", TtsRequest.DEFAULT_MODEL))
        .outputFormat(format)
        .autoMode(q.bool("auto_mode", false))
        .syncAlignment(q.bool("sync_alignment", false))
        .languageCode(q.get("language_code"))
        .seed(q.longOrNull("seed"))
        .applyTextNormalization(norm)
        .enableLogging(q.get("enable_logging") == null ? null : q.bool("enable_logging", true))
        .enableSsmlParsing(q.get("enable_ssml_parsing") == null ? null
            : q.bool("enable_ssml_parsing", false))
        .explicit(chosen(q, OFFICIAL_QUERY));
    TtsRequest req;
    try {
      req = b.build();
    } catch (IllegalArgumentException e) {
      throw ProtocolException.invalidRequest(e.getMessage());
    }
    int timeout = q.integer("inactivity_timeout", DEFAULT_INACTIVITY_TIMEOUT_SECS, 1,
        MAX_INACTIVITY_TIMEOUT_SECS);
    return new TtsParams(req, timeout, q.get("single_use_token"), q.get("authorization"),
        q.bool("enable_logging", true));
  }

  /** The names of {@code official} present in {@code q}. */
  static Set<String> chosen(Query q, List<String> official) {
    Set<String> out = new LinkedHashSet<>();
    for (String n : official) {
      if (q.get(n) != null) {
        out.add(n);
      }
    }
    return out;
  }

  /**
   * The query string a client sends for {@code request} (no credentials): for a request read from
   * a client ({@link TtsRequest#explicit()}), exactly the parameters that client chose, plus
   * {@code inactivity_timeout} of this connection.
   */
  public static String toQuery(TtsRequest r, int inactivityTimeoutSecs) {
    boolean norm = r.explicit() == null ? !"auto".equals(r.applyTextNormalization())
        : r.chose("apply_text_normalization");
    return Query.builder()
        .add("model_id", r.chose("model_id") ? r.modelId() : null)
        .add("output_format", r.chose("output_format") ? r.outputFormat().wireName() : null)
        .add("inactivity_timeout", inactivityTimeoutSecs)
        .add("sync_alignment", r.chose("sync_alignment") ? r.syncAlignment() : null)
        .add("auto_mode", r.chose("auto_mode") ? r.autoMode() : null)
        .add("language_code", r.languageCode())
        .add("seed", r.seed())
        .add("apply_text_normalization", norm ? r.applyTextNormalization() : null)
        .add("enable_logging", r.enableLogging())
        .add("enable_ssml_parsing", r.enableSsmlParsing())
        .build();
  }
}
