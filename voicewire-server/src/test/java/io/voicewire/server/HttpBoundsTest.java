package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue #10, the HTTP cases: batch STT, whole-file TTS, framing errors. Each reproduces the abuse
 * against a real server on port 0 with a canary user's TTS and STT sessions alongside.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HttpBoundsTest {
  static final String ABUSER = SocketBoundsTest.ABUSER;
  static final String CANARY = SocketBoundsTest.CANARY;

  /** Runs each task on a new virtual thread, so that blocking requests really overlap. */
  static final java.util.concurrent.Executor EACH_ON_ITS_THREAD = r -> Thread.ofVirtual()
      .name("abuser").start(r);

  static ServerFixture server(ToneSpeechProvider p, Limits limits) throws Exception {
    return ServerFixture.start(p, c -> c.apiKeys(List.of(ABUSER, CANARY)).limits(limits));
  }

  /** {@link SocketBoundsTest#withCanary} with whole {@link Limits}. */
  static void withCanary(ToneSpeechProvider p, Limits limits, Canary.Abuse abuse)
      throws Exception {
    try {
      Canary.alongside(server(p, limits), Map.of("xi-api-key", CANARY), abuse);
    } finally {
      p.close();
    }
  }

  static HttpResponse<byte[]> upload(ServerFixture f, String key, byte[] body) throws Exception {
    return f.postBytes("/v1/speech-to-text", body, "Content-Type",
        "multipart/form-data; boundary=" + BatchSttTest.BOUNDARY, "xi-api-key", key);
  }

  static JsonNode json(HttpResponse<byte[]> r) throws Exception {
    return ServerFixture.json(new String(r.body(), StandardCharsets.UTF_8));
  }

  /**
   * Sends {@code head} (request line and headers, without the blank line) and {@code body} over a
   * plain socket from {@code local} (null: any loopback address), and returns the whole answer
   * up to the server's close, at most 20 s.
   */
  static String raw(int port, InetAddress local, String head, byte[] body) throws Exception {
    try (Socket s = new Socket()) {
      if (local != null) {
        s.bind(new InetSocketAddress(local, 0));
      }
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write((head + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      return readAll(s.getInputStream());
    }
  }

  static String readAll(InputStream in) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try {
      in.transferTo(b);
    } catch (java.net.SocketException reset) {
      // the server may reset after answering: keep what arrived
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  static String upload(String key) {
    return "POST /v1/speech-to-text HTTP/1.1\r\nHost: 127.0.0.1\r\nxi-api-key: " + key
        + "\r\nContent-Type: multipart/form-data; boundary=" + BatchSttTest.BOUNDARY;
  }

  /** A whole-file TTS request for {@code text} as 16 kHz PCM, with {@code key}. */
  static HttpResponse<byte[]> convert(ServerFixture f, String key, String text) {
    try {
      return f.postBytes("/v1/text-to-speech/" + ToneSpeechProvider.VOICE
          + "?output_format=pcm_16000", ("{\"text\":\"" + text + "\"}")
          .getBytes(StandardCharsets.UTF_8), "xi-api-key", key,
          "Content-Type", "application/json");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void batchSttRefusesAnAbsurdSampleRateBeforeResampling() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.create();
    withCanary(p, Limits.DEFAULTS, f -> {
      // 40 KB at 1 Hz claims 20,000 s of audio; resampled whole it would take gigabytes
      byte[] wav = BatchSttTest.wav(new byte[40_000], 1, 1, 16);
      HttpResponse<byte[]> r = upload(f, ABUSER, BatchSttTest.multipart(wav, "a.wav",
          "model_id", "scribe_v2"));
      assertEquals(400, r.statusCode());
      JsonNode d = json(r).get("detail");
      assertEquals("invalid_sample_rate", d.get("code").asText());
      assertTrue(d.get("message").asText().contains("1 Hz is outside 8000–48000 Hz"),
          d.toString());
      // a sane rate that needs resampling (11025 Hz) is still served
      byte[] ok = BatchSttTest.wav(BatchSttTest.speech(11_025), 11_025, 1, 16);
      HttpResponse<byte[]> good = upload(f, ABUSER, BatchSttTest.multipart(ok, "b.wav",
          "model_id", "scribe_v2"));
      assertEquals(200, good.statusCode(), new String(good.body(), StandardCharsets.UTF_8));
    });
  }

  @Test
  void slowUploadsDoNotLockBatchSttAndEndAtTheReadDeadline() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.create();
    withCanary(p, Limits.DEFAULTS.toBuilder()
        .uploadReadDeadline(Duration.ofMillis(1500)).build(), f -> {
      // two uploads that announce 1 MB and send 10 bytes, then stall
      List<CompletableFuture<String>> slow = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        slow.add(CompletableFuture.supplyAsync(() -> {
          try {
            return raw(f.port, null, upload(ABUSER) + "\r\nContent-Length: 1000000",
                "0123456789".getBytes(StandardCharsets.US_ASCII));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, EACH_ON_ITS_THREAD));
      }
      Thread.sleep(300); // both are now reading
      // a third from the same key is over its read share; another key's upload is served
      HttpResponse<byte[]> third = upload(f, ABUSER, BatchSttTest.multipart(
          BatchSttTest.wav(BatchSttTest.speech(16_000), 16_000, 1, 16), "c.wav",
          "model_id", "scribe_v2"));
      assertEquals(429, third.statusCode());
      assertTrue(json(third).get("detail").get("message").asText()
          .contains("MAX_CONCURRENT_UPLOAD_READS"));
      HttpResponse<byte[]> other = upload(f, CANARY, BatchSttTest.multipart(
          BatchSttTest.wav(BatchSttTest.speech(16_000), 16_000, 1, 16), "d.wav",
          "model_id", "scribe_v2"));
      assertEquals(200, other.statusCode(), new String(other.body(), StandardCharsets.UTF_8));
      assertEquals("alpha bravo", json(other).get("text").asText());
      for (CompletableFuture<String> s : slow) {
        String answer = s.get(20, TimeUnit.SECONDS);
        assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
        assertTrue(answer.contains("uploadReadDeadline"), answer);
      }
    });
  }

  @Test
  void wholeFileTtsIsNotFailedForReadingItsOwnCollectorSlowly() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.create();
    withCanary(p, Limits.DEFAULTS, f -> {
      // 3,000 characters at 10 ms each: 30 s of audio each, produced far faster than real time
      String text = "abcdefghij ".repeat(272);
      List<CompletableFuture<HttpResponse<byte[]>>> all = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        all.add(CompletableFuture.supplyAsync(() -> convert(f, ABUSER, text), EACH_ON_ITS_THREAD));
      }
      for (CompletableFuture<HttpResponse<byte[]>> r : all) {
        HttpResponse<byte[]> resp = r.get(60, TimeUnit.SECONDS);
        assertEquals(200, resp.statusCode(), new String(resp.body(), StandardCharsets.UTF_8));
        assertEquals(text.length() * 10 * 32, resp.body().length); // 16 kHz 16-bit: 32 B/ms
      }
    });
  }

  @Test
  void wholeFileTtsAnswersInFlightAreBoundedPerKey() throws Exception {
    // 4,000 characters at 250 ms each: 1,000 s of 16 kHz audio, 32 MB per answer, all collected
    // in memory before it is sent; six at once would hold 192 MB of one key's audio. Mostly
    // spaces (silence): cheap to make on a loaded machine, the same bytes to hold
    ToneSpeechProvider p = ToneSpeechProvider.builder().msPerChar(250).build();
    withCanary(p, Limits.DEFAULTS, f -> {
      String text = "ab        ".repeat(400);
      List<CompletableFuture<HttpResponse<byte[]>>> all = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        all.add(CompletableFuture.supplyAsync(() -> convert(f, ABUSER, text), EACH_ON_ITS_THREAD));
      }
      int refused = 0;
      for (CompletableFuture<HttpResponse<byte[]>> r : all) {
        HttpResponse<byte[]> resp = r.get(60, TimeUnit.SECONDS);
        if (resp.statusCode() == 200) {
          assertEquals(text.length() * 250L * 32, resp.body().length);
          continue;
        }
        refused++;
        assertEquals(429, resp.statusCode(), new String(resp.body(), StandardCharsets.UTF_8));
        JsonNode d = json(resp).path("detail");
        assertEquals("concurrent_limit_exceeded", d.path("code").asText(), d.toString());
        assertTrue(d.path("message").asText().contains("MAX_CONVERT_BYTES_PER_KEY"), d.toString());
      }
      assertTrue(refused > 0, "six 32 MB answers of one key were all collected at once");
      // what the refused answers had collected was released: another key is not refused
      HttpResponse<byte[]> other = convert(f, CANARY, text);
      assertEquals(200, other.statusCode(), new String(other.body(), StandardCharsets.UTF_8));
    });
  }

  @Test
  void aMalformedChunkedBodyIsA400() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.create();
    withCanary(p, Limits.DEFAULTS, f -> {
      // a chunk size that is not hex; nothing follows it, so the server has read every byte
      byte[] bad = "5\r\n{\"tex\r\nz".getBytes(StandardCharsets.US_ASCII);
      String tts = raw(f.port, null, "POST /v1/text-to-speech/" + ToneSpeechProvider.VOICE
          + "/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nxi-api-key: " + ABUSER
          + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked", bad);
      assertTrue(tts.startsWith("HTTP/1.1 400"), tts);
      String stt = raw(f.port, null, upload(ABUSER) + "\r\nTransfer-Encoding: chunked", bad);
      assertTrue(stt.startsWith("HTTP/1.1 400"), stt);
      assertFalse(stt.contains("Exception"), stt);
    });
  }
}
