package io.voicewire.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Tier (a): inline reads are the relay's own upstream client's, not every client's: {@link
 * ElevenLabsProvider#create} asks for them, a client an application builds does not, and a
 * variant keeps what it was built from (InlineReadsTest shows what the setting does).
 */
class RelayUpstreamClientTest {
  @Test
  void onlyTheRelaysUpstreamClientReadsOnItsSelectors() {
    try (ElevenLabsProvider relay = ElevenLabsProvider.create("http://127.0.0.1:9", "k");
        VoiceClient app = VoiceClient.builder().baseUrl("http://127.0.0.1:9")
            .transport(VoiceClient.Transport.JETTY).inlineCallbacks().build();
        VoiceClient variant = relay.client().newBuilder().build()) {
      assertTrue(ClientTestAccess.inlineReads(relay.client()), "the relay's upstream client");
      assertFalse(ClientTestAccess.inlineReads(app), "an application's client");
      assertTrue(ClientTestAccess.inlineReads(variant), "a variant of the relay's client");
    }
  }
}
