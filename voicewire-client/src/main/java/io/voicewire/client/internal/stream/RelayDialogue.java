package io.voicewire.client.internal.stream;

import io.voicewire.client.internal.ClientContext;
import io.voicewire.client.internal.Urls;
import io.voicewire.client.internal.transport.Connection;
import io.voicewire.client.internal.transport.ConnectionListener;
import io.voicewire.protocol.CloseCodes;
import io.voicewire.protocol.Query;
import io.voicewire.protocol.TokenType;
import io.voicewire.speech.DialogueRelay;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The relay's upstream Text-to-Dialogue socket ({@link DialogueRelay.Upstream}): one connection
 * to the same dialogue endpoint upstream, opened on the blocking executor (a single-use token is
 * fetched there when the client has a token supplier), the messages sent before it opened
 * written in order once it has, the upstream's messages handed on as received.
 *
 * <p>No reconnect: a dialogue's turns are the upstream's, and a line re-sent after a drop could
 * be voiced twice, so a dropped upstream is a failure ({@link DialogueRelay.Listener#onFailure});
 * docs/server.md describes what a client keeps.
 *
 * <p>Paced like the relay's TTS streams: while the relay's client has
 * {@link RealTtsStream#RELAY_MAX_BACKLOG_MILLIS} of audio still to take
 * ({@link DialogueRelay.Listener#backlogMillis}), the upstream socket is not read (TCP then slows
 * the upstream down), and a check on the client's tick grid reads on once the client caught up. Thread safe: the state is guarded by this
 * object's monitor, which is never held while the listener runs or a connection is called.
 */
public final class RelayDialogue implements DialogueRelay.Upstream, ConnectionListener {
  /** Most characters of messages waiting for the upstream socket to open. */
  static final long MAX_PENDING_CHARS = 1024 * 1024;

  private final DialogueRelay.Listener listener;
  private final ClientContext ctx;
  // guarded by this
  private ScheduledFuture<?> readOnCheck;
  private final ArrayDeque<String> pending = new ArrayDeque<>();
  private long pendingChars;
  private Connection conn;
  private boolean open;
  private boolean closeWanted;
  private boolean done;

  private RelayDialogue(DialogueRelay.Listener listener, ClientContext ctx) {
    this.listener = listener;
    this.ctx = ctx;
  }

  /** Opens {@code /v1/text-to-dialogue/(multi-)stream-input?query} upstream of {@code ctx}. */
  public static DialogueRelay.Upstream open(ClientContext ctx, boolean multi, String query,
      DialogueRelay.Listener listener) {
    RelayDialogue r = new RelayDialogue(listener, ctx);
    ctx.blockingExecutor().execute(() -> r.connect(ctx, multi, query));
    return r;
  }

  private void connect(ClientContext ctx, boolean multi, String query) {
    String q = query == null ? "" : query;
    Map<String, String> headers = new LinkedHashMap<>();
    try {
      if (ctx.tokenSupplier() != null) {
        String t = Query.builder().add(TokenType.TTS_WEBSOCKET.queryParam(),
            ctx.tokenSupplier().token(TokenType.TTS_WEBSOCKET)).build();
        q = q.isEmpty() ? t : q + "&" + t;
      }
    } catch (Exception e) {
      terminal(() -> listener.onFailure(new SpeechError(ErrorCode.AUTH_ERROR,
          "could not get a single-use token: " + e)));
      return;
    }
    if (ctx.apiKey() != null) {
      headers.put("xi-api-key", ctx.apiKey());
    }
    URI uri = Urls.toWebSocket(Urls.resolve(ctx.baseUrl(), "/v1/text-to-dialogue/"
        + (multi ? "multi-stream-input" : "stream-input") + (q.isEmpty() ? "" : "?" + q)));
    Connection c;
    try {
      c = ctx.connector().connect(uri, headers, this);
    } catch (RuntimeException e) {
      terminal(() -> listener.onFailure(Failure.classifyFailure(e, 0).error()));
      return;
    }
    boolean cancel;
    synchronized (this) {
      cancel = done;
      conn = c;
    }
    if (cancel) {
      c.cancel();
    }
  }

  @Override
  public boolean send(String json) {
    Connection c;
    synchronized (this) {
      if (done || closeWanted) {
        return false;
      }
      if (!open) {
        if (pendingChars + json.length() > MAX_PENDING_CHARS) {
          return false;
        }
        pending.add(json);
        pendingChars += json.length();
        return true;
      }
      c = conn;
    }
    return c.send(json);
  }

  @Override
  public void close() {
    Connection c;
    boolean openNow;
    synchronized (this) {
      if (closeWanted || done) {
        return;
      }
      closeWanted = true;
      stopReadOnCheck();
      c = conn;
      openNow = open;
      done = !openNow; // still connecting: no event follows; connect() cancels what it opens
    }
    if (c != null && openNow) {
      c.close(CloseCodes.NORMAL, "");
    } else if (c != null) {
      c.cancel();
    }
  }

  @Override
  public void onOpen(Connection c) {
    // the pending messages go first, in order: Connection.send only queues (it never blocks
    // and may be called under a lock), and later sends wait on the monitor meanwhile
    synchronized (this) {
      if (done) {
        return;
      }
      c.holdReadsWhile(() -> listener.backlogMillis() >= RealTtsStream.RELAY_MAX_BACKLOG_MILLIS);
      long tick = TimeUnit.MILLISECONDS.toNanos(ConnectionSupervisor.TICK_MILLIS);
      try {
        readOnCheck = ctx.scheduler().scheduleAtFixedRate(() -> {
          if (c.readsHeld()) {
            c.releaseHeldReads(); // reads on if the client caught up (no lock held here)
          }
        }, TickGrid.firstDelayNanos(System.nanoTime(), tick), tick, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException clientClosed) {
        // the client is closing: its connections end with it
      }
      while (!pending.isEmpty()) {
        c.send(pending.poll()); // a queue of Connection.MAX_QUEUED_CHARS: these always fit
      }
      pendingChars = 0;
      open = true;
    }
  }

  @Override
  public void onMessage(Connection c, String text) {
    synchronized (this) {
      if (done) {
        return;
      }
    }
    listener.onMessage(text);
  }

  @Override
  public void onClosed(Connection c, int code, String reason) {
    terminal(() -> listener.onClosed(code, reason));
  }

  @Override
  public void onFailure(Connection c, Throwable error, int httpStatus) {
    terminal(() -> listener.onFailure(Failure.classifyFailure(error, httpStatus).error()));
  }

  /** Runs the terminal event once, unless this side closed or cancelled first. */
  private void terminal(Runnable event) {
    synchronized (this) {
      if (done) {
        return;
      }
      done = true;
      pending.clear();
      stopReadOnCheck();
    }
    event.run();
  }

  /** Ends the pacing check. Under the monitor. */
  private void stopReadOnCheck() {
    if (readOnCheck != null) {
      readOnCheck.cancel(false);
      readOnCheck = null;
    }
  }
}
