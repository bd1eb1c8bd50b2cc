package io.voicewire.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A raw Scribe realtime client (the JDK's WebSocket, no SDK) for relay tests: its audio frames
 * put {@code audio_base_64} first, an order no SDK encoder produces, so a test can tell a frame
 * that was forwarded as received from one the relay made again. It records every text frame it
 * receives and the close.
 */
public final class RawScribeClient implements WebSocket.Listener, AutoCloseable {
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> texts = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  private WebSocket ws;

  /** Connects to {@code wsUrl} (path and query included) with {@code apiKey} (or none). */
  public static RawScribeClient open(String wsUrl, String apiKey) throws Exception {
    RawScribeClient c = new RawScribeClient();
    WebSocket.Builder b = c.http.newWebSocketBuilder();
    if (apiKey != null) {
      b.header("xi-api-key", apiKey);
    }
    c.ws = b.buildAsync(URI.create(wsUrl), c).get(10, TimeUnit.SECONDS);
    return c;
  }

  /** The audio frame of {@code audio} as this client writes it. */
  public static String frame(byte[] audio) {
    return "{\"audio_base_64\":\"" + Base64.getEncoder().encodeToString(audio)
        + "\",\"sample_rate\":16000,\"message_type\":\"input_audio_chunk\",\"commit\":false}";
  }

  /** Sends {@code audio} in frames of {@code frameBytes}. */
  public void sendAudio(byte[] audio, int frameBytes) throws Exception {
    for (int i = 0; i < audio.length; i += frameBytes) {
      byte[] part = java.util.Arrays.copyOfRange(audio, i, Math.min(audio.length, i + frameBytes));
      ws.sendText(frame(part), true).get(10, TimeUnit.SECONDS);
    }
  }

  /** Sends a commit with no audio. */
  public void commit() throws Exception {
    ws.sendText("{\"message_type\":\"input_audio_chunk\",\"audio_base_64\":\"\",\"commit\":true,"
        + "\"sample_rate\":16000}", true).get(10, TimeUnit.SECONDS);
  }

  /** Sends a normal close and waits (bounded) for the server's; returns its code. */
  public int closeAndAwait(long seconds) throws Exception {
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    return closed.get(seconds, TimeUnit.SECONDS);
  }

  /** Waits (bounded) until {@code n} messages of {@code messageType} have arrived. */
  public void awaitCount(String messageType, int n, long seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (ofType(messageType).size() < n) {
      if (System.nanoTime() > deadline || closed.isDone()) {
        throw new AssertionError(n + " " + messageType + " expected within " + seconds
            + " s: " + texts);
      }
      Thread.sleep(10);
    }
  }

  /** The text frames received so far. */
  public List<String> texts() {
    return new ArrayList<>(texts);
  }

  /** The received messages of {@code messageType}, in order. */
  public List<String> ofType(String messageType) {
    String key = "\"message_type\":\"" + messageType + "\"";
    return texts.stream().filter(t -> t.contains(key)).toList();
  }

  @Override
  public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      texts.add(partial.toString());
      partial.setLength(0);
    }
    w.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
    closed.complete(code);
    return null;
  }

  @Override
  public void onError(WebSocket w, Throwable error) {
    closed.completeExceptionally(error);
  }

  @Override
  public void close() {
    if (ws != null) {
      ws.abort();
    }
    http.close();
  }
}
