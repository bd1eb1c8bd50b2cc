package io.voicewire.protocol;

import java.util.Set;

/**
 * The query parameters of the HTTP endpoints (PROTOCOL.md §4, §8.3); every other named parameter
 * of an HTTP request is a body field.
 */
public final class HttpQuery {
  /** The audio format of the answer, e.g. {@code mp3_44100_128}. */
  public static final String OUTPUT_FORMAT = "output_format";
  /** Whether the upstream may log the request ({@code false}: zero retention). */
  public static final String ENABLE_LOGGING = "enable_logging";
  /** The deprecated latency knob of HTTP TTS (0-4), accepted and passed on. */
  public static final String OPTIMIZE_STREAMING_LATENCY = "optimize_streaming_latency";

  private static final Set<String> NAMES = Set.of(OUTPUT_FORMAT, ENABLE_LOGGING,
      OPTIMIZE_STREAMING_LATENCY, TokenType.BATCH_SCRIBE.queryParam());

  private HttpQuery() {}

  /** True when {@code name} travels in the query of an HTTP request rather than its body. */
  public static boolean isQueryParam(String name) {
    return NAMES.contains(name);
  }
}
