package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.ModelInfo;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.SpeechProvider;
import io.voicewire.speech.SttListener;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.SttSession;
import io.voicewire.speech.TtsListener;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.TtsSession;
import io.voicewire.speech.VoiceInfo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue #10, item 9: tokens, logins, demo tokens, DNS rebinding, logs and error answers. Each
 * reproduces the abuse against a real server on port 0 with a canary user alongside.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AuthBoundsTest {
  static final String ABUSER = SocketBoundsTest.ABUSER;
  static final String CANARY = SocketBoundsTest.CANARY;
  static final Map<String, String> CANARY_H = Map.of("xi-api-key", CANARY);

  static HttpResponse<String> mint(ServerFixture f, String key) throws Exception {
    return f.post("/v1/single-use-token/tts_websocket", "", "xi-api-key", key);
  }

  @Test
  void tokenMintingIsRateLimitedAndCappedPerKey() throws Exception {
    AuthTest.TestClock clock = new AuthTest.TestClock();
    ToneSpeechProvider p = ToneSpeechProvider.create();
    try (ServerFixture f = ServerFixture.start(p, c -> c.apiKeys(List.of(ABUSER, CANARY))
        .clock(clock))) {
      Canary canary = Canary.start(f, CANARY_H);
      // a burst of 100, then the rate (10/s) applies
      for (int i = 0; i < 100; i++) {
        assertEquals(200, mint(f, ABUSER).statusCode(), "mint " + i);
      }
      HttpResponse<String> fast = mint(f, ABUSER);
      assertEquals(429, fast.statusCode());
      assertEquals("rate_limit_exceeded", ServerFixture.json(fast.body()).at("/detail/code")
          .asText());
      assertTrue(fast.body().contains("MINTS_PER_SECOND"), fast.body());
      // another key is not affected
      assertEquals(200, mint(f, CANARY).statusCode());
      // with time the rate refills, but unused tokens are capped at 1,000 per key
      int minted = 100;
      while (minted < 1_000) {
        clock.advance(Duration.ofSeconds(10));
        for (int i = 0; i < 100; i++, minted++) {
          assertEquals(200, mint(f, ABUSER).statusCode(), "mint " + minted);
        }
      }
      clock.advance(Duration.ofSeconds(10));
      HttpResponse<String> capped = mint(f, ABUSER);
      assertEquals(429, capped.statusCode());
      assertTrue(capped.body().contains("MAX_UNUSED_TOKENS_PER_KEY"), capped.body());
      // when they expire (15 min) the key may mint again
      clock.advance(Duration.ofMinutes(16));
      assertEquals(200, mint(f, ABUSER).statusCode());
      canary.assertCompleted();
    } finally {
      p.close();
    }
  }

  @Test
  void failedLoginsAreThrottledPerAddress() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.create();
    try (ServerFixture f = ServerFixture.start(p, c -> c.apiKeys(List.of(ABUSER, CANARY)))) {
      Canary canary = Canary.start(f, CANARY_H); // from 127.0.0.1
      InetAddress attacker = InetAddress.getByName("127.0.0.2");
      HttpClient from = HttpClient.newBuilder().localAddress(attacker)
          .connectTimeout(Duration.ofSeconds(5)).build();
      HttpRequest.Builder guess = HttpRequest.newBuilder(URI.create(f.http("/v1/voices")))
          .timeout(Duration.ofSeconds(10));
      for (int i = 0; i < 30; i++) {
        assertEquals(401, from.send(guess.copy().header("xi-api-key", "guess-" + i).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode());
      }
      // the 31st attempt is refused before its key is looked at, even a valid one
      HttpResponse<String> r = from.send(guess.copy().header("xi-api-key", ABUSER).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(429, r.statusCode());
      assertTrue(r.body().contains("MAX_FAILED_LOGINS"), r.body());
      // so is a WebSocket from there
      WsClient ws = WsClient.connect(from, f.ws(SocketBoundsTest.SINGLE),
          Map.of("xi-api-key", ABUSER), true);
      JsonNode err = ws.next();
      assertEquals("auth_error", err.path("error").asText());
      // other addresses are not affected
      assertEquals(200, f.get("/v1/voices", "xi-api-key", ABUSER).statusCode());
      canary.assertCompleted();
    } finally {
      p.close();
    }
  }

  @Test
  void demoTokensWithKeysAreRefusedOnAPublicBindAddress() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.create();
    try {
      VoicewireServer s = VoicewireServer.create(c -> c.provider(p).apiKeys(List.of(ABUSER))
          .demoTokens(true).bindAddress("0.0.0.0"));
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.start(0));
      assertTrue(e.getMessage().contains("allowed only on a loopback bind address"));
      assertEquals(-1, s.port());
      s.close();
      // on loopback it is allowed (the demo behind a local reverse proxy)
      try (ServerFixture f = ServerFixture.start(p, c -> c.apiKeys(List.of(ABUSER, CANARY))
          .demoTokens(true))) {
        Canary canary = Canary.start(f, CANARY_H);
        assertEquals(200, f.get("/demo/token/tts_websocket").statusCode());
        canary.assertCompleted();
      }
    } finally {
      p.close();
    }
  }

  @Test
  void devModeAnswersOnlyLoopbackHostNames() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.create();
    try (ServerFixture f = ServerFixture.start(p)) {
      Canary canary = Canary.start(f, Map.of());
      // a rebinding page: its name resolves to 127.0.0.1, Host and Origin agree
      String answer = HttpBoundsTest.raw(f.port, null, "GET /demo/token/tts_websocket HTTP/1.1"
          + "\r\nHost: rebind.example:" + f.port + "\r\nOrigin: http://rebind.example:" + f.port,
          new byte[0]);
      assertTrue(answer.startsWith("HTTP/1.1 403"), answer);
      assertTrue(answer.contains("host_not_allowed"), answer);
      for (String host : List.of("localhost", "127.0.0.1", "127.1.2.3", "[::1]")) {
        String ok = HttpBoundsTest.raw(f.port, null, "GET /healthz HTTP/1.1\r\nHost: " + host
            + ":" + f.port, new byte[0]);
        assertTrue(ok.startsWith("HTTP/1.1 200"), host + ": " + ok);
      }
      canary.assertCompleted();
    } finally {
      p.close();
    }
  }

  /** A provider whose voice "explode" fails with an exception's text as its message. */
  static SpeechProvider exploding(ToneSpeechProvider tone) {
    return new SpeechProvider() {
      public String name() {
        return "exploding";
      }

      public boolean isReady() {
        return true;
      }

      public List<VoiceInfo> voices() {
        return tone.voices();
      }

      public List<ModelInfo> models() {
        return tone.models();
      }

      public TtsSession openTts(TtsRequest request, TtsListener listener) {
        if (request.voiceId().equals("throw")) {
          throw new IllegalStateException("user said: my secret sentence");
        }
        if (request.voiceId().equals("explode")) {
          TtsSession s = tone.openTts(request.toBuilder().build(), new TtsListener() { });
          listener.onFailure(new SpeechError(ErrorCode.ERROR, "synthesis failed: "
              + new IllegalStateException("java.lang.NullPointerException: boom")));
          return s;
        }
        return tone.openTts(request, listener);
      }

      public SttSession openStt(SttRequest request, SttListener listener) {
        return tone.openStt(request, listener);
      }

      public void close() {
        tone.close();
      }
    };
  }

  @Test
  void errorsCarryNoClassNamesAndLogsNoStackOrSecretAboveDebug() throws Exception {
    ToneSpeechProvider tone = ToneSpeechProvider.create();
    String shortKey = "sk9x7q"; // too short for the quoted-run rule: only the key list hides it
    PrintStream err = System.err;
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    try (ServerFixture f = ServerFixture.start(exploding(tone), c -> c.apiKeys(
        List.of(shortKey, CANARY)))) {
      Canary canary = Canary.start(f, CANARY_H);
      System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
      try {
        // an engine failure built from an exception
        WsClient ws = f.connect("/v1/text-to-speech/explode/stream-input", Map.of("xi-api-key",
            shortKey));
        ws.send("{\"text\":\" \"}");
        JsonNode e = ws.next(m -> m.has("error"));
        assertFalse(e.path("message").asText().matches("(?s).*(java\\.|Exception).*"),
            e.toString());
        HttpResponse<String> http = f.post("/v1/text-to-speech/explode", "{\"text\":\"hi\"}",
            "xi-api-key", shortKey);
        assertEquals(500, http.statusCode());
        assertFalse(http.body().matches("(?s).*(java\\.|Exception).*"), http.body());
        // a provider that throws with user text in its message
        WsClient t = f.connect("/v1/text-to-speech/throw/stream-input", Map.of("xi-api-key",
            shortKey));
        t.send("{\"text\":\" \"}");
        assertTrue(t.next(m -> m.has("error")).has("error"));
        // a key sent unquoted in a bad first message
        WsClient q = f.connect(SocketBoundsTest.SINGLE);
        q.send("{\"text\":\" \",\"xi_api_key\":" + shortKey + "}");
        assertEquals("input_error", q.next(m -> m.has("error")).path("error").asText());
        q.awaitClose();
      } finally {
        System.setErr(err);
      }
      String log = logs.toString(StandardCharsets.UTF_8);
      assertFalse(log.contains(shortKey), log);
      assertFalse(log.contains("\tat "), "a stack trace above DEBUG:\n" + log);
      assertFalse(log.contains(" ERROR "), log);
      assertFalse(log.contains("my secret sentence") && log.contains("ERROR"), log);
      canary.assertCompleted();
    } finally {
      tone.close();
    }
  }
}
