package io.voicewire.cli;

import io.voicewire.server.Limits;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/**
 * {@code --limit NAME=VALUE} of {@code serve}: any of the server's configurable limits (a field
 * of {@link Limits}, listed in {@code docs/LIMITS.md}) by its name, so an operator tunes every one
 * of them without code. The names and their types come from the record itself: a limit added to
 * {@link Limits} is settable here with nothing more to write.
 */
final class LimitOptions {
  /** The environment variable with the same {@code NAME=VALUE,...} list; {@code --limit} wins. */
  static final String ENV = "VOICEWIRE_LIMITS";

  private static final Pattern DURATION = Pattern.compile("(-?\\d+)(ms|s|m|h)?");
  private static final Pattern COUNT = Pattern.compile("(-?\\d+)(KiB|MiB|GiB)?");

  @Option(names = "--limit", split = ",", paramLabel = "NAME=VALUE",
      description = "Sets a server limit by its name in docs/LIMITS.md (a field of "
          + "io.voicewire.server.Limits), e.g. maxSessions=500, maxSessionsPerKey=100, "
          + "idleTimeout=2m, maxUploadBytes=16MiB, inboundCpuPerSecondPerSession=0 (off); "
          + "repeatable or comma-separated. Durations take ms, s (the default), m or h; byte "
          + "counts KiB, MiB or GiB. Also read from $" + ENV + " (the same list); --limit wins.")
  Map<String, String> limits = new LinkedHashMap<>();

  /**
   * The defaults with {@value #ENV}'s settings, then {@code --limit}'s, applied.
   *
   * @throws IllegalArgumentException naming the setting for an unknown name, a value that does
   *     not parse, or a limit out of its range
   */
  Limits limits(Function<String, String> env) {
    Map<String, String> all = new LinkedHashMap<>(parse(env.apply(ENV)));
    all.putAll(limits);
    Limits.Builder b = Limits.DEFAULTS.toBuilder();
    all.forEach((name, value) -> set(b, name, value));
    return b.build();
  }

  /** A {@code NAME=VALUE,...} list; null or blank is none. */
  static Map<String, String> parse(String list) {
    Map<String, String> m = new LinkedHashMap<>();
    if (list == null || list.isBlank()) {
      return m;
    }
    for (String item : list.split(",")) {
      int eq = item.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(ENV + ": '" + item.trim() + "' is not NAME=VALUE");
      }
      m.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
    }
    return m;
  }

  /** Sets the limit {@code name} of {@code b} from its text. */
  static void set(Limits.Builder b, String name, String value) {
    RecordComponent c = Arrays.stream(Limits.class.getRecordComponents())
        .filter(r -> r.getName().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no limit named '" + name
            + "'; the limits and their defaults: " + names()));
    Class<?> type = c.getType();
    Object v;
    try {
      if (type == Duration.class) {
        v = duration(value.trim());
      } else if (type == int.class) { // boxed as an Integer: not promoted to long
        v = Integer.valueOf(Math.toIntExact(count(value.trim())));
      } else {
        v = Long.valueOf(count(value.trim()));
      }
    } catch (IllegalArgumentException | ArithmeticException | DateTimeParseException e) {
      throw new IllegalArgumentException("limit " + name + "=" + value + ": not a "
          + (type == Duration.class ? "duration (e.g. 500ms, 10s, 5m, 1h)"
              : "whole number" + (type == int.class ? " up to " + Integer.MAX_VALUE : "")
                  + (name.contains("Bytes") ? " (KiB, MiB or GiB allowed)" : "")));
    }
    try {
      Method setter = Limits.Builder.class.getMethod(name, type);
      setter.invoke(b, v);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Limits.Builder has no setter " + name + "(" + type + ")",
          e);
    }
  }

  /** Every limit's name with its default, as {@code name=value} in the record's order. */
  static String names() {
    return Arrays.stream(Limits.class.getRecordComponents()).map(r -> {
      try {
        return r.getName() + "=" + text(r.getAccessor().invoke(Limits.DEFAULTS));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }).collect(Collectors.joining(", "));
  }

  private static String text(Object v) {
    if (v instanceof Duration d) {
      long ms = d.toMillis();
      return ms % 1000 != 0 ? ms + "ms" : ms / 1000 + "s";
    }
    return String.valueOf(v);
  }

  /** {@code 250ms}, {@code 10} or {@code 10s}, {@code 5m}, {@code 1h}, or ISO-8601 text. */
  static Duration duration(String s) {
    if (s.toUpperCase(Locale.ROOT).startsWith("P")) {
      return Duration.parse(s);
    }
    Matcher m = DURATION.matcher(s);
    if (!m.matches()) {
      throw new IllegalArgumentException(s);
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2) == null ? "s" : m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofSeconds(n);
    };
  }

  /** A whole number, with an optional {@code KiB}, {@code MiB} or {@code GiB}. */
  static long count(String s) {
    Matcher m = COUNT.matcher(s);
    if (!m.matches()) {
      throw new IllegalArgumentException(s);
    }
    long n = Long.parseLong(m.group(1));
    int shift = m.group(2) == null ? 0 : switch (m.group(2)) {
      case "KiB" -> 10;
      case "MiB" -> 20;
      default -> 30;
    };
    if (Math.abs(n) > Long.MAX_VALUE >> shift) {
      throw new ArithmeticException(s);
    }
    return n << shift;
  }
}
