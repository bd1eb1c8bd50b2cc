package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue #10, "work ends with its session", whole-file HTTP TTS: a client that sends a long text
 * and disconnects before the answer (which comes only when all of it is voiced) must not leave
 * the server synthesising for nobody. Real server on port 0, a plain socket as the client; the
 * engine session is cancelled, the key's only concurrency slot comes back, and a canary user's
 * whole-file request and TTS/STT sessions alongside complete normally.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HttpTtsDisconnectTest {
  static final String ABUSER = SocketBoundsTest.ABUSER;
  static final String CANARY = SocketBoundsTest.CANARY;
  /** A second canary key, for the whole-file request alongside (each key has one slot). */
  static final String CANARY_HTTP = "canary-http-key-1";
  /**
   * How long the test waits for the cancellation after the disconnect (a bound on the wait, not
   * a timing assertion): the server probes every {@code HttpTtsPipe.CLIENT_POLL_MILLIS}, 200 ms,
   * and the synthesis still to do when the client leaves is ~10 s.
   */
  static final long STOP_WAIT_MILLIS = 5_000;

  static void await(BooleanSupplier done, long millis, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!done.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, what);
      Thread.sleep(10);
    }
  }

  @Test
  void wholeFileTtsIsCancelledWhenItsClientDisconnects() throws Exception {
    // 10 ms per 10-character chunk: ~1,000 chunks, ~10 s of synthesis for the long text
    ToneSpeechProvider p = ToneSpeechProvider.builder().msPerChar(1).chunkChars(10)
        .chunkDelayMillis(10).build();
    // one slot per key, and a safety deadline far beyond the test: only a real stop frees it
    Limits oneEach = Limits.DEFAULTS.toBuilder().maxSessionsPerKey(1)
        .workStopDeadline(Duration.ofSeconds(60)).build();
    try (ServerFixture f = ServerFixture.start(p, c -> c.apiKeys(List.of(ABUSER, CANARY,
        CANARY_HTTP)).limits(oneEach))) {
      Canary canary = Canary.start(f, Map.of("xi-api-key", CANARY));
      String text = "abcdefghij ".repeat(900);
      byte[] body = ("{\"text\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8);
      int cancelledBefore = p.ttsCancelled.get();
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", f.port), 5_000);
        OutputStream out = s.getOutputStream();
        out.write(("POST /v1/text-to-speech/" + ToneSpeechProvider.VOICE
            + "?output_format=pcm_16000 HTTP/1.1\r\nHost: 127.0.0.1\r\nxi-api-key: " + ABUSER
            + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
            + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
        int made = p.ttsChunksMade.get();
        await(() -> p.ttsChunksMade.get() > made + 50, 10_000, "synthesis did not start");
        // a canary's whole-file request alongside
        CompletableFuture<HttpResponse<byte[]>> other = CompletableFuture.supplyAsync(
            () -> HttpBoundsTest.convert(f, CANARY_HTTP, "canary text "),
            HttpBoundsTest.EACH_ON_ITS_THREAD);
        HttpResponse<byte[]> r = other.get(30, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("canary text ".length() * 32, r.body().length); // 1 ms a char, 32 B/ms
      } // the client disconnects without reading
      await(() -> p.ttsCancelled.get() > cancelledBefore, STOP_WAIT_MILLIS,
          "the engine session was not cancelled after its client disconnected");
      // the key's one slot is free again (limit 1 per key): the slot follows the work's stop
      // at once, not the 60 s safety deadline
      await(() -> HttpBoundsTest.convert(f, ABUSER, "again ").statusCode() == 200,
          STOP_WAIT_MILLIS, "the key's slot was not released after the work stopped");
      canary.assertCompleted();
      // nothing is synthesised any more for the gone client
      int after = p.ttsChunksMade.get();
      Thread.sleep(300);
      assertEquals(after, p.ttsChunksMade.get(), "synthesis went on for a gone client");
    } finally {
      p.close();
    }
  }
}
