package io.voicewire.web;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.engine.local.LocalSpeechProvider;
import java.util.concurrent.TimeUnit;

/**
 * One warm offline engine, speech only (no recognizer is loaded), for the browser test classes of
 * one test JVM that only speak: each of them starts its own server on it, so the engine's loading
 * and warm-up (tens of seconds on 2 cores) is paid once per JVM instead of once per class.
 * Started on first use, closed when the JVM exits. The classes run one after another in a JVM;
 * the engine keeps no state of a session after it ends, so one class cannot see another's.
 *
 * <p>Thread-safe: {@link #get()} is synchronized.
 */
final class SharedTtsEngine {
  /** How long the first user waits for the engine to load and warm up. */
  static final long READY_TIMEOUT_SECONDS = 400;

  private static LocalSpeechProvider provider;

  private SharedTtsEngine() {}

  /** The warm engine; loads it on the first call. */
  static synchronized LocalSpeechProvider get() throws InterruptedException {
    if (provider == null) {
      LocalSpeechProvider p = LocalSpeechProvider.builder().sttDecoders(0).build();
      try {
        assertTrue(p.awaitReady(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS), "engine not ready");
      } catch (RuntimeException | AssertionError | InterruptedException e) {
        p.close();
        throw e;
      }
      Runtime.getRuntime().addShutdownHook(new Thread(p::close, "shared-tts-engine-close"));
      provider = p;
    }
    return provider;
  }
}
