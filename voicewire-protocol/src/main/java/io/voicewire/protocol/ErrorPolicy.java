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
 * {@code synthesis failed}) are never retried; network loss and 1006 are retried with backoff;
 * capacity refusals ({@code resource_exhausted}, {@code rate_limited}, close 1013, HTTP 429) are
 * retried {@link Retry#LATER later}; 1012 (service restart: a replica being drained) is retried
 * at once.
 *
 * <p>Immutable and thread safe.
 */
public final class ErrorPolicy {
  private ErrorPolicy() {}

  /** What a client does after an error or a close. */
  public enum Retry {
    /** Reconnect at once, without backoff and without counting a failed attempt. */
    NOW,
    /** Transient: reconnect after the backoff and resume. */
    BACKOFF,
    /**
     * A capacity refusal (the server, or the key, is at a limit; the request is fine): reconnect
     * after a slow backoff (1 s doubling to 30 s, with jitter), not counted as a failed attempt;
     * give up after a total time of such refusals in a row (2 minutes by default).
     */
    LATER,
    /** Deterministic: the same request fails the same way; fail at once. */
    NEVER;

    /** The name in {@code errors.json}: the constant's name in lower case, e.g. {@code now}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
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

  /** HTTP 429 (Too Many Requests): a capacity refusal. */
  public static final int HTTP_TOO_MANY_REQUESTS = 429;

  /**
   * The close codes the table lists, in order: the standard ones a client may see, and the
   * application codes some gateways use for unauthorized/forbidden (4001, 4003, 4401, 4403).
   */
  private static final int[] LISTED_CLOSES = {CloseCodes.NORMAL, CloseCodes.GOING_AWAY,
      CloseCodes.PROTOCOL_ERROR, CloseCodes.UNSUPPORTED_DATA, CloseCodes.NO_STATUS,
      CloseCodes.ABNORMAL, CloseCodes.INVALID_PAYLOAD, CloseCodes.POLICY_VIOLATION,
      CloseCodes.MESSAGE_TOO_BIG, CloseCodes.MANDATORY_EXTENSION, CloseCodes.INTERNAL_ERROR,
      CloseCodes.SERVICE_RESTART, CloseCodes.TRY_AGAIN_LATER, CloseCodes.BAD_GATEWAY, 4001, 4003,
      4401, 4403};

  private static final Map<ErrorCode, Rule> ERRORS = new EnumMap<>(ErrorCode.class);
  private static final Map<Integer, Retry> CLOSES = new LinkedHashMap<>();

  static {
    for (ErrorCode c : ErrorCode.values()) {
      ERRORS.put(c, new Rule(closeCodeOf(c), retryOf(c)));
    }
    for (int code : LISTED_CLOSES) {
      CLOSES.put(code, retryOfListedClose(code));
    }
  }

  /**
   * The close code column: an internal failure closes with 1011, a malformed message with 1007,
   * an overload with 1013, a commit throttle does not close, anything else is a policy
   * violation (1008). The switch has no default, so a new error code must be placed here.
   */
  private static int closeCodeOf(ErrorCode c) {
    return switch (c) {
      case ERROR, TRANSCRIBER_ERROR -> CloseCodes.INTERNAL_ERROR;
      case INPUT_ERROR -> CloseCodes.INVALID_PAYLOAD;
      case RATE_LIMITED, RESOURCE_EXHAUSTED -> CloseCodes.TRY_AGAIN_LATER;
      case COMMIT_THROTTLED -> 0;
      case AUTH_ERROR, QUOTA_EXCEEDED, UNACCEPTED_TERMS, QUEUE_OVERFLOW,
          SESSION_TIME_LIMIT_EXCEEDED, CHUNK_SIZE_EXCEEDED, INSUFFICIENT_AUDIO_ACTIVITY,
          INVALID_REQUEST, INPUT_TIMEOUT_EXCEEDED, POLICY_VIOLATION, UNSUPPORTED ->
          CloseCodes.POLICY_VIOLATION;
    };
  }

  /**
   * The retry column of the errors: the capacity refusals retry later, the other retryable
   * errors back off, the rest never retry.
   */
  private static Retry retryOf(ErrorCode c) {
    if (c == ErrorCode.RATE_LIMITED || c == ErrorCode.RESOURCE_EXHAUSTED) {
      return Retry.LATER;
    }
    return c.retryable() ? Retry.BACKOFF : Retry.NEVER;
  }

  /**
   * The retry column of the listed close codes: 1012 (a replica being drained) moves at once;
   * the codes that say the request itself is wrong, or that the server failed on it, never
   * retry; 1013 (try again later: a capacity refusal) retries later; the rest (1000 before the
   * stream was done, 1001, 1005, 1006, 1014) back off.
   */
  private static Retry retryOfListedClose(int code) {
    return switch (code) {
      case CloseCodes.SERVICE_RESTART -> Retry.NOW;
      case CloseCodes.TRY_AGAIN_LATER -> Retry.LATER;
      case CloseCodes.PROTOCOL_ERROR, CloseCodes.UNSUPPORTED_DATA, CloseCodes.INVALID_PAYLOAD,
          CloseCodes.POLICY_VIOLATION, CloseCodes.MESSAGE_TOO_BIG, CloseCodes.MANDATORY_EXTENSION,
          CloseCodes.INTERNAL_ERROR, 4001, 4003, 4401, 4403 -> Retry.NEVER;
      default -> DEFAULT_CLOSE_RETRY;
    };
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
   * What a client does after an HTTP refusal (of a WebSocket handshake or a token request):
   * 401 and 403 never, 429 later, any other 4xx never, 5xx (and 0: no answer) back off.
   */
  public static Retry retryAfterHttpStatus(int status) {
    if (status == HTTP_TOO_MANY_REQUESTS) {
      return Retry.LATER;
    }
    return status >= 400 && status < 500 ? Retry.NEVER : Retry.BACKOFF;
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
