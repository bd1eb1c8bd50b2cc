package io.voicewire.client.internal.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.client.CodedSpeechProvider;
import io.voicewire.server.VoicewireServer;
import java.lang.reflect.Field;
import java.net.URI;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.eclipse.jetty.websocket.core.WebSocketConnection;
import org.eclipse.jetty.websocket.core.WebSocketCoreSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link MaskKeys} against a real server: each Jetty client connection masks its frames with a
 * generator of its own (no JVM-wide lock per frame), and the server takes those frames.
 */
@Timeout(30)
class MaskKeysTest {
  final CodedSpeechProvider provider = new CodedSpeechProvider(12, 0);
  final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  final JettyWebSocketConnector connector = new JettyWebSocketConnector(
      WebSocketConnectionTest.timing(scheduler, 0, 1000));
  VoicewireServer server;
  int port;

  @BeforeEach
  void start() throws Exception {
    server = VoicewireServer.create(c -> c.provider(provider));
    port = server.start(0);
  }

  @AfterEach
  void stop() {
    connector.close();
    server.close();
    provider.close();
    scheduler.shutdownNow();
  }

  private Connection open(WebSocketConnectionTest.Events e) throws Exception {
    Connection c = connector.connect(URI.create("ws://127.0.0.1:" + port
        + "/v1/speech-to-text/realtime?model_id=m&audio_format=pcm_16000"), Map.of(), e);
    e.open.get(5, TimeUnit.SECONDS);
    return c;
  }

  /** The mask generator of a connection's Jetty socket. */
  private static Object generator(Connection c) throws Exception {
    WebSocketSession s = (WebSocketSession) ((JettyWebSocketConnection) c).socket();
    WebSocketConnection wc = ((WebSocketCoreSession) s.getCoreSession()).getConnection();
    Field f = WebSocketConnection.class.getDeclaredField("random");
    f.setAccessible(true);
    return f.get(wc);
  }

  @Test
  void eachConnectionMasksWithItsOwnDrbgAndTheServerTakesTheFrames() throws Exception {
    assertTrue(MaskKeys.installed(), "the test class path lets the generator be replaced");
    WebSocketConnectionTest.Events e1 = new WebSocketConnectionTest.Events();
    WebSocketConnectionTest.Events e2 = new WebSocketConnectionTest.Events();
    Connection a = open(e1);
    Connection b = open(e2);
    Object ga = generator(a);
    Object gb = generator(b);
    assertEquals("DRBG", assertInstanceOf(SecureRandom.class, ga).getAlgorithm());
    assertEquals("DRBG", assertInstanceOf(SecureRandom.class, gb).getAlgorithm());
    assertNotSame(ga, gb, "no generator (and no lock) shared between connections");

    // 20 ms of 16 kHz PCM per frame, every frame masked with a key from the new generator
    String chunk = "{\"message_type\":\"input_audio_chunk\",\"audio_base_64\":\""
        + Base64.getEncoder().encodeToString(new byte[640]) + "\",\"sample_rate\":16000}";
    for (int i = 0; i < 200; i++) {
      assertTrue(a.send(chunk), "frame " + i);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (a.queuedChars() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(0, a.queuedChars(), "every frame written");
    assertTrue(a.close(1000, "bye"));
    assertEquals("closed 1000", e1.terminal.get(5, TimeUnit.SECONDS),
        "the server took every masked frame and closed normally");
    assertTrue(b.close(1000, "bye"));
    assertEquals("closed 1000", e2.terminal.get(5, TimeUnit.SECONDS));
  }
}
