package io.voicewire.engine.local;

import java.util.concurrent.TimeUnit;

/**
 * One fully loaded provider (both voices, two decoders, warmed) shared by the test classes of
 * this module: loading takes seconds and about 400 MB of heap, so it is done once per JVM.
 */
final class SharedEngine {
  private static LocalSpeechProvider provider;

  private SharedEngine() {}

  static synchronized LocalSpeechProvider get() throws InterruptedException {
    if (provider == null) {
      provider = LocalSpeechProvider.builder().sttDecoders(2).build();
      if (!provider.awaitReady(10, TimeUnit.MINUTES)) {
        throw new IllegalStateException("the local engine did not get ready in 10 minutes");
      }
    }
    return provider;
  }
}
