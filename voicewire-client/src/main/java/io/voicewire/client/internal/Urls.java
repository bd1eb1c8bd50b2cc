package io.voicewire.client.internal;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/** URL helpers: the WebSocket scheme swap (PROTOCOL.md §1.1) and redaction of credentials. */
public final class Urls {
  private Urls() {}

  private static final Set<String> SECRET_PARAMS =
      Set.of("token", "single_use_token", "authorization", "xi-api-key", "xi_api_key");

  /** {@code https://host/x} → {@code wss://host/x}; {@code http} → {@code ws}. */
  public static URI toWebSocket(URI http) {
    String s = http.toString();
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.startsWith("https://")) {
      return URI.create("wss://" + s.substring("https://".length()));
    }
    if (lower.startsWith("http://")) {
      return URI.create("ws://" + s.substring("http://".length()));
    }
    return http;
  }

  /** Joins a base URL (with or without a path and trailing slash) and an absolute path. */
  public static URI resolve(URI base, String pathAndQuery) {
    String b = base.toString();
    while (b.endsWith("/")) {
      b = b.substring(0, b.length() - 1);
    }
    return URI.create(b + pathAndQuery);
  }

  /**
   * {@code /v1/text-to-speech/{voiceId}/{endpoint}?}: the voice id percent-encoded as one path
   * segment (a space as {@code %20}, not {@code +}).
   */
  public static String ttsPath(String voiceId, String endpoint) {
    return "/v1/text-to-speech/" + URLEncoder.encode(voiceId, StandardCharsets.UTF_8)
        .replace("+", "%20") + "/" + endpoint + "?";
  }

  /** The URL with the values of credential parameters replaced by {@code ***}. */
  public static String redact(URI uri) {
    String q = uri.getRawQuery();
    String noQuery = uri.getScheme() + "://" + uri.getRawAuthority()
        + (uri.getRawPath() == null ? "" : uri.getRawPath());
    if (q == null || q.isEmpty()) {
      return noQuery;
    }
    StringBuilder sb = new StringBuilder(noQuery).append('?');
    String[] pairs = q.split("&");
    for (int i = 0; i < pairs.length; i++) {
      if (i > 0) {
        sb.append('&');
      }
      int eq = pairs[i].indexOf('=');
      String name = eq < 0 ? pairs[i] : pairs[i].substring(0, eq);
      if (SECRET_PARAMS.contains(name.toLowerCase(Locale.ROOT))) {
        sb.append(name).append("=***");
      } else {
        sb.append(pairs[i]);
      }
    }
    return sb.toString();
  }
}
