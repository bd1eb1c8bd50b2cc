package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A well-behaved user running alongside an abuse test: one TTS {@code stream-input} session, then
 * one realtime STT session (one at a time, so a key limit of 1 fits), on their own thread and
 * expected to complete normally
 * (audio then {@code isFinal} then close 1000; {@code session_started} then the committed
 * transcript of a tone). {@link #assertCompleted()} waits (bounded) and rethrows what went wrong.
 *
 * <pre>{@code
 * Canary canary = Canary.start(f, Map.of("xi-api-key", "canary-key"));
 * ... abuse ...
 * canary.assertCompleted();
 * }</pre>
 */
final class Canary {
  static final String TTS = "/v1/text-to-speech/" + ToneSpeechProvider.VOICE
      + "/stream-input?output_format=pcm_16000";
  static final String STT = "/v1/speech-to-text/realtime?model_id=scribe_v2_realtime"
      + "&audio_format=pcm_16000";
  /** How long the canary may take, abuse included. */
  static final long TIMEOUT_SECONDS = 30;

  private final CompletableFuture<Void> done;

  private Canary(CompletableFuture<Void> done) {
    this.done = done;
  }

  /** Starts the sessions now, with {@code headers} (the canary user's credentials). */
  static Canary start(ServerFixture f, Map<String, String> headers) {
    return new Canary(run(() -> {
      tts(f, headers);
      stt(f, headers);
    }));
  }

  /** Both sessions completed normally; fails with their error otherwise. */
  void assertCompleted() throws Exception {
    try {
      done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception x) {
        throw x;
      }
      throw e;
    }
  }

  private interface Body {
    void run() throws Exception;
  }

  /** An abuse run against a server. */
  interface Abuse {
    void run(ServerFixture f) throws Exception;
  }

  /**
   * Runs {@code abuse} against {@code f} while the canary (with {@code headers}) runs alongside,
   * then asserts the canary completed, and closes the server.
   */
  static void alongside(ServerFixture f, Map<String, String> headers, Abuse abuse)
      throws Exception {
    try (f) {
      Canary canary = start(f, headers);
      abuse.run(f);
      canary.assertCompleted();
    }
  }

  private static CompletableFuture<Void> run(Body b) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread.ofVirtual().name("canary").start(() -> {
      try {
        b.run();
        done.complete(null);
      } catch (Throwable t) {
        done.completeExceptionally(t);
      }
    });
    return done;
  }

  private static void tts(ServerFixture f, Map<String, String> headers) throws Exception {
    WsClient c = f.connect(TTS, headers);
    c.send("{\"text\":\" \"}");
    c.send("{\"text\":\"Hello from the canary. \",\"flush\":true}");
    c.send("{\"text\":\"\"}");
    int audio = 0;
    boolean fin = false;
    for (JsonNode m : c.untilClose()) {
      assertTrue(!m.has("error"), "canary TTS got an error: " + m);
      if (m.hasNonNull("audio")) {
        audio++;
      }
      fin |= m.path("isFinal").asBoolean(false);
    }
    assertTrue(audio > 0, "canary TTS got no audio");
    assertTrue(fin, "canary TTS got no isFinal");
    assertEquals(1000, c.awaitClose().code());
  }

  private static void stt(ServerFixture f, Map<String, String> headers) throws Exception {
    WsClient c = f.connect(STT, headers);
    JsonNode started = c.next();
    assertEquals("session_started", started.path("message_type").asText(), started.toString());
    SttRealtimeTest.stream(c, Tones.concat(Tones.pcm(440, 300, 16_000),
        Tones.silence(100, 16_000)), 16_000);
    c.send(SttRealtimeTest.chunk(new byte[0], true, 16_000));
    JsonNode committed = c.next(m -> m.has("error")
        || "committed_transcript".equals(m.path("message_type").asText()));
    assertEquals("alpha", committed.path("text").asText(), committed.toString());
    c.close();
  }
}
