package io.voicewire.client.internal;

import io.voicewire.protocol.Json;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A {@link Connection} on the JDK WebSocket. One-shot: its {@code terminal} flag, once set, is
 * final.
 *
 * <p>Concurrency: {@link #lock} guards the fields below it and is never held across a call into
 * the WebSocket or the listener. Writes run on {@link #writer}, one at a time (the JDK allows one
 * pending text send). Reader callbacks come serially from the JDK; the listener must not block
 * them. The heartbeat runs on the scheduler.
 */
final class JdkWebSocketConnection implements Connection, WebSocket.Listener {
  /** Largest inbound message, in chars: a 16 MiB base64 audio string plus its JSON. */
  static final int MAX_MESSAGE_CHARS = Json.MAX_STRING_CHARS + 64 * 1024;

  private final URI uri;
  private final ConnectionListener listener;
  private final ScheduledExecutorService scheduler;
  private final Executor writer;
  private final long pingIntervalMillis;
  private final long closeTimeoutMillis;
  private final LongSupplier nanoClock;

  private final ReentrantLock lock = new ReentrantLock();
  private CompletableFuture<WebSocket> pending;
  private WebSocket ws;
  private final ArrayDeque<Object> outgoing = new ArrayDeque<>();
  private long queuedChars;
  private boolean writing;
  private boolean closeEnqueued;
  private boolean terminal;
  private boolean readPaused;
  private boolean demandOutstanding;
  private boolean awaitingPong;
  private int sentPings;
  private int receivedPongs;
  private long pingSentNanos;
  private ScheduledFuture<?> pingTask;
  private ScheduledFuture<?> cancelTask;

  /** Reader-thread only: the text of a message arriving in several frames. */
  private StringBuilder partial;

  private record CloseFrame(int code, String reason) {}

  JdkWebSocketConnection(URI uri, ConnectionListener listener, ScheduledExecutorService scheduler,
      Executor writer, long pingIntervalMillis, long closeTimeoutMillis, LongSupplier nanoClock) {
    this.uri = uri;
    this.listener = listener;
    this.scheduler = scheduler;
    this.writer = writer;
    this.pingIntervalMillis = pingIntervalMillis;
    this.closeTimeoutMillis = closeTimeoutMillis;
    this.nanoClock = nanoClock;
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
    lock.lock();
    try {
      pending = f;
    } finally {
      lock.unlock();
    }
    f.whenComplete((w, ex) -> {
      if (ex != null) {
        Throwable cause = unwrap(ex);
        failed(cause, handshakeStatus(cause));
      }
    });
  }

  @Override
  public String describe() {
    return Urls.redact(uri);
  }

  // --- outbound ---

  @Override
  public boolean send(String text) {
    boolean kick;
    lock.lock();
    try {
      if (terminal || closeEnqueued) {
        return false;
      }
      if (queuedChars + text.length() > MAX_QUEUED_CHARS) {
        return false;
      }
      outgoing.add(text);
      queuedChars += text.length();
      kick = ws != null && !writing;
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

  @Override
  public long queuedChars() {
    lock.lock();
    try {
      return queuedChars;
    } finally {
      lock.unlock();
    }
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
      w = ws;
    } finally {
      lock.unlock();
    }
    if (next instanceof String s) {
      // an array-backed buffer: the JDK encodes a String's chars one at a time through the
      // generic CharBuffer path, which was half the relay's CPU at 100 streams
      w.sendText(CharBuffer.wrap(s.toCharArray()), true).whenComplete((x, ex) -> {
        if (ex != null) {
          failed(unwrap(ex), 0);
          return;
        }
        lock.lock();
        try {
          queuedChars -= s.length();
        } finally {
          lock.unlock();
        }
        kickWriter();
      });
    } else {
      CloseFrame cf = (CloseFrame) next;
      w.sendClose(cf.code(), cf.reason()).whenComplete((x, ex) -> {
        if (ex != null) {
          failed(unwrap(ex), 0);
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
      if (terminal || closeEnqueued) {
        return false;
      }
      closeEnqueued = true;
      connecting = ws == null;
      if (!connecting) {
        outgoing.add(new CloseFrame(code, reason == null ? "" : reason));
        kick = !writing;
        if (kick) {
          writing = true;
        }
        try {
          cancelTask = scheduler.schedule(() -> failed(new SocketTimeoutException(
              "peer did not close within " + closeTimeoutMillis + " ms of our close frame"), 0),
              closeTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException clientClosed) {
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

  @Override
  public void cancel() {
    failed(new IOException("Canceled"), 0);
  }

  // --- inbound flow control ---

  @Override
  public void pauseReading() {
    lock.lock();
    try {
      readPaused = true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void resumeReading() {
    WebSocket w;
    lock.lock();
    try {
      if (!readPaused) {
        return;
      }
      readPaused = false;
      if (terminal || ws == null || demandOutstanding) {
        return;
      }
      demandOutstanding = true;
      w = ws;
    } finally {
      lock.unlock();
    }
    w.request(1);
  }

  private void afterMessage(WebSocket w) {
    lock.lock();
    try {
      if (terminal) {
        return;
      }
      if (readPaused) {
        demandOutstanding = false;
        return;
      }
      demandOutstanding = true;
    } finally {
      lock.unlock();
    }
    w.request(1);
  }

  // --- WebSocket.Listener ---

  @Override
  public void onOpen(WebSocket w) {
    boolean kick;
    boolean demand;
    lock.lock();
    try {
      if (terminal) {
        w.abort();
        return;
      }
      ws = w;
      if (pingIntervalMillis > 0) {
        try {
          pingTask = scheduler.scheduleAtFixedRate(this::ping, pingIntervalMillis,
              pingIntervalMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException clientClosed) {
          terminal = true; // reported below
        }
      }
      kick = !writing && !outgoing.isEmpty();
      if (kick) {
        writing = true;
      }
      demand = !readPaused;
      demandOutstanding = demand;
    } finally {
      lock.unlock();
    }
    if (terminal) {
      w.abort();
      listener.onFailure(this, new IOException("the client is shutting down"), 0);
      return;
    }
    listener.onOpen(this);
    if (kick) {
      kickWriter();
    }
    if (demand) {
      w.request(1);
    }
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
    if (!isTerminal()) {
      listener.onMessage(this, message);
    }
    afterMessage(w);
    return null;
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
    // the protocol has no binary messages (PROTOCOL.md §1.2): ignore them
    afterMessage(w);
    return null;
  }

  @Override
  public CompletionStage<?> onPing(WebSocket w, ByteBuffer message) {
    afterMessage(w); // the JDK answers with a pong itself
    return null;
  }

  @Override
  public CompletionStage<?> onPong(WebSocket w, ByteBuffer message) {
    long rtt;
    lock.lock();
    try {
      awaitingPong = false;
      receivedPongs++;
      rtt = nanoClock.getAsLong() - pingSentNanos;
    } finally {
      lock.unlock();
    }
    listener.onRoundTrip(rtt);
    afterMessage(w);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
    lock.lock();
    try {
      if (terminal) {
        return null;
      }
      terminal = true;
      cancelTimers();
    } finally {
      lock.unlock();
    }
    listener.onClosed(this, statusCode, reason == null ? "" : reason);
    return null; // the JDK now answers with its own close frame if it has not sent one
  }

  @Override
  public void onError(WebSocket w, Throwable error) {
    failed(error, 0);
  }

  // --- heartbeat ---

  private void ping() {
    WebSocket w;
    int pongs;
    boolean missed;
    lock.lock();
    try {
      if (terminal || ws == null) {
        return;
      }
      if (readPaused) {
        // we stopped reading on purpose (back-pressure): a pong could not be read, so it is not
        // missed; skip this beat
        awaitingPong = false;
        return;
      }
      missed = awaitingPong;
      pongs = receivedPongs;
      if (!missed) {
        awaitingPong = true;
        sentPings++;
        pingSentNanos = nanoClock.getAsLong();
      }
      w = ws;
    } finally {
      lock.unlock();
    }
    if (missed) {
      failed(new SocketTimeoutException("sent ping but didn't receive pong within "
          + pingIntervalMillis + "ms (after " + pongs + " successful ping/pongs)"), 0);
      return;
    }
    w.sendPing(ByteBuffer.allocate(0)).whenComplete((x, ex) -> {
      if (ex != null && !(unwrap(ex) instanceof IllegalStateException)) {
        failed(unwrap(ex), 0);
      }
    });
  }

  /** For testing: pings sent. */
  int sentPingCount() {
    lock.lock();
    try {
      return sentPings;
    } finally {
      lock.unlock();
    }
  }

  /** For testing: pongs received. */
  int receivedPongCount() {
    lock.lock();
    try {
      return receivedPongs;
    } finally {
      lock.unlock();
    }
  }

  // --- failure ---

  private boolean isTerminal() {
    lock.lock();
    try {
      return terminal;
    } finally {
      lock.unlock();
    }
  }

  private void cancelTimers() {
    assert lock.isHeldByCurrentThread();
    if (pingTask != null) {
      pingTask.cancel(false);
    }
    if (cancelTask != null) {
      cancelTask.cancel(false);
    }
  }

  private void failed(Throwable error, int httpStatus) {
    WebSocket w;
    CompletableFuture<WebSocket> p;
    lock.lock();
    try {
      if (terminal) {
        return;
      }
      terminal = true;
      cancelTimers();
      w = ws;
      p = pending;
      outgoing.clear();
      queuedChars = 0;
    } finally {
      lock.unlock();
    }
    if (w != null) {
      w.abort();
    } else if (p != null) {
      p.cancel(true);
    }
    listener.onFailure(this, error, httpStatus);
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  static int handshakeStatus(Throwable t) {
    if (t instanceof WebSocketHandshakeException h && h.getResponse() != null) {
      return h.getResponse().statusCode();
    }
    if (t instanceof CancellationException) {
      return 0;
    }
    return 0;
  }
}
