package io.voicewire.protocol;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A URL query string as an ordered multimap, with typed readers whose errors are
 * {@link ProtocolException#invalidRequest invalid_request} naming the parameter.
 *
 * <p>Not thread safe while being built; immutable in use.
 */
public final class Query {
  private final Map<String, List<String>> params;

  private Query(Map<String, List<String>> params) {
    this.params = params;
  }

  /** Wraps an already-decoded multimap (as servlet-style APIs provide). */
  public static Query of(Map<String, List<String>> params) {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    params.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    return new Query(copy);
  }

  /** Parses a raw query string ({@code a=1&b=2}, percent-encoded), null or empty allowed. */
  public static Query parse(String raw) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    if (raw != null && !raw.isEmpty()) {
      for (String pair : raw.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String k = decode(eq < 0 ? pair : pair.substring(0, eq));
        String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
        m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
      }
    }
    return new Query(m);
  }

  /** A builder of query strings, for clients. */
  public static Builder builder() {
    return new Builder();
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  /** The first value, or null. */
  public String get(String name) {
    List<String> v = params.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** The parameters' names, in their order. */
  public java.util.Set<String> names() {
    return java.util.Collections.unmodifiableSet(params.keySet());
  }

  /** All values of a repeated parameter (e.g. {@code keyterms}). */
  public List<String> all(String name) {
    return params.getOrDefault(name, List.of());
  }

  /** True when the parameter is present. */
  public boolean has(String name) {
    return params.containsKey(name);
  }

  /** A string value or the default. */
  public String string(String name, String dflt) {
    String v = get(name);
    return v == null || v.isEmpty() ? dflt : v;
  }

  /** A boolean ({@code true}/{@code false}, any case; {@code 1}/{@code 0}). */
  public boolean bool(String name, boolean dflt) throws ProtocolException {
    String v = get(name);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default -> throw ProtocolException.invalidRequest(
          "query parameter '" + name + "' must be true or false: " + v);
    };
  }

  /** An integer in an inclusive range. */
  public int integer(String name, int dflt, int min, int max) throws ProtocolException {
    String v = get(name);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    long x;
    try {
      x = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw ProtocolException.invalidRequest(
          "query parameter '" + name + "' must be an integer: " + v);
    }
    if (x < min || x > max) {
      throw ProtocolException.invalidRequest("query parameter '" + name + "' must be in range ["
          + min + "," + max + "]: " + v);
    }
    return (int) x;
  }

  /** A long, or null when absent. */
  public Long longOrNull(String name) throws ProtocolException {
    String v = get(name);
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw ProtocolException.invalidRequest(
          "query parameter '" + name + "' must be an integer: " + v);
    }
  }

  /** A number in an inclusive range. */
  public double number(String name, double dflt, double min, double max)
      throws ProtocolException {
    String v = get(name);
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    double x;
    try {
      x = Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw ProtocolException.invalidRequest(
          "query parameter '" + name + "' must be a number: " + v);
    }
    if (!(x >= min && x <= max)) {
      throw ProtocolException.invalidRequest("query parameter '" + name + "' must be in range ["
          + trim(min) + "," + trim(max) + "]: " + v);
    }
    return x;
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /** Builds a percent-encoded query string in insertion order. Not thread safe. */
  public static final class Builder {
    private final StringBuilder sb = new StringBuilder();

    private Builder() {}

    /** Adds {@code name=value}; a null value is skipped. */
    public Builder add(String name, Object value) {
      if (value == null) {
        return this;
      }
      if (!sb.isEmpty()) {
        sb.append('&');
      }
      sb.append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8));
      return this;
    }

    /** The query string without the leading {@code ?}. */
    public String build() {
      return sb.toString();
    }
  }
}
