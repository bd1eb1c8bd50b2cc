package io.voicewire.bench.idle;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Child process of {@link IdleSessionBench}: opens N WebSocket sessions, sends each one's
 * opening message, prints {@code READY n} once every session has its first server message (or
 * is open, for TTS), then holds them open until standard input closes.
 *
 * <p>usage: {@code IdleClients <ws-url> <n> <stt|tts>}
 */
public final class IdleClients {
  private IdleClients() {}

  public static void main(String[] args) throws Exception {
    URI uri = URI.create(args[0]);
    int n = Integer.parseInt(args[1]);
    boolean tts = "tts".equals(args[2]);
    HttpClient http = HttpClient.newHttpClient();
    AtomicInteger ready = new AtomicInteger();
    List<CompletableFuture<WebSocket>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      WebSocket.Listener l = new WebSocket.Listener() {
        @Override
        public void onOpen(WebSocket ws) {
          if (tts) {
            ws.sendText("{\"text\":\" \"}", true);
            ready.incrementAndGet();
          }
          ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
          if (!tts && data.toString().contains("session_started")) {
            ready.incrementAndGet();
          }
          ws.request(1);
          return null;
        }
      };
      all.add(http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30))
          .buildAsync(uri, l));
      if (i % 100 == 99) {
        Thread.sleep(20);
      }
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (ready.get() < n && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    System.out.println("READY " + ready.get());
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
        StandardCharsets.UTF_8));
    while (in.readLine() != null) {
      // hold until the parent closes our stdin
    }
    for (CompletableFuture<WebSocket> f : all) {
      f.get().sendClose(1000, "done");
    }
  }
}
