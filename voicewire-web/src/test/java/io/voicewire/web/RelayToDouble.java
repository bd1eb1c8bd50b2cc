package io.voicewire.web;

import io.voicewire.client.ClientTestAccess;
import io.voicewire.client.ElevenLabsProvider;
import io.voicewire.client.ReconnectPolicy;
import io.voicewire.client.VoiceClient;
import io.voicewire.client.contract.ElevenLabsDouble;
import io.voicewire.server.ServerConfig;
import io.voicewire.server.VoicewireServer;
import java.util.function.Consumer;

/**
 * The relay of the browser tests ({@code --backend elevenlabs}): a voicewire server on loopback
 * whose provider relays, with the Java SDK and no reconnects, to a fresh strict ElevenLabs
 * double. {@link #close} closes the server, the provider, its client and the double.
 */
final class RelayToDouble implements AutoCloseable {
  /** The upstream, to check what it saw. */
  final ElevenLabsDouble upstream;
  private final VoiceClient client;
  private final ElevenLabsProvider provider;
  private final VoicewireServer server;
  /** The relay's base URL ({@code http://127.0.0.1:<port>}). */
  final String base;

  private RelayToDouble(ElevenLabsDouble upstream, VoiceClient client,
      ElevenLabsProvider provider, VoicewireServer server, int port) {
    this.upstream = upstream;
    this.client = client;
    this.provider = provider;
    this.server = server;
    this.base = "http://127.0.0.1:" + port;
  }

  /** Starts the double and the relay; {@code config} adds to the relay server's settings. */
  static RelayToDouble start(Consumer<ServerConfig> config) throws Exception {
    ElevenLabsDouble d = ElevenLabsDouble.start();
    VoiceClient c = null;
    ElevenLabsProvider p = null;
    try {
      c = ClientTestAccess.relayUpstream(d.baseUrl(), ElevenLabsDouble.API_KEY)
          .reconnectPolicy(ReconnectPolicy.NEVER).build();
      p = new ElevenLabsProvider(c);
      ElevenLabsProvider provider = p;
      VoicewireServer s = VoicewireServer.create(cfg -> config.accept(cfg.provider(provider)));
      return new RelayToDouble(d, c, p, s, s.start(0));
    } catch (Exception | Error e) {
      closeAll(p, c, d);
      throw e;
    }
  }

  @Override
  public void close() throws Exception {
    server.close();
    closeAll(provider, client, upstream);
  }

  private static void closeAll(AutoCloseable... xs) throws Exception {
    for (AutoCloseable x : xs) {
      if (x != null) {
        x.close();
      }
    }
  }
}
