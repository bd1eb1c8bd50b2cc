package io.voicewire.protocol;

import io.voicewire.speech.ErrorCode;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The one error table of the wire: each protocol error's WebSocket close code, and after each
 * error or close code whether a client reconnects. The server closes with {@link #closeCode};
 * the Java SDK and the browser client decide with {@link #retry(ErrorCode, int)}. The same table
 * is checked in as {@code test-vectors/errors/errors.json}, which the browser client's tests
 * read; a test asserts that this class and that file agree.
 *
 * <p>The rule: an error message that arrived before the close decides; otherwise the close code
 * decides; a close code not in the table is transient ({@link Retry#BACKOFF}). Deterministic
 * failures (auth, quota, invalid input, a server failure on this very input such as
 * {@code synthesis failed}) are never retried; network loss, 1006, 1013 and
 * {@code rate_limited} are retried with backoff; 1012 (service restart: a replica being drained)
 * is retried at once.
 *
 * <p>Immutable and thread safe.
 */
public final class ErrorPolicy {
  private ErrorPolicy() {}

  /** What a client does after an error or a close. */
  public enum Retry {
    /** Reconnect at once, without backoff and without counting a failed attempt. */
    NOW("now"),
    /** Transient: reconnect after the backoff and resume. */
    BACKOFF("backoff"),
    /** Deterministic: the same request fails the same way; fail at once. */
    NEVER("never");

    private final String wireName;

    Retry(String wireName) {
      this.wireName = wireName;
    }

    /** The name in {@code errors.json}. */
    public String wireName() {
      return wireName;
    }

    /** True unless {@link #NEVER}. */
    public boolean retryable() {
      return this != NEVER;
    }
  }

  /**
   * One row of the error table.
   *
   * @param closeCode the close code that follows the error, or 0 when the error does not close
   *     the connection
   * @param retry what a client does after it
   */
  public record Rule(int closeCode, Retry retry) {
    public Rule {
      Objects.requireNonNull(retry, "retry == null");
    }
  }

  /** A close code absent from the table is transient. */
  public static final Retry DEFAULT_CLOSE_RETRY = Retry.BACKOFF;

  private static final Map<ErrorCode, Rule> ERRORS = new EnumMap<>(ErrorCode.class);
  private static final Map<Integer, Retry> CLOSES = new LinkedHashMap<>();

  static {
    error(ErrorCode.ERROR, CloseCodes.INTERNAL_ERROR, Retry.NEVER);
    error(ErrorCode.AUTH_ERROR, CloseCodes.POLICY_VIOLATION, Retry.NEVER);
    error(ErrorCode.QUOTA_EXCEEDED, CloseCodes.POLICY_VIOLATION, Retry.NEVER);
    error(ErrorCode.COMMIT_THROTTLED, 0, Retry.BACKOFF);
    error(ErrorCode.UNACCEPTED_TERMS, CloseCodes.POLICY_VIOLATION, Retry.NEVER);
    error(ErrorCode.RATE_LIMITED, CloseCodes.TRY_AGAIN_LATER, Retry.BACKOFF);
    error(ErrorCode.QUEUE_OVERFLOW, CloseCodes.POLICY_VIOLATION, Retry.BACKOFF);
    error(ErrorCode.RESOURCE_EXHAUSTED, CloseCodes.TRY_AGAIN_LATER, Retry.BACKOFF);
    error(ErrorCode.SESSION_TIME_LIMIT_EXCEEDED, CloseCodes.POLICY_VIOLATION, Retry.BACKOFF);
    error(ErrorCode.INPUT_ERROR, CloseCodes.INVALID_PAYLOAD, Retry.NEVER);
    error(ErrorCode.CHUNK_SIZE_EXCEEDED, CloseCodes.POLICY_VIOLATION, Retry.NEVER);
    error(ErrorCode.INSUFFICIENT_AUDIO_ACTIVITY, CloseCodes.POLICY_VIOLATION, Retry.BACKOFF);
    error(ErrorCode.TRANSCRIBER_ERROR, CloseCodes.INTERNAL_ERROR, Retry.NEVER);
    error(ErrorCode.INVALID_REQUEST, CloseCodes.POLICY_VIOLATION, Retry.NEVER);
    error(ErrorCode.INPUT_TIMEOUT_EXCEEDED, CloseCodes.POLICY_VIOLATION, Retry.BACKOFF);
    error(ErrorCode.POLICY_VIOLATION, CloseCodes.POLICY_VIOLATION, Retry.NEVER);
    error(ErrorCode.UNSUPPORTED, CloseCodes.POLICY_VIOLATION, Retry.NEVER);

    close(CloseCodes.NORMAL, Retry.BACKOFF); // before the stream was done
    close(CloseCodes.GOING_AWAY, Retry.BACKOFF);
    close(CloseCodes.PROTOCOL_ERROR, Retry.NEVER);
    close(CloseCodes.UNSUPPORTED_DATA, Retry.NEVER);
    close(CloseCodes.NO_STATUS, Retry.BACKOFF);
    close(CloseCodes.ABNORMAL, Retry.BACKOFF);
    close(CloseCodes.INVALID_PAYLOAD, Retry.NEVER);
    close(CloseCodes.POLICY_VIOLATION, Retry.NEVER);
    close(CloseCodes.MESSAGE_TOO_BIG, Retry.NEVER);
    close(CloseCodes.MANDATORY_EXTENSION, Retry.NEVER);
    close(CloseCodes.INTERNAL_ERROR, Retry.NEVER);
    close(CloseCodes.SERVICE_RESTART, Retry.NOW);
    close(CloseCodes.TRY_AGAIN_LATER, Retry.BACKOFF);
    close(CloseCodes.BAD_GATEWAY, Retry.BACKOFF);
    close(4001, Retry.NEVER); // application codes some gateways use for unauthorized/forbidden
    close(4003, Retry.NEVER);
    close(4401, Retry.NEVER);
    close(4403, Retry.NEVER);
  }

  private static void error(ErrorCode code, int closeCode, Retry retry) {
    ERRORS.put(code, new Rule(closeCode, retry));
  }

  private static void close(int code, Retry retry) {
    CLOSES.put(code, retry);
  }

  /** The rule of every error code. */
  public static Map<ErrorCode, Rule> errors() {
    return Collections.unmodifiableMap(ERRORS);
  }

  /** The retry class of every listed close code. */
  public static Map<Integer, Retry> closeCodes() {
    return Collections.unmodifiableMap(CLOSES);
  }

  /** The close code that follows {@code code}; 0 for an error that does not close. */
  public static int closeCode(ErrorCode code) {
    return ERRORS.get(Objects.requireNonNull(code, "code == null")).closeCode();
  }

  /** What a client does after the error {@code code}. */
  public static Retry retry(ErrorCode code) {
    return ERRORS.get(Objects.requireNonNull(code, "code == null")).retry();
  }

  /** What a client does after a close with {@code closeCode} and no error message before it. */
  public static Retry retryAfterClose(int closeCode) {
    return CLOSES.getOrDefault(closeCode, DEFAULT_CLOSE_RETRY);
  }

  /**
   * The error a client reports for a close with {@code closeCode} and no error message before
   * it: policy violation (1008), input error (1002, 1003, 1007, 1009, 1010), resource exhausted
   * (1013), else {@link ErrorCode#ERROR}.
   */
  public static ErrorCode errorAfterClose(int closeCode) {
    return switch (closeCode) {
      case CloseCodes.POLICY_VIOLATION -> ErrorCode.POLICY_VIOLATION;
      case CloseCodes.PROTOCOL_ERROR, CloseCodes.UNSUPPORTED_DATA, CloseCodes.INVALID_PAYLOAD,
          CloseCodes.MESSAGE_TOO_BIG, CloseCodes.MANDATORY_EXTENSION -> ErrorCode.INPUT_ERROR;
      case CloseCodes.TRY_AGAIN_LATER -> ErrorCode.RESOURCE_EXHAUSTED;
      default -> ErrorCode.ERROR;
    };
  }

  /**
   * The decision: the error that arrived before the close ({@code null} when none) decides,
   * otherwise the close code.
   */
  public static Retry retry(ErrorCode error, int closeCode) {
    return error != null ? retry(error) : retryAfterClose(closeCode);
  }

  /**
   * The decision for a wire error name (any spelling {@link ErrorCode#fromWire} reads; an unknown
   * name counts as {@code error}) or null, and a close code.
   */
  public static Retry retry(String errorName, int closeCode) {
    if (errorName == null) {
      return retryAfterClose(closeCode);
    }
    ErrorCode c = ErrorCode.fromWire(errorName.toLowerCase(Locale.ROOT));
    return retry(c == null ? ErrorCode.ERROR : c);
  }
}
