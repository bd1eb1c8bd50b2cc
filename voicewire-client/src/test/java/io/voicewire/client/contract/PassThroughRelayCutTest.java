package io.voicewire.client.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.client.ClientTestAccess;
import io.voicewire.client.ElevenLabsProvider;
import io.voicewire.client.FaultProxy;
import io.voicewire.client.RawScribeClient;
import io.voicewire.client.ReconnectPolicy;
import io.voicewire.client.VoiceClient;
import io.voicewire.client.contract.ElevenLabsDouble.Seen;
import io.voicewire.server.VoicewireServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The relay's STT pass-through against the strict double, through a proxy that cuts the
 * relay's upstream connections: the client's plain frames reach the double as received (their
 * member order is the client's, which no encoder of ours writes), every client commit is
 * answered exactly once at the client although the double answered some of them twice (once
 * before a cut, once after the replay), and no upstream message breaks the contract.
 */
@Timeout(120)
class PassThroughRelayCutTest {
  private static final int SEGMENTS = 12;
  private static final int FRAME_BYTES = 640; // 20 ms of pcm_16000

  @Test
  void rawFramesPassThroughToTheDoubleAndCutsCostNoCommitAndRepeatNone() throws Exception {
    try (ElevenLabsDouble d = ElevenLabsDouble.start();
        FaultProxy proxy = FaultProxy.start(URI.create(d.baseUrl()).getPort(), 14)) {
      ReconnectPolicy policy = new ReconnectPolicy(20, Duration.ofMillis(5),
          Duration.ofMillis(100), 2.0, 0.5, Duration.ofSeconds(2));
      try (VoiceClient upstream = ClientTestAccess.relayUpstream(proxy.baseUrl(),
              ElevenLabsDouble.API_KEY).reconnectPolicy(policy).random(new Random(14)).build();
          ElevenLabsProvider provider = new ElevenLabsProvider(upstream);
          VoicewireServer relay = VoicewireServer.create(c -> c.provider(provider))) {
        int port = relay.start(0);
        proxy.cutUpstreamBetween(15_000, 60_000, 4);
        try (RawScribeClient c = RawScribeClient.open("ws://127.0.0.1:" + port
            + "/v1/speech-to-text/realtime?model_id=scribe_v2_realtime&commit_strategy=manual",
            null)) {
          for (int i = 0; i < SEGMENTS; i++) {
            c.sendAudio(new byte[FRAME_BYTES * 15], FRAME_BYTES); // 300 ms
            Thread.sleep(150); // commits closer than 100 ms are throttled (the protocol's rule)
            c.commit();
            c.awaitCount("committed_transcript", i + 1, 60);
          }
          assertEquals(1000, c.closeAndAwait(90), c.texts().toString());
          assertEquals(SEGMENTS, c.ofType("committed_transcript").size(),
              "each commit answered once: " + c.texts());
          assertTrue(c.ofType("error").isEmpty(), c.texts().toString());
        }
        assertTrue(proxy.cuts() >= 2, "cuts " + proxy.cuts());
        List<Seen> up = d.seen(ElevenLabsSpec.SCRIBE_PATH).stream()
            .filter(s -> s.kind().equals("WS")).toList();
        long asReceived = up.stream().filter(s -> s.body().fieldNames().next()
            .equals("audio_base_64")).count();
        assertTrue(asReceived >= SEGMENTS * 15 / 2, "frames forwarded as received: "
            + asReceived + " of " + up.size());
        d.assertNoViolations();
      }
    }
  }
}
