package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Closing has two phases: the server's close frame, then a forced disconnect when the peer never
 * answers it ({@code CloseFrame.CANCEL_AFTER_MILLIS}). An error close frame waits behind its
 * error message ({@code CloseFrame.ERROR_GRACE_MILLIS}), so a peer that is still sending reads
 * the error instead of a connection reset.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CloseHandshakeTest {

  @Test
  void aPeerThatNeverAnswersTheCloseIsDisconnected() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.create();
    try (ServerFixture f = ServerFixture.start(p);
         // a raw WebSocket; the bad query makes the server send an error and close
         Socket s = RawWebSocket.upgrade(f.port, "/v1/speech-to-text/realtime")) {
      boolean sawClose = false;
      long start = System.nanoTime();
      for (RawWebSocket.Frame frame; (frame = RawWebSocket.read(s)) != null; ) {
        if (frame.opcode() == 0x8) {
          sawClose = true; // and we never answer it
        }
      }
      assertTrue(sawClose, "the server sent a close frame first");
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(waited < 15_000, "disconnected after " + waited + " ms");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!f.server.metrics().contains("voicewire_sessions_active{kind=\"stt_realtime\"} 0.0\n")) {
        assertTrue(System.nanoTime() < deadline, "the session was not released");
        Thread.sleep(20);
      }
    } finally {
      p.close();
    }
  }

  @Test
  void aPeerThatKeepsSendingStillReadsTheErrorBeforeTheConnectionGoes() throws Exception {
    ToneSpeechProvider p = ToneSpeechProvider.create();
    HttpClient http = HttpClient.newHttpClient();
    String chunk = "{\"message_type\":\"input_audio_chunk\",\"audio_base_64\":\""
        + "A".repeat(640) + "\"}";
    try (ServerFixture f = ServerFixture.start(p, c -> c.apiKeys(List.of("the-right-key")))) {
      // without the grace, about one attempt in eight lost the error to a reset on a busy machine
      for (int attempt = 0; attempt < 25; attempt++) {
        CompletableFuture<String> first = new CompletableFuture<>();
        WebSocket ws = http.newWebSocketBuilder().header("xi-api-key", "a-wrong-key")
            .buildAsync(URI.create("ws://127.0.0.1:" + f.port + "/v1/speech-to-text/realtime?model_id=scribe_v2_realtime"),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    first.complete("text " + data);
                    w.request(1);
                    return null;
                  }

                  @Override
                  public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                    first.complete("close " + code);
                    return null;
                  }

                  @Override
                  public void onError(WebSocket w, Throwable error) {
                    first.complete("error " + error);
                  }
                }).get(10, TimeUnit.SECONDS);
        // keep sending, as a microphone does, until the socket refuses
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!first.isDone() && System.nanoTime() < deadline) {
          try {
            ws.sendText(chunk, true).get(5, TimeUnit.SECONDS);
          } catch (Exception refused) {
            break;
          }
        }
        String what = first.get(10, TimeUnit.SECONDS);
        assertTrue(what.startsWith("text ") && what.contains("auth_error"),
            "attempt " + attempt + ": " + what);
        ws.abort();
      }
    } finally {
      p.close();
    }
  }
}
