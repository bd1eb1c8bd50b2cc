package io.voicewire.server.internal;

import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which browser origins may use the server (WebSocket upgrades and CORS). A request without an
 * {@code Origin} header comes from a non-browser client and is always allowed. Otherwise the
 * origin must equal the server's own (scheme-independent host and port, compared with the
 * {@code Host} header) or be in the allow-list; {@code "*"} in the list allows every origin.
 *
 * <p>Immutable and thread safe.
 */
final class OriginPolicy {
  private final boolean any;
  private final Set<String> allowed = new HashSet<>();

  OriginPolicy(List<String> allowedOrigins) {
    boolean star = false;
    for (String o : allowedOrigins) {
      if ("*".equals(o.trim())) {
        star = true;
      } else {
        String n = normalize(o.trim());
        if (n == null) {
          throw new IllegalArgumentException("not an origin (scheme://host[:port]): " + o);
        }
        allowed.add(n);
      }
    }
    this.any = star;
  }

  /**
   * Whether a request may proceed.
   *
   * @param origin the {@code Origin} header, or null
   * @param host the {@code Host} header (authority), or null
   * @param secure whether the request came over TLS (for the default port of {@code host})
   */
  boolean allows(String origin, String host, boolean secure) {
    if (origin == null || origin.isEmpty()) {
      return true;
    }
    if (any) {
      return true;
    }
    String n = normalize(origin);
    if (n == null) {
      return false; // "null" (sandboxed or file:// pages) and garbage
    }
    if (allowed.contains(n)) {
      return true;
    }
    return host != null && authority(n).equals(hostAuthority(host, secure));
  }

  /** {@code scheme://host:port} lower-case with an explicit port, or null. */
  static String normalize(String origin) {
    try {
      URI u = new URI(origin);
      String scheme = u.getScheme();
      String host = u.getHost();
      if (scheme == null || host == null) {
        return null;
      }
      scheme = scheme.toLowerCase(Locale.ROOT);
      int port = u.getPort() >= 0 ? u.getPort() : defaultPort(scheme);
      if (port < 0) {
        return null;
      }
      return scheme + "://" + host.toLowerCase(Locale.ROOT) + ":" + port;
    } catch (Exception e) {
      return null;
    }
  }

  private static int defaultPort(String scheme) {
    return switch (scheme) {
      case "http", "ws" -> 80;
      case "https", "wss" -> 443;
      default -> -1;
    };
  }

  private static String authority(String normalizedOrigin) {
    return normalizedOrigin.substring(normalizedOrigin.indexOf("://") + 3);
  }

  /**
   * Whether a {@code Host} header names this machine's loopback: {@code localhost} (or a name
   * under {@code .localhost}), {@code 127.0.0.0/8} or {@code [::1]}, with any port. Decided from
   * the text alone, without DNS: in local-development mode every other name is refused, which
   * defeats DNS rebinding (a hostile page whose name resolves to 127.0.0.1 sends its own name as
   * Host and as Origin, so comparing the two proves nothing).
   */
  static boolean isLoopbackHost(String host) {
    if (host == null) {
      return false;
    }
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      if (end < 0) {
        return false;
      }
      String v6 = h.substring(1, end);
      return v6.equals("::1") || v6.equals("0:0:0:0:0:0:0:1");
    }
    int colon = h.indexOf(':');
    if (colon >= 0) {
      h = h.substring(0, colon);
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h.equals("localhost") || h.endsWith(".localhost")
        || LOOPBACK_V4.matcher(h).matches();
  }

  private static final java.util.regex.Pattern LOOPBACK_V4 = java.util.regex.Pattern.compile(
      "127\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)\\."
          + "(25[0-5]|2[0-4]\\d|1?\\d?\\d)");

  private static String hostAuthority(String host, boolean secure) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    boolean hasPort = h.startsWith("[") ? h.contains("]:") : h.contains(":");
    return hasPort ? h : h + ":" + (secure ? 443 : 80);
  }
}
