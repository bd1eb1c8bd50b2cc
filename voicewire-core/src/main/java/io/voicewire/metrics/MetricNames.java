package io.voicewire.metrics;

import java.util.Objects;
import java.util.regex.Pattern;

/** Metric-name rules shared by the recorders and the registry. */
final class MetricNames {
  static final Pattern CAMEL = Pattern.compile("[a-z][a-zA-Z0-9]*");
  static final Pattern UNIT = Pattern.compile(".*(Nanos|Micros|Millis|Seconds|Bytes)");

  private MetricNames() {}

  /** A camelCase name that ends with a unit. */
  static String requireUnit(String name) {
    Objects.requireNonNull(name, "name == null");
    if (!CAMEL.matcher(name).matches() || !UNIT.matcher(name).matches()) {
      throw new IllegalArgumentException("metric name must be camelCase and end with a unit "
          + "(Nanos, Micros, Millis, Seconds, Bytes): " + name);
    }
    return name;
  }

  /** A camelCase name. */
  static String requireCamel(String name) {
    Objects.requireNonNull(name, "name == null");
    if (!CAMEL.matcher(name).matches()) {
      throw new IllegalArgumentException("metric name must be camelCase: " + name);
    }
    return name;
  }

  /** {@code ttfaMicros} → {@code ttfa_micros}. */
  static String snake(String camel) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < camel.length(); i++) {
      char c = camel.charAt(i);
      if (Character.isUpperCase(c)) {
        sb.append('_').append(Character.toLowerCase(c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
