package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The graceful drain of {@link VoicewireServer#drain}: readiness, refused upgrades, 1012. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DrainTest {
  static final String TTS = LimitsTest.TTS + "?sync_alignment=true";
  static final String STT = AuthTest.STT + "&commit_strategy=manual";

  @Test
  void drainTurnsReadinessOffRefusesUpgradesAndMovesLiveSessionsWith1012() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.builder().msPerChar(10).chunkChars(10)
        .chunkDelayMillis(40).build();
    try (ServerFixture f = ServerFixture.start(p)) {
      assertEquals(200, f.get("/readyz").statusCode());
      // a TTS stream in the middle of a long text
      String text = "The quick brown fox jumps over the lazy dog. ".repeat(20);
      WsClient tts = f.connect(TTS);
      tts.send("{\"text\":\"" + text + "\",\"flush\":true}");
      assertTrue(tts.next().has("audio"));
      // an STT stream with audio pending
      WsClient stt = f.connect(STT);
      assertEquals("session_started", stt.next().get("message_type").asText());
      stt.send(SttRealtimeTest.chunk(Tones.pcm(440, 400, 16000), false, 16000));

      CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> {
        try {
          return f.server.drain(Duration.ofSeconds(60));
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!f.server.isDraining() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      // TTS: the chunks already queued arrive, then 1012; what arrived is a prefix of the text
      List<JsonNode> rest = tts.untilClose();
      WsClient.Close c = tts.awaitClose();
      assertEquals(1012, c.code());
      assertEquals("server restarting: reconnect to continue", c.reason());
      StringBuilder voiced = new StringBuilder();
      for (JsonNode m : rest) {
        assertFalse(m.has("error"), m.toString());
        assertFalse(m.path("isFinal").asBoolean(false), "no isFinal: the text was not done");
        if (m.hasNonNull("alignment")) {
          m.get("alignment").get("chars").forEach(ch -> voiced.append(ch.asText()));
        }
      }
      assertTrue(text.substring(10).startsWith(voiced.toString()), voiced.toString());
      assertTrue(voiced.length() < text.length() - 10, "the stream was cut early: "
          + voiced.length());
      // while the STT session is still live (it waits for a commit): not ready, upgrades refused
      HttpResponse<String> ready = f.get("/readyz");
      assertEquals(503, ready.statusCode());
      assertEquals("draining", ServerFixture.json(ready.body()).get("status").asText());
      String answer = rawUpgrade(f.port, TTS);
      assertTrue(answer.startsWith("HTTP/1.1 503 "), answer);
      assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("\r\nretry-after: 1\r\n"),
          answer);

      // STT (the last one): moved right after the next committed transcript
      stt.send(SttRealtimeTest.chunk(Tones.silence(100, 16000), true, 16000));
      JsonNode committed = stt.next(m -> "committed_transcript".equals(
          m.get("message_type").asText()));
      assertEquals("alpha", committed.get("text").asText());
      assertEquals(1012, stt.awaitClose().code());
      assertTrue(drained.get(10, TimeUnit.SECONDS), "every session left before the deadline");
      assertTrue(f.server.port() < 0, "stopped");
    } finally {
      p.close();
    }
  }

  /** The head of the answer to a WebSocket upgrade request (raw socket, bounded reads). */
  static String rawUpgrade(int port, String path) throws Exception {
    try (java.net.Socket sock = new java.net.Socket("127.0.0.1", port)) {
      sock.setSoTimeout(20_000);
      sock.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
          + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
          + "dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      java.io.InputStream in = sock.getInputStream();
      StringBuilder head = new StringBuilder();
      int c;
      while (!head.toString().endsWith("\r\n\r\n") && (c = in.read()) >= 0) {
        head.append((char) c);
      }
      return head.toString();
    }
  }

  @Test
  void aSessionWithoutABoundaryIsMovedBeforeTheDeadline() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.create();
    try (ServerFixture f = ServerFixture.start(p)) {
      WsClient silent = f.connect(STT);
      assertEquals("session_started", silent.next().get("message_type").asText());
      silent.send(SttRealtimeTest.chunk(Tones.pcm(440, 200, 16000), false, 16000));
      long t0 = System.nanoTime();
      // no commit comes: moved 3 s before an 8 s deadline, in time for its close handshake
      assertTrue(f.server.drain(Duration.ofSeconds(8)));
      assertEquals(1012, silent.awaitClose().code());
      assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(4900));
    } finally {
      p.close();
    }
  }

  @Test
  void drainOfAnIdleServerStopsAtOnceAndASecondDrainIsRefused() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.create();
    try (ServerFixture f = ServerFixture.start(p)) {
      long t0 = System.nanoTime();
      assertTrue(f.server.drain(Duration.ofSeconds(30)));
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10));
      assertFalse(f.server.drain(Duration.ofSeconds(1)));
    } finally {
      p.close();
    }
  }
}
