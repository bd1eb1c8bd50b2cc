package io.voicewire.client.internal.stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.client.ClientTestAccess;
import io.voicewire.client.ConnectionStatus;
import io.voicewire.client.RecordingTtsListener;
import io.voicewire.client.ReconnectPolicy;
import io.voicewire.client.VoiceClient;
import io.voicewire.client.internal.transport.Connection;
import io.voicewire.client.internal.transport.ConnectionListener;
import io.voicewire.client.internal.transport.Connector;
import io.voicewire.client.internal.transport.InMemoryConnector;
import io.voicewire.speech.TtsRequest;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tier (b): a connection's events reach the stream in the order the connection produced them,
 * whichever thread reports them. The case that broke ({@code RelayContractTest}, about one run in
 * 25): a relay's thread ended its upstream stream, and the end-of-input went out under the
 * stream's lock; the reader meanwhile read the server's {@code isFinal} (submitted: the lock was
 * held) and then its close, whose answer Jetty's flusher wrote, and completed, on the relay's
 * thread, still inside the lock. That close ran at once, ahead of the {@code isFinal}, and a
 * stream that had all its audio failed with "the server closed the connection (1000)".
 */
@Timeout(30)
class ConnectionEventOrderTest {

  @Test
  void aCloseReportedOnTheLockHoldersThreadComesAfterTheIsFinalReadBeforeIt() throws Exception {
    AtomicReference<ConnectionListener> events = new AtomicReference<>();
    InMemoryConnector silent = new InMemoryConnector(n -> (end, text) -> { });
    Connector capturing = (uri, headers, l) -> {
      events.set(l);
      return silent.connect(uri, headers, l);
    };
    VoiceClient.Builder b = VoiceClient.builder().baseUrl("http://test.invalid").apiKey("k")
        .reconnectPolicy(ReconnectPolicy.NEVER).pingInterval(Duration.ZERO);
    try (VoiceClient client = ClientTestAccess.connector(b, capturing).build()) {
      RecordingTtsListener l = new RecordingTtsListener();
      RealTtsStream s = (RealTtsStream) client.newTtsStream(TtsRequest.builder("voice1").build(),
          l);
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (s.status().state() != ConnectionStatus.State.OPEN) {
        assertTrue(System.nanoTime() < deadline, "not open: " + s.status());
        Thread.sleep(5);
      }
      Connection c = s.sup.call(s.sup::connection);
      assertTrue(s.send("Hello relay. ")); // unvoiced: a close before the isFinal fails the stream
      s.sup.run(() -> {
        assertTrue(s.end()); // the end of input goes out with the lock held
        Thread reader = new Thread(() -> events.get().onMessage(c, "{\"isFinal\":true}"),
            "reader");
        reader.start();
        try {
          reader.join(10_000);
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
        events.get().onClosed(c, 1000, ""); // the close's write completed on this thread
      });
      l.await(10).assertCompleted();
    }
  }
}
