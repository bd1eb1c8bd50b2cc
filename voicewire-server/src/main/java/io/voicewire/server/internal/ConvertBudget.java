package io.voicewire.server.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The audio bytes that the whole-file HTTP TTS endpoints ({@code /v1/text-to-speech/{voice}} and
 * {@code /with-timestamps}) hold while they collect their answer, bounded per API key and over
 * the whole server. Each answer is held in memory until it is complete (and copied, and base64
 * encoded with timestamps), and {@code HttpTts.MAX_CONVERT_AUDIO_BYTES} bounds one answer only:
 * without these bounds one key could run many long requests at once and fill the heap. A request
 * reserves each chunk before it keeps it and releases all it reserved when it ends; a chunk
 * beyond a bound fails that request (429 {@code concurrent_limit_exceeded} naming the limit),
 * not the others.
 *
 * <p>Thread safe: a key's bytes change inside {@code ConcurrentHashMap.compute} (atomic per key;
 * the entry goes when it drops to 0); the server's total is an atomic counter.
 */
final class ConvertBudget {
  /** Audio bytes held by the whole-file answers of one API key, together: 128 MiB. */
  static final long MAX_CONVERT_BYTES_PER_KEY = 128L * 1024 * 1024;
  /** Audio bytes held by all whole-file answers on the server: 256 MiB. */
  static final long MAX_CONVERT_BYTES_TOTAL = 256L * 1024 * 1024;

  private final long perKey;
  private final long total;
  private final AtomicLong used = new AtomicLong();
  private final ConcurrentHashMap<String, Long> byKey = new ConcurrentHashMap<>();

  ConvertBudget() {
    this(MAX_CONVERT_BYTES_PER_KEY, MAX_CONVERT_BYTES_TOTAL);
  }

  ConvertBudget(long perKey, long total) {
    this.perKey = perKey;
    this.total = total;
  }

  /**
   * Reserves {@code bytes} for {@code keyId} (null: the local-development caller); null when
   * they fit, else the problem to answer (nothing is reserved then).
   */
  HttpProblem reserve(String keyId, long bytes) {
    String k = keyId == null ? "" : keyId;
    boolean[] fits = new boolean[1];
    byKey.compute(k, (x, v) -> {
      long held = v == null ? 0 : v;
      fits[0] = held + bytes <= perKey;
      return fits[0] ? Long.valueOf(held + bytes) : v;
    });
    if (!fits[0]) {
      return problem("MAX_CONVERT_BYTES_PER_KEY", perKey, "of this API key's whole-file answers");
    }
    if (used.addAndGet(bytes) > total) {
      used.addAndGet(-bytes);
      release(k, bytes);
      return problem("MAX_CONVERT_BYTES_TOTAL", total, "of all whole-file answers on this server");
    }
    return null;
  }

  /** Releases what {@code keyId} reserved for one request: {@code bytes} in all. */
  void releaseRequest(String keyId, long bytes) {
    if (bytes > 0) {
      used.addAndGet(-bytes);
      release(keyId == null ? "" : keyId, bytes);
    }
  }

  private void release(String k, long bytes) {
    byKey.computeIfPresent(k, (x, v) -> v - bytes <= 0 ? null : v - bytes);
  }

  /** Bytes held now, whole server (for tests and metrics). */
  long used() {
    return used.get();
  }

  private static HttpProblem problem(String name, long limit, String whose) {
    return new HttpProblem(429, "rate_limit_error", "concurrent_limit_exceeded", "The audio "
        + whose + " being collected at once would exceed " + limit + " bytes (" + name
        + "): use the /stream endpoint, or fewer long requests at a time", null);
  }
}
