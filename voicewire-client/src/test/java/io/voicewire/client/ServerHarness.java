package io.voicewire.client;

import io.voicewire.server.ServerConfig;
import io.voicewire.server.VoicewireServer;
import io.voicewire.speech.SpeechProvider;
import java.util.function.Consumer;

/** A real voicewire server on 127.0.0.1:0 with a {@link FaultProxy} in front. Close after use. */
final class ServerHarness implements AutoCloseable {
  final SpeechProvider provider;
  final VoicewireServer server;
  final int port;
  final FaultProxy proxy;

  ServerHarness(SpeechProvider provider, long seed) throws Exception {
    this(provider, seed, c -> { });
  }

  ServerHarness(SpeechProvider provider, long seed, Consumer<ServerConfig> more)
      throws Exception {
    this.provider = provider;
    this.server = VoicewireServer.create(c -> {
      c.provider(provider);
      more.accept(c);
    });
    this.port = server.start(0);
    this.proxy = FaultProxy.start(port, seed);
  }

  /** The server itself, bypassing the proxy. */
  String directUrl() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    proxy.close();
    server.close();
    provider.close();
  }
}
