package io.voicewire.client;

import io.voicewire.client.internal.transport.Connector;

/** For tests in other packages: the builder's package-private seams. */
public final class ClientTestAccess {
  private ClientTestAccess() {}

  /** {@link VoiceClient.Builder#connector}: connections from {@code c} instead of sockets. */
  public static VoiceClient.Builder connector(VoiceClient.Builder b, Connector c) {
    return b.connector(c);
  }

  /**
   * The relay's upstream client as {@link ElevenLabsProvider#create} builds it (Jetty transport,
   * inline callbacks, inline reads), for a relay test to add its reconnect policy to.
   */
  public static VoiceClient.Builder relayUpstream(String baseUrl, String apiKey) {
    return ElevenLabsProvider.upstreamClient(baseUrl, apiKey);
  }

  /** {@link VoiceClient#inlineReads}. */
  public static boolean inlineReads(VoiceClient c) {
    return c.inlineReads();
  }
}
