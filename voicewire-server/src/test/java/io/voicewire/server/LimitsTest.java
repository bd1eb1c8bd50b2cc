package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Session limits and the session time limit on the TTS socket and over HTTP. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LimitsTest {
  static final String TTS = "/v1/text-to-speech/" + ToneSpeechProvider.VOICE + "/stream-input";

  @Test
  void ttsSocketsAndHttpBeyondTheSessionLimit() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.create();
    try (ServerFixture f = ServerFixture.start(p, c -> c.limits(Limits.DEFAULTS.toBuilder()
        .maxSessions(1).build()))) {
      WsClient first = f.connect(TTS);
      first.send("{\"text\":\"hold \",\"flush\":true}");
      first.next();
      WsClient second = f.connect(TTS);
      JsonNode err = second.next();
      assertEquals("resource_exhausted", err.get("error").asText());
      assertEquals(1013, err.get("code").asInt());
      assertEquals(1013, second.awaitClose().code());
      HttpResponse<String> http = f.post("/v1/text-to-speech/" + ToneSpeechProvider.VOICE
          + "/stream", "{\"text\":\"x\"}");
      assertEquals(429, http.statusCode());
      assertEquals("concurrent_limit_exceeded",
          ServerFixture.json(http.body()).get("detail").get("code").asText());
      first.close();
    } finally {
      p.close();
    }
  }

  @Test
  void ttsSessionTimeLimit() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.create();
    try (ServerFixture f = ServerFixture.start(p, c -> c.limits(Limits.DEFAULTS.toBuilder()
        .sessionTimeLimit(Duration.ofMillis(600)).build()))) {
      WsClient c = f.connect(TTS);
      c.send("{\"text\":\" \"}");
      JsonNode err = c.next(m -> m.has("error"));
      assertEquals("session_time_limit_exceeded", err.get("error").asText());
      assertEquals(1008, c.awaitClose().code());
    } finally {
      p.close();
    }
  }

  @Test
  void limitsAreValidatedWithExactMessages() {
    assertEquals("maxSessions <= 0: 0", assertThrows(IllegalArgumentException.class,
        () -> Limits.DEFAULTS.toBuilder().maxSessions(0).build()).getMessage());
    assertEquals("maxTextMessageBytes < 1024: 10", assertThrows(IllegalArgumentException.class,
        () -> Limits.DEFAULTS.toBuilder().maxTextMessageBytes(10).build()).getMessage());
    assertEquals("pingInterval < 0: PT-1S", assertThrows(IllegalArgumentException.class,
        () -> Limits.DEFAULTS.toBuilder().pingInterval(Duration.ofSeconds(-1)).build())
        .getMessage());
    assertTrue(Limits.DEFAULTS.pingInterval().toSeconds() == 30);
  }

  @Test
  void startAndStopReturnFalseOrMinusOneInTheWrongState() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.create();
    try {
      VoicewireServer s = VoicewireServer.create(c -> c.provider(p));
      assertEquals(false, s.stop());
      int port = s.start(0);
      assertTrue(port > 0);
      assertEquals(port, s.port());
      assertEquals(-1, s.start(0));
      assertTrue(s.stop());
      assertEquals(false, s.stop());
      assertEquals(-1, s.start(0));
      assertEquals("provider == null: call config.provider(...)",
          assertThrows(NullPointerException.class, () -> VoicewireServer.create(c -> { }))
              .getMessage());
    } finally {
      p.close();
    }
  }
}
