package io.voicewire.examples;

import io.voicewire.client.VoiceClient;
import io.voicewire.engine.local.LocalSpeechProvider;
import io.voicewire.server.VoicewireServer;
import java.util.concurrent.TimeUnit;

/**
 * Where the examples connect: {@code --server URL} (with {@code $ELEVENLABS_API_KEY} or
 * {@code $VOICEWIRE_API_KEY}), or by default a voicewire server started in this process over the
 * offline engine. Either way the example code is the same SDK code.
 *
 * @param client the SDK client to use
 * @param server the server started in this process, or null with {@code --server}
 * @param engine the offline engine behind {@code server}, or null with {@code --server}
 */
record Target(VoiceClient client, VoicewireServer server, LocalSpeechProvider engine)
    implements AutoCloseable {

  static Target open(String serverUrl) throws Exception {
    if (serverUrl != null) {
      String key = serverUrl.contains("elevenlabs.io") ? System.getenv("ELEVENLABS_API_KEY")
          : System.getenv("VOICEWIRE_API_KEY");
      return new Target(VoiceClient.builder().baseUrl(serverUrl).apiKey(key).build(), null, null);
    }
    LocalSpeechProvider engine = LocalSpeechProvider.create();
    System.err.println("starting the offline engine...");
    engine.awaitReady(5, TimeUnit.MINUTES);
    VoicewireServer server = VoicewireServer.create(c -> c.provider(engine));
    int port = server.start(0);
    return new Target(VoiceClient.builder().baseUrl("http://127.0.0.1:" + port).build(), server,
        engine);
  }

  /** The value after {@code name} in {@code args}, or {@code dflt}. */
  static String option(String[] args, String name, String dflt) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return dflt;
  }

  @Override
  public void close() {
    client.close();
    if (server != null) {
      server.close();
      engine.close();
    }
  }
}
