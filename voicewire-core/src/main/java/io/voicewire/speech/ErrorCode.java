package io.voicewire.speech;

import java.util.Locale;

/**
 * The error vocabulary of the protocol: the STT {@code message_type} values of PROTOCOL.md §5.5
 * and the TTS {@code error} values of §2.7, with whether a client may retry after each. The
 * wire's full table (close codes, retry classes) is {@code io.voicewire.protocol.ErrorPolicy}
 * and {@code test-vectors/errors/errors.json}; {@link #retryable()} agrees with it (tested).
 */
public enum ErrorCode {
  /**
   * Generic server error, e.g. {@code synthesis failed}: a failure on this very input, so never
   * retried (the same text fails the same way).
   */
ERROR(false),
  /** Bad or missing API key or token. Never retried. */
AUTH_ERROR(false),
  /** Usage quota exhausted. Never retried. */
QUOTA_EXCEEDED(false),
  /** Too many commits in a short time. */
COMMIT_THROTTLED(true),
  /** Terms of service not accepted. Never retried. */
UNACCEPTED_TERMS(false),
  /** Too many requests; retry after backing off. */
RATE_LIMITED(true),
  /** A server-side queue is full. */
QUEUE_OVERFLOW(true),
  /** The server has no capacity for another session. */
RESOURCE_EXHAUSTED(true),
  /** The session ran longer than the server allows. A new session may continue. */
SESSION_TIME_LIMIT_EXCEEDED(true),
  /** A malformed message, bad audio or an invalid field. Never retried. */
INPUT_ERROR(false),
  /** An audio chunk was larger than the server accepts. Never retried. */
CHUNK_SIZE_EXCEEDED(false),
  /** Too little audio activity. */
INSUFFICIENT_AUDIO_ACTIVITY(true),
  /** Internal failure of the recogniser on this input. Never retried. */
TRANSCRIBER_ERROR(false),
  /** The connection parameters were rejected. Never retried. */
INVALID_REQUEST(false),
  /** TTS: no text arrived within {@code inactivity_timeout}. */
INPUT_TIMEOUT_EXCEEDED(true),
  /** TTS: more than 5 contexts on one socket, or settings after a context's first message. */
POLICY_VIOLATION(false),
  /** The backend cannot produce the requested format, voice or model. Never retried. */
UNSUPPORTED(false);

  /** The constant's name in lower case: the wire's names are the constants' names. */
  private final String wireName = name().toLowerCase(Locale.ROOT);
  private final boolean retryable;

  ErrorCode(boolean retryable) {
    this.retryable = retryable;
  }

  /** The name on the wire, e.g. {@code quota_exceeded}. */
  public String wireName() {
    return wireName;
  }

  /** Whether reconnecting can succeed after this error. */
  public boolean retryable() {
    return retryable;
  }

  /**
   * Reads a wire name tolerantly (PROTOCOL.md §5.5): the current names, the older {@code _error}
   * variants such as {@code quota_exceeded_error} and {@code unaccepted_terms_error}, and any
   * unknown name ending in {@code _error}, which becomes {@link #ERROR}. Returns null for a name
   * that is not an error at all.
   */
  public static ErrorCode fromWire(String name) {
    if (name == null) {
      return null;
    }
    String n = name.toLowerCase(Locale.ROOT);
    for (ErrorCode c : values()) {
      if (c.wireName.equals(n)) {
        return c;
      }
    }
    if (n.endsWith("_error")) {
      String base = n.substring(0, n.length() - "_error".length());
      for (ErrorCode c : values()) {
        if (c.wireName.equals(base)) {
          return c;
        }
      }
      return ERROR;
    }
    return null;
  }
}
