package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.engine.local.LocalSpeechProvider;
import java.util.concurrent.TimeUnit;

/**
 * The offline engine's TTS, loaded and warmed, behind a server on a loopback port; close both.
 * No recognizer: its model copies are not loaded, so the engine is ready as soon as its voices
 * are warm (the users of this fixture only speak).
 */
final class LocalServer implements AutoCloseable {
  final LocalSpeechProvider provider;
  final ServerFixture fixture;

  private LocalServer(LocalSpeechProvider provider, ServerFixture fixture) {
    this.provider = provider;
    this.fixture = fixture;
  }

  static LocalServer start() throws Exception {
    LocalSpeechProvider p = LocalSpeechProvider.builder().sttDecoders(0).build();
    try {
      assertTrue(p.awaitReady(240, TimeUnit.SECONDS), "the local engine did not load");
      return new LocalServer(p, ServerFixture.start(p));
    } catch (Exception | AssertionError e) {
      p.close();
      throw e;
    }
  }

  @Override
  public void close() {
    fixture.close();
    provider.close();
  }
}
