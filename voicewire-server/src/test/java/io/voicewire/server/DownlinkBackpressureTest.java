package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The TTS downlink's backpressure: a client that reads late pauses the server's reading instead
 * of losing its session, and gets every byte of audio; a client that never reads still gets a
 * clear close ({@code queue_overflow} naming {@code DOWNLINK_STALL_MILLIS}, 1008).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DownlinkBackpressureTest {
  private static final String PATH = "/v1/text-to-speech/" + ToneSpeechProvider.VOICE
      + "/stream-input?output_format=pcm_24000";

  @Test
  void aLateReaderIsPausedNotFailedAndGetsAllItsAudio() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.create();
    try (ServerFixture f = ServerFixture.start(p, c -> c.limits(Limits.DEFAULTS.toBuilder()
        .maxQueuedAudioMillis(300).build()))) {
      WsClient c = WsClient.connect(f.ws(PATH), Map.of(), false);
      int chars = 2_000; // 20 s of audio, far past the 300 ms mark
      c.send("{\"text\":\" \"}");
      c.send("{\"text\":\"" + "word ".repeat(chars / 5) + "\",\"flush\":true}");
      c.send("{\"text\":\"\"}");
      Thread.sleep(1_000); // reads nothing meanwhile: the audio piles up past the mark
      c.read(Integer.MAX_VALUE);
      List<JsonNode> got = c.untilClose();
      long bytes = 0;
      for (JsonNode m : got) {
        assertFalse(m.has("error"), m.toString());
        if (m.hasNonNull("audio")) {
          bytes += Base64.getDecoder().decode(m.get("audio").asText()).length;
        }
      }
      assertTrue(got.get(got.size() - 1).path("isFinal").asBoolean(), "isFinal last");
      assertEquals(1000, c.awaitClose().code());
      // the text's audio, every byte of it: 10 ms per character at 24 kHz, 16-bit
      assertEquals((long) chars * 240 * 2, bytes);
      assertFalse(f.server.metrics().contains("voicewire_errors_total{type=\"queue_overflow\"}"));
    } finally {
      p.close();
    }
  }

  @Test
  void aClientThatNeverReadsGetsAClearCloseAfterTheStallDeadline() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.builder().chunkChars(100).build();
    try (ServerFixture f = ServerFixture.start(p, c -> c.limits(Limits.DEFAULTS.toBuilder()
        .maxQueuedAudioMillis(300).maxQueuedBytes(256L << 20).build()))) {
      WsClient c = WsClient.connect(f.ws(PATH.replace("24000", "48000")), Map.of(), false);
      c.send("{\"text\":\" \"}");
      // 200 s of audio (25 MB of base64, more than the socket buffers hold) in 200 messages:
      // within every hard bound, so only the stall deadline can end it
      c.send("{\"text\":\"" + "word ".repeat(4_000) + "\",\"flush\":true}");
      f.awaitMetric("voicewire_errors_total{type=\"queue_overflow\"} 1", 60);
      c.read(Integer.MAX_VALUE);
      List<JsonNode> got = c.untilClose();
      JsonNode last = got.get(got.size() - 1);
      assertEquals("queue_overflow", last.get("error").asText());
      assertTrue(last.get("message").asText().contains("DOWNLINK_STALL_MILLIS"), last.toString());
      assertEquals(1008, c.awaitClose().code());
    } finally {
      p.close();
    }
  }
}
