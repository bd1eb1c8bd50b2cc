package io.voicewire.client;

import io.voicewire.client.internal.transport.Connector;

/** For tests in other packages: the builder's package-private seams. */
public final class ClientTestAccess {
  private ClientTestAccess() {}

  /** {@link VoiceClient.Builder#connector}: connections from {@code c} instead of sockets. */
  public static VoiceClient.Builder connector(VoiceClient.Builder b, Connector c) {
    return b.connector(c);
  }
}
