package io.voicewire.server;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicewire.protocol.internal.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real WebSocket client for tests (JDK {@link WebSocket}) that records every text message and
 * the close. With {@code autoRead} off it requests no messages until {@link #read(int)} is
 * called, so the server sees a client that reads slowly.
 */
final class WsClient implements WebSocket.Listener {
  /** The close code and reason. */
  record Close(int code, String reason) {}

  static final HttpClient HTTP = HttpClient.newHttpClient();
  /**
   * How long a test waits for a message, for a send to complete (the server reads no faster
   * than its engine takes audio: uplink back-pressure) or for the close: generous, for a busy
   * machine.
   */
  static final long WAIT_SECONDS = 30;

  final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
  final CompletableFuture<Close> closed = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  private final boolean autoRead;
  WebSocket ws;

  private WsClient(boolean autoRead) {
    this.autoRead = autoRead;
  }

  static WsClient connect(String url) throws Exception {
    return connect(url, Map.of(), true);
  }

  static WsClient connect(String url, Map<String, String> headers) throws Exception {
    return connect(url, headers, true);
  }

  static WsClient connect(String url, Map<String, String> headers, boolean autoRead)
      throws Exception {
    return connect(HTTP, url, headers, autoRead);
  }

  /** Connects through {@code http} (e.g. one bound to another local address). */
  static WsClient connect(HttpClient http, String url, Map<String, String> headers,
      boolean autoRead) throws Exception {
    WsClient c = new WsClient(autoRead);
    WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    headers.forEach(b::header);
    c.ws = b.buildAsync(URI.create(url), c).get(10, TimeUnit.SECONDS);
    return c;
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    if (autoRead) {
      webSocket.request(1);
    }
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      messages.add(partial.toString());
      partial.setLength(0);
    }
    if (autoRead || !last) {
      webSocket.request(1);
    }
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(new Close(statusCode, reason));
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.complete(new Close(1006, String.valueOf(error)));
  }

  /** Lets a non-auto-reading client take {@code n} more messages. */
  void read(int n) {
    ws.request(n);
  }

  void send(String text) throws Exception {
    ws.sendText(text, true).get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  void sendBinary(byte[] b) throws Exception {
    ws.sendBinary(ByteBuffer.wrap(b), true).get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /** The next message as JSON; fails after {@value #WAIT_SECONDS} s. */
  JsonNode next() throws Exception {
    String m = messages.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertNotNull(m, "no message within " + WAIT_SECONDS + " s");
    return Json.mapper().readTree(m);
  }

  /** Skips messages until one matches; fails after {@value #WAIT_SECONDS} s. */
  JsonNode next(Predicate<JsonNode> p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (System.nanoTime() < deadline) {
      String m = messages.poll(100, TimeUnit.MILLISECONDS);
      if (m != null) {
        JsonNode n = Json.mapper().readTree(m);
        if (p.test(n)) {
          return n;
        }
      }
    }
    fail("no matching message within " + WAIT_SECONDS + " s");
    return null;
  }

  /** Every message until the server closes, then the close. */
  List<JsonNode> untilClose() throws Exception {
    Close c = awaitClose();
    List<JsonNode> out = new ArrayList<>();
    String m;
    while ((m = messages.poll()) != null) {
      out.add(Json.mapper().readTree(m));
    }
    assertNotNull(c);
    return out;
  }

  Close awaitClose() throws Exception {
    return closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  void close() {
    if (!closed.isDone()) {
      ws.sendClose(1000, "test done");
      try {
        closed.get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        ws.abort();
      }
    }
  }
}
