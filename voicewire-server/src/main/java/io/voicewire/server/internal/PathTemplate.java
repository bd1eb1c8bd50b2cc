package io.voicewire.server.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * A route path such as {@code /v1/text-to-speech/{voice_id}/stream}: literal segments and named
 * single-segment parameters. Immutable and thread safe.
 */
final class PathTemplate {
  private final String template;
  private final String[] segments;

  PathTemplate(String template) {
    if (!template.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/': " + template);
    }
    this.template = template;
    this.segments = template.substring(1).split("/", -1);
  }

  /** The parameters when {@code path} matches, else null. */
  Map<String, String> match(String path) {
    if (path == null || !path.startsWith("/")) {
      return null;
    }
    String[] parts = path.substring(1).split("/", -1);
    if (parts.length != segments.length) {
      return null;
    }
    Map<String, String> params = null;
    for (int i = 0; i < parts.length; i++) {
      String seg = segments[i];
      if (seg.startsWith("{") && seg.endsWith("}")) {
        if (parts[i].isEmpty()) {
          return null;
        }
        if (params == null) {
          params = new HashMap<>(2);
        }
        params.put(seg.substring(1, seg.length() - 1), parts[i]);
      } else if (!seg.equals(parts[i])) {
        return null;
      }
    }
    return params == null ? Map.of() : params;
  }

  @Override
  public String toString() {
    return template;
  }
}
