package io.voicewire.client.internal.transport;

import io.voicewire.protocol.CloseCodes;
import io.voicewire.protocol.internal.MessageFrames;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Frame;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.exceptions.BadPayloadException;
import org.eclipse.jetty.websocket.api.exceptions.MessageTooLargeException;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.eclipse.jetty.websocket.common.WebSocketSession;

/**
 * A {@link Connection} on Jetty's WebSocket client, for servers (the relay): no writer thread and
 * no hand-off per message. Jetty's sends are asynchronous and never block, so a send goes to
 * Jetty's frame queue on the caller's thread, in order; inbound messages are read on demand, one
 * at a time, and delivered on Jetty's I/O thread. One-shot: once {@code terminal} is set it stays.
 *
 * <p>Concurrency: the base's {@code lock} guards the fields here, never across a listener call nor
 * across a send's hand-over to Jetty; {@code sendOrder} keeps concurrent sends (and the close after
 * them) in order during that non-blocking hand-over.
 * A send that fails reports the failure from the scheduler, never from inside the send. The
 * heartbeat runs on the scheduler. Public only because Jetty invokes the listener methods
 * reflectively.
 */
public final class JettyWebSocketConnection extends BaseConnection<Session>
    implements Session.Listener {
  /**
   * Orders senders' hand-over to Jetty (a send, then the close) without the state lock, which is
   * then never held across Jetty's write (that may run the socket write on the caller's thread):
   * the reader's per-message demand does not wait for a sender. Taken before the state lock, never
   * while holding it.
   */
  private final ReentrantLock sendOrder = new ReentrantLock();
  /** Messages sent before the socket opened, in order. */
  private final ArrayDeque<String> early = new ArrayDeque<>();

  // Jetty's reader only (one frame at a time), set on open
  private Session reading;
  /** The data messages being read, from their frames. */
  private MessageFrames messages;

  JettyWebSocketConnection(URI uri, ConnectionListener listener, ConnectionTiming timing) {
    super(uri, listener, timing);
  }

  void start(WebSocketClient client, Map<String, String> headers) {
    ClientUpgradeRequest req = new ClientUpgradeRequest();
    headers.forEach((k, v) -> req.setHeader(k, v));
    CompletableFuture<Session> f;
    try {
      f = client.connect(this, uri, req);
    } catch (IOException | RuntimeException e) {
      failed(e, 0);
      return;
    }
    handshakeStarted(f);
  }

  // --- outbound ---

  @Override
  public boolean send(String text) {
    sendOrder.lock();
    try {
      Session s;
      lock.lock();
      try {
        if (!admitLocked(text.length())) {
          return false;
        }
        s = socket;
        if (s == null) {
          early.add(text);
          return true;
        }
      } finally {
        lock.unlock();
      }
      write(s, text);
      return true;
    } finally {
      sendOrder.unlock();
    }
  }

  /**
   * Hands one message to Jetty. {@link #sendOrder} held (keeps the order of concurrent senders),
   * or the state lock at open (the messages sent before it).
   */
  private void write(Session s, String text) {
    int n = text.length();
    try {
      s.sendText(text, Callback.from(() -> written(n), this::writeFailed));
    } catch (RuntimeException e) {
      writeFailed(e);
    }
  }

  /**
   * A text message given as its UTF-8 bytes goes to Jetty as they are: the frame Jetty's
   * {@code sendText} makes (the same core {@code sendFrame}, opcode, callback and no batching),
   * without the {@code String}'s encoding into a new array. Jetty only reads the bytes (a masked
   * frame is masked into a buffer of its own), when its flusher generates the frame, which may be
   * after this returns: {@code done} runs from the write's callback, which Jetty calls once the
   * frame was written or failed (a connection that closes fails what it still had queued).
   */
  @Override
  public boolean sendUtf8(byte[] b, int off, int len, Runnable done) {
    sendOrder.lock();
    try {
      Session s;
      boolean taken = true;
      lock.lock();
      try {
        s = socket;
        if (!admitLocked(len)) {
          taken = false;
          s = null;
        } else if (s == null) {
          early.add(new String(b, off, len, StandardCharsets.UTF_8)); // before open only
        }
      } finally {
        lock.unlock();
      }
      if (s == null) {
        done.run(); // refused, or copied
        return taken;
      }
      write(s, b, off, len, done);
      return true;
    } finally {
      sendOrder.unlock();
    }
  }

  /** {@link #write(Session, String)} for a message's bytes. {@link #sendOrder} held. */
  private void write(Session s, byte[] b, int off, int len, Runnable done) {
    try {
      if (s instanceof WebSocketSession ws) {
        ws.getCoreSession().sendFrame(new org.eclipse.jetty.websocket.core.Frame(OpCode.TEXT)
            .setPayload(ByteBuffer.wrap(b, off, len)),
            org.eclipse.jetty.util.Callback.from(() -> {
              done.run();
              written(len);
            }, t -> {
              done.run();
              writeFailed(t);
            }), false);
      } else { // not Jetty's own session: as a string
        String text = new String(b, off, len, StandardCharsets.UTF_8);
        done.run();
        s.sendText(text, Callback.from(() -> written(len), this::writeFailed));
      }
    } catch (RuntimeException e) {
      // Jetty may or may not hold the frame: done is not run, the bytes are left to the GC
      writeFailed(e);
    }
  }

  private void written(int chars) {
    wrote();
    writtenChars(chars);
  }

  private void writeFailed(Throwable t) {
    // possibly inside send(), under the caller's locks: report from another thread
    try {
      timing.scheduler().execute(() -> failed(t, 0));
    } catch (RejectedExecutionException clientClosed) {
      failed(t, 0);
    }
  }

  @Override
  public boolean close(int code, String reason) {
    Session s;
    sendOrder.lock(); // after every message admitted before it
    lock.lock();
    try {
      if (!closeRequestedLocked()) {
        return false;
      }
      s = socket;
      if (s != null && !scheduleCloseTimeoutLocked()) {
        s = null; // the client is shutting down: no graceful close
      }
      if (s != null) {
        // queued behind the messages already handed to Jetty
        s.close(code, reason == null ? "" : reason, Callback.NOOP);
      }
    } finally {
      lock.unlock();
      sendOrder.unlock();
    }
    if (s == null) {
      failed(new IOException("closed while connecting, or the client is shutting down"), 0);
    }
    return true;
  }

  // --- transport hooks ---

  @Override
  void demand(Session s) {
    s.demand();
  }

  @Override
  void ping(Session s, ByteBuffer payload) {
    s.sendPing(payload, Callback.NOOP);
  }

  @Override
  void abort(Session s) {
    s.disconnect();
  }

  @Override
  void clearOutbound() {
    early.clear();
  }

  // --- Session.Listener (Jetty's I/O threads, one event at a time) ---

  @Override
  public void onWebSocketOpen(Session s) {
    reading = s;
    messages = MessageFrames.keepingLarge(s.getMaxTextMessageSize(), // the server: trusted
        s.getMaxBinaryMessageSize());
    MaskKeys.install(s); // before the first frame of ours
    opened(s, () -> {
      for (String text; (text = early.poll()) != null; ) {
        write(s, text);
      }
      return false;
    }, () -> { });
  }

  /**
   * Every frame (Jetty calls this before its own handling, and has no message sink of its own
   * here, so data frames are all ours): a text message is assembled from its frames
   * ({@link MessageFrames}) instead of by Jetty's {@code StringMessageSink}, which allocates a
   * builder as large as the input buffer per message. With the sinks' checks: a message over the
   * maximum size, or a text that is not UTF-8, fails the connection. Binary messages are ignored
   * (the protocol has none, PROTOCOL.md §1.2). With a frame handler Jetty's API layer leaves every
   * frame to it (no sinks, no automatic pong; the core still runs the close handshake): a ping is
   * answered here as Jetty did, a pong times the heartbeat.
   */
  @Override
  public void onWebSocketFrame(Frame frame, Callback cb) {
    byte op = frame.getOpCode();
    if (op == OpCode.PING) {
      Session s = reading;
      s.sendPong(frame.hasPayload() ? frame.getPayload() : ByteBuffer.allocate(0),
          Callback.from(() -> {
            cb.succeed();
            s.demand();
          }, x -> cb.succeed())); // output closed already: nothing to answer
      return;
    }
    if (op == OpCode.PONG) {
      try {
        pongReceived(frame.hasPayload() ? frame.getPayload() : ByteBuffer.allocate(0));
      } finally {
        cb.succeed();
      }
      return;
    }
    MessageFrames.Step step = messages.frame(op, frame.isFin(), frame.getPayload());
    cb.succeed();
    switch (step) {
      case MORE -> reading.demand(); // the rest of the message, as Jetty's message sinks do
      case TEXT -> received(messages.text());
      case BINARY -> afterMessage(); // a binary message, ignored
      // drops the socket, as Jetty's failed message did
      case TOO_LARGE -> failed(new MessageTooLargeException(messages.refusal()), 0);
      case NOT_UTF8 -> failed(new BadPayloadException(messages.refusal()), 0);
      case IGNORED -> { }
    }
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    if (statusCode == CloseCodes.ABNORMAL) {
      // Jetty's name for "the connection dropped without a close frame": a failure, as on the JDK
      failed(new IOException("connection lost"
          + (reason == null || reason.isEmpty() ? "" : ": " + reason)), 0);
      return;
    }
    closedByPeer(statusCode, reason);
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    failed(cause, handshakeStatus(cause));
  }

  /** The HTTP status of a refused handshake anywhere in the cause chain, else 0. */
  @Override
  int handshakeStatus(Throwable t) {
    for (int depth = 0; t != null && depth < 8; t = t.getCause(), depth++) {
      if (t instanceof UpgradeException u && u.getResponseStatusCode() > 0) {
        return u.getResponseStatusCode();
      }
      if (t instanceof org.eclipse.jetty.websocket.core.exception.UpgradeException u
          && u.getResponseStatusCode() > 0) {
        return u.getResponseStatusCode();
      }
    }
    return 0;
  }
}
