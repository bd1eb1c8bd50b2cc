package io.voicewire.bench.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.server.Limits;
import io.voicewire.server.VoicewireServer;
import io.voicewire.testing.EchoSpeechProvider;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The raw load generator against the real server and against the raw echo upstream. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RawWsLoadTest {
  static final String PATH = "/v1/speech-to-text/realtime?model_id=scribe_v2_realtime";

  static void assertAllAnswered(SttLoad.Result r, int streams) {
    assertEquals(streams, r.streams());
    assertEquals(0, r.errors(), "errors");
    // 1.5 s at 20 ms per stream is 75 chunks each; pacing may skip a beat, never many
    assertTrue(r.sent() >= streams * 40L, "sent " + r.sent());
    // chunks sent just before the end of the window are answered just after it
    assertTrue(r.received() >= r.sent() - streams * 3L, r.received() + " of " + r.sent());
    assertTrue(r.received() <= r.sent() + streams * 3L, r.received() + " of " + r.sent());
    // coordinated-omission correction may add samples, never lose one
    assertTrue(r.rttMicros().getTotalCount() >= r.received(), "the histogram has every answer");
  }

  @Test
  void everyChunkIsAnsweredByTheRealServer() throws Exception {
    try (VoicewireServer server =
        VoicewireServer.create(c -> c.provider(new EchoSpeechProvider()))) {
      int port = server.start(0);
      SttLoad.Result r = new RawWsLoad(URI.create("ws://127.0.0.1:" + port + PATH), 5, 20)
          .run(Duration.ofMillis(500), Duration.ofMillis(1500));
      assertAllAnswered(r, 5);
    }
  }

  @Test
  void everyChunkIsAnsweredByTheRawUpstream() throws Exception {
    try (RawWsEchoUpstream up = RawWsEchoUpstream.start(0)) {
      SttLoad.Result r = new RawWsLoad(URI.create("ws://127.0.0.1:" + up.port() + PATH), 20, 20)
          .run(Duration.ofMillis(500), Duration.ofMillis(1500));
      assertAllAnswered(r, 20);
    }
  }

  @Test
  void commitsEveryNthChunkAndTheRealServerCommitsEachOne() throws Exception {
    try (VoicewireServer server =
        VoicewireServer.create(c -> c.provider(new EchoSpeechProvider()))) {
      int port = server.start(0);
      RawWsLoad load = new RawWsLoad(URI.create("ws://127.0.0.1:" + port + PATH), 4, 20)
          .commitEvery(5);
      SttLoad.Result r = load.run(Duration.ofMillis(500), Duration.ofMillis(1500));
      assertAllAnswered(r, 4);
      // a fifth of the chunks are commits, each answered: at least those of the measured
      // window, at most those of the whole 2 s (100 chunks per stream at most, and a few late)
      long committed = load.committedTranscripts();
      assertTrue(committed >= r.sent() / 5 - 8, committed + " committed, " + r.sent() + " sent");
      assertTrue(committed <= 4 * 105 / 5, committed + " committed");
    }
  }

  @Test
  void aRefusedUpgradeFailsTheRun() throws Exception {
    try (RawWsEchoUpstream up = RawWsEchoUpstream.start(0)) {
      RawWsLoad load = new RawWsLoad(URI.create("ws://127.0.0.1:" + up.port() + "/nope"), 2, 20);
      IOException e = assertThrows(IOException.class,
          () -> load.run(Duration.ofMillis(100), Duration.ofMillis(100)));
      assertTrue(e.getMessage().contains("404"), e.getMessage());
    }
  }

  @Test
  void errorsAndClosesFromTheServerCountAsErrors() throws Exception {
    Limits limits = Limits.DEFAULTS.toBuilder().sessionTimeLimit(Duration.ofMillis(900)).build();
    try (VoicewireServer server = VoicewireServer.create(
        c -> c.provider(new EchoSpeechProvider()).limits(limits))) {
      int port = server.start(0);
      // the server ends every session 0.9 s in: an error message, then a close, per stream
      SttLoad.Result r = new RawWsLoad(URI.create("ws://127.0.0.1:" + port + PATH), 3, 20)
          .run(Duration.ofMillis(300), Duration.ofMillis(1500));
      assertTrue(r.errors() >= 3, "errors " + r.errors());
      assertTrue(r.received() > 0, "answered before the limit");
    }
  }
}
