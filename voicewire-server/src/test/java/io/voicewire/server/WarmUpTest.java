package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.engine.local.LocalSpeechProvider;
import io.voicewire.speech.SpeechProvider;
import io.voicewire.speech.VoiceInfo;
import io.voicewire.testing.ForwardingSpeechProvider;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ServerConfig#warmUpBeforeReady}: the server runs TTS sessions (PCM, MP3, Opus, an HTTP
 * stream) and one realtime STT session through its own
 * sockets before {@code /readyz} turns 200, on the real offline engine and with API keys (so
 * through single-use tokens, and its own key for HTTP); a warm-up that cannot run
 * still ends in ready; a server stopped before its provider is ready leaves no warm-up thread
 * behind.
 */
@Timeout(300)
class WarmUpTest {
  private static final String KEY = "warm-up-test-key";

  @Test
  void theServerSpeaksAndListensThroughItsOwnSocketsBeforeItIsReady() throws Exception {
    try (LocalSpeechProvider p = LocalSpeechProvider.builder().build();
        ServerFixture f = ServerFixture.start(p, c -> c.apiKeys(List.of(KEY))
            .warmUpBeforeReady(true))) {
      assertEquals(503, readyz(f), "not ready while the engine loads");
      assertFalse(f.server.isReady());
      awaitReady(f, 240);
      assertTrue(p.isReady());
      String m = f.server.metrics();
      assertEquals(3, sessions(m, "tts_stream_input"), m); // PCM, then MP3 and Opus
      assertEquals(1, sessions(m, "stt_realtime"), m);
      assertEquals(1, sessions(m, "tts_http"), m); // with the server's own key, then revoked
      assertEquals(0, failures(m), m);
      // both closed again: nothing of the warm-up stays open
      f.awaitMetric("voicewire_sessions_active{kind=\"tts_stream_input\"} 0.0\n", 30);
      f.awaitMetric("voicewire_sessions_active{kind=\"stt_realtime\"} 0.0\n", 30);
    }
  }

  @Test
  void aWarmUpThatCannotRunEndsInReadyAnyway() throws Exception {
    ToneSpeechProvider tones = ToneSpeechProvider.create();
    SpeechProvider voiceless = new Voiceless(tones); // the warm-up has no voice to speak with
    try (ServerFixture f = ServerFixture.start(voiceless, c -> c.warmUpBeforeReady(true))) {
      awaitReady(f, 60);
      assertEquals(0, sessions(f.server.metrics(), "stt_realtime"));
    } finally {
      tones.close();
    }
  }

  @Test
  void aServerStoppedBeforeItsProviderIsReadyLeavesNoWarmUpBehind() throws Exception {
    try (LocalSpeechProvider p = LocalSpeechProvider.builder().build()) {
      ServerFixture f = ServerFixture.start(p, c -> c.warmUpBeforeReady(true));
      assertTrue(warmUpThreadAlive(), "the warm-up waits for the engine");
      f.close();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (warmUpThreadAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertFalse(warmUpThreadAlive(), "the warm-up thread outlived its server");
    }
  }

  private static boolean warmUpThreadAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.isAlive() && t.getName().equals("voicewire-warm-up"));
  }

  private static void awaitReady(ServerFixture f, long seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (readyz(f) != 200) {
      assertTrue(System.nanoTime() < deadline, "not ready within " + seconds + " s");
      Thread.sleep(50);
    }
    assertTrue(f.server.isReady());
  }

  private static int readyz(ServerFixture f) throws Exception {
    return ServerFixture.send(HttpRequest.newBuilder(URI.create(f.http("/readyz")))
        .timeout(ServerFixture.REQUEST_TIMEOUT).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** {@code voicewire_sessions_total} of {@code kind}, summed over its other labels. */
  private static long sessions(String metrics, String kind) {
    Matcher m = Pattern.compile("(?m)^voicewire_sessions_total\\{kind=\"" + kind
        + "\"[^}]*} ([0-9.]+)$").matcher(metrics);
    long n = 0;
    while (m.find()) {
      n += (long) Double.parseDouble(m.group(1));
    }
    return n;
  }

  /** Sessions that ended in an error, of any kind ({@code voicewire_errors_total}). */
  private static long failures(String metrics) {
    Matcher m = Pattern.compile("(?m)^voicewire_errors_total\\{[^}]*} ([0-9.]+)$")
        .matcher(metrics);
    long n = 0;
    while (m.find()) {
      n += (long) Double.parseDouble(m.group(1));
    }
    return n;
  }

  /** A provider without voices, else {@code inner}. */
  private static final class Voiceless extends ForwardingSpeechProvider {
    Voiceless(SpeechProvider inner) {
      super(inner);
    }

    @Override
    public List<VoiceInfo> voices() {
      return List.of();
    }
  }
}
