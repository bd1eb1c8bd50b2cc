package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that stops reading fails its own session with {@code queue_overflow}; the server and
 * other sessions go on.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BackpressureTest {

  @Test
  void aSlowTtsClientFailsItsOwnSessionOnly() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.builder().chunkChars(100).build();
    try (ServerFixture f = ServerFixture.start(p, c -> c.limits(Limits.DEFAULTS.toBuilder()
        .maxQueuedAudioMillis(2_000).build()))) {
      String path = "/v1/text-to-speech/" + ToneSpeechProvider.VOICE
          + "/stream-input?output_format=pcm_48000";
      WsClient slow = WsClient.connect(f.ws(path), Map.of(), false);
      // 400 s of audio, far more than socket buffers hold
      String text = "word ".repeat(8000);
      slow.send("{\"text\":\" \"}");
      slow.send("{\"text\":\"" + text + "\",\"flush\":true}");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!f.server.metrics().contains("voicewire_errors_total{type=\"queue_overflow\"} 1.0\n")) {
        assertTrue(System.nanoTime() < deadline, "no queue_overflow within 60 s");
        Thread.sleep(50);
      }
      // another client is served normally meanwhile
      WsClient good = f.connect("/v1/text-to-speech/" + ToneSpeechProvider.VOICE
          + "/stream-input");
      good.send("{\"text\":\"fine \",\"flush\":true}");
      good.send("{\"text\":\"\"}");
      List<JsonNode> fine = good.untilClose();
      assertTrue(fine.get(fine.size() - 1).get("isFinal").asBoolean());
      // the slow client finally reads: some audio, then the error, then the close
      slow.read(Integer.MAX_VALUE);
      List<JsonNode> got = slow.untilClose();
      JsonNode last = got.get(got.size() - 1);
      assertEquals("queue_overflow", last.get("error").asText());
      assertTrue(got.size() - 1 < 8000 * 5 / 100, "most audio was dropped, not buffered");
      assertEquals(1008, slow.awaitClose().code());
    } finally {
      p.close();
    }
  }

  @Test
  void aSlowHttpStreamClientFailsItsOwnRequestOnly() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.builder().chunkChars(100).build();
    try (ServerFixture f = ServerFixture.start(p, c -> c.limits(Limits.DEFAULTS.toBuilder()
        .maxQueuedAudioMillis(2_000).build()))) {
      String body = "{\"text\":\"" + "word ".repeat(8000) + "\"}";
      try (Socket s = new Socket("127.0.0.1", f.port)) {
        s.setReceiveBufferSize(4096);
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(("POST /v1/text-to-speech/" + ToneSpeechProvider.VOICE
            + "/stream?output_format=pcm_48000 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
            + "application/json\r\nContent-Length: " + b.length + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().write(b);
        s.getOutputStream().flush();
        // never read: the server must give up on this request, not buffer 400 s of audio
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!f.server.metrics().contains(
            "voicewire_errors_total{type=\"queue_overflow\"} 1.0\n")) {
          assertTrue(System.nanoTime() < deadline, "no queue_overflow within 60 s");
          Thread.sleep(50);
        }
        HttpResponse<byte[]> ok = f.postBytes("/v1/text-to-speech/" + ToneSpeechProvider.VOICE
            + "/stream?output_format=pcm_24000",
            "{\"text\":\"fine\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(200, ok.statusCode());
        assertEquals(4 * 240 * 2, ok.body().length);
      }
    } finally {
      p.close();
    }
  }
}
