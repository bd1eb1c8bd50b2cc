package io.voicewire.client.internal.transport;

import io.voicewire.protocol.internal.Json;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A {@link Connection} on the JDK WebSocket. One-shot: its {@code terminal} flag, once set, is
 * final.
 *
 * <p>Concurrency: the base's {@code lock} guards the fields here and is never held across a call
 * into the WebSocket or the listener. Writes run on {@link #writer}, one at a time (the JDK allows
 * one pending text send). Reader callbacks come serially from the JDK; the listener must not block
 * them. The heartbeat runs on the scheduler.
 */
final class JdkWebSocketConnection extends BaseConnection<WebSocket>
    implements WebSocket.Listener {
  /** Largest inbound message, in chars: a 16 MiB base64 audio string plus its JSON. */
  static final int MAX_MESSAGE_CHARS = Json.MAX_STRING_CHARS + 64 * 1024;

  private final Executor writer;

  private final ArrayDeque<Object> outgoing = new ArrayDeque<>();
  private boolean writing;

  /** Reader-thread only: the text of a message arriving in several frames. */
  private StringBuilder partial;

  private record CloseFrame(int code, String reason) {}

  JdkWebSocketConnection(URI uri, ConnectionListener listener, ConnectionTiming timing,
      Executor writer) {
    super(uri, listener, timing);
    this.writer = writer;
  }

  void start(HttpClient http, Duration connectTimeout, Map<String, String> headers) {
    WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(connectTimeout);
    headers.forEach(b::header);
    CompletableFuture<WebSocket> f;
    try {
      f = b.buildAsync(uri, this);
    } catch (RuntimeException e) {
      failed(e, 0);
      return;
    }
    handshakeStarted(f);
  }

  // --- outbound ---

  @Override
  public boolean send(String text) {
    boolean kick;
    lock.lock();
    try {
      if (!admitLocked(text.length())) {
        return false;
      }
      outgoing.add(text);
      kick = socket != null && !writing;
      if (kick) {
        writing = true;
      }
    } finally {
      lock.unlock();
    }
    if (kick) {
      kickWriter();
    }
    return true;
  }

  private void writeNext() {
    Object next;
    WebSocket w;
    lock.lock();
    try {
      if (terminal) {
        writing = false;
        return;
      }
      next = outgoing.poll();
      if (next == null) {
        writing = false;
        return;
      }
      w = socket;
    } finally {
      lock.unlock();
    }
    if (next instanceof String s) {
      // an array-backed buffer: the JDK encodes a String's chars one at a time through the
      // generic CharBuffer path, which was half the relay's CPU at 100 streams
      w.sendText(CharBuffer.wrap(s.toCharArray()), true).whenComplete((x, ex) -> {
        if (ex != null) {
          failed(Causes.unwrap(ex), 0);
          return;
        }
        wrote();
        writtenChars(s.length());
        kickWriter();
      });
    } else {
      CloseFrame cf = (CloseFrame) next;
      w.sendClose(cf.code(), cf.reason()).whenComplete((x, ex) -> {
        if (ex != null) {
          failed(Causes.unwrap(ex), 0);
        }
        lock.lock();
        try {
          writing = false;
        } finally {
          lock.unlock();
        }
      });
    }
  }

  private void kickWriter() {
    try {
      writer.execute(this::writeNext);
    } catch (RejectedExecutionException clientClosed) {
      failed(new IOException("the client is shutting down"), 0);
    }
  }

  @Override
  public boolean close(int code, String reason) {
    boolean kick;
    boolean connecting;
    lock.lock();
    try {
      if (!closeRequestedLocked()) {
        return false;
      }
      connecting = socket == null;
      if (!connecting) {
        outgoing.add(new CloseFrame(code, reason == null ? "" : reason));
        kick = !writing;
        if (kick) {
          writing = true;
        }
        if (!scheduleCloseTimeoutLocked()) {
          connecting = true; // the client is shutting down: no graceful close, abort below
        }
      } else {
        kick = false;
      }
    } finally {
      lock.unlock();
    }
    if (connecting) {
      failed(new IOException("closed while connecting, or the client is shutting down"), 0);
    } else if (kick) {
      kickWriter();
    }
    return true;
  }

  // --- transport hooks ---

  @Override
  void demand(WebSocket w) {
    w.request(1);
  }

  @Override
  void ping(WebSocket w, ByteBuffer payload) {
    w.sendPing(payload).whenComplete((x, ex) -> {
      if (ex != null && !(Causes.unwrap(ex) instanceof IllegalStateException)) {
        failed(Causes.unwrap(ex), 0);
      }
    });
  }

  @Override
  void abort(WebSocket w) {
    w.abort();
  }

  @Override
  void clearOutbound() {
    outgoing.clear();
  }

  // --- WebSocket.Listener ---

  @Override
  public void onOpen(WebSocket w) {
    opened(w, () -> {
      boolean kick = !writing && !outgoing.isEmpty();
      if (kick) {
        writing = true;
      }
      return kick;
    }, this::kickWriter);
  }

  @Override
  public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
    String message;
    if (partial == null && last) {
      message = data.toString();
    } else {
      if (partial == null) {
        partial = new StringBuilder(data.length() * 2);
      }
      partial.append(data);
      if (partial.length() > MAX_MESSAGE_CHARS) {
        partial = null;
        failed(new ProtocolException("message larger than " + MAX_MESSAGE_CHARS + " chars"), 0);
        return null;
      }
      if (!last) {
        w.request(1); // the rest of this message
        return null;
      }
      message = partial.toString();
      partial = null;
    }
    received(message);
    return null;
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
    // the protocol has no binary messages (PROTOCOL.md §1.2): ignore them
    afterMessage();
    return null;
  }

  @Override
  public CompletionStage<?> onPing(WebSocket w, ByteBuffer message) {
    afterMessage(); // the JDK answers with a pong itself
    return null;
  }

  @Override
  public CompletionStage<?> onPong(WebSocket w, ByteBuffer message) {
    pongReceived(message);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
    closedByPeer(statusCode, reason);
    return null; // the JDK now answers with its own close frame if it has not sent one
  }

  @Override
  public void onError(WebSocket w, Throwable error) {
    failed(error, 0);
  }

  @Override
  int handshakeStatus(Throwable t) {
    if (t instanceof WebSocketHandshakeException h && h.getResponse() != null) {
      return h.getResponse().statusCode();
    }
    return 0;
  }
}
