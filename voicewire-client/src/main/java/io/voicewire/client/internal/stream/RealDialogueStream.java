package io.voicewire.client.internal.stream;

import io.voicewire.client.DialogueStream;
import io.voicewire.client.internal.ClientContext;
import io.voicewire.client.internal.Dispatcher;
import io.voicewire.client.internal.Urls;
import io.voicewire.client.internal.transport.Connection;
import io.voicewire.client.internal.transport.ConnectionListener;
import io.voicewire.protocol.DialogueClientMessage;
import io.voicewire.protocol.DialogueServerMessage;
import io.voicewire.protocol.ProtocolException;
import io.voicewire.protocol.Query;
import io.voicewire.protocol.TokenType;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsAudio;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

/**
 * The {@link DialogueStream} over one WebSocket, without reconnects. Messages sent before the
 * handshake completes wait (bounded by {@link #MAX_PENDING_MESSAGES}) and go out in order.
 *
 * <p>Thread safe: state under the instance monitor; connection calls and listener events outside
 * it (events through a {@link Dispatcher}, serially).
 */
public final class RealDialogueStream implements DialogueStream, ConnectionListener {
  /** Messages held until the handshake completes; more is refused ({@code false}). */
  static final int MAX_PENDING_MESSAGES = 1024;

  private enum State { CONNECTING, OPEN, ENDING, DONE }

  private final Listener listener;
  private final Dispatcher events;
  // guarded by this
  private final ArrayDeque<String> pending = new ArrayDeque<>();
  private State state = State.CONNECTING;
  private Connection conn;

  private RealDialogueStream(ClientContext ctx, Listener listener) {
    this.listener = listener;
    this.events = new Dispatcher(ctx.callbackExecutor(), "voicewire-dialogue", () -> {}, () -> {},
        () -> Thread.holdsLock(this));
  }

  /** Connects (the token, if any, is fetched on the blocking executor). */
  public static DialogueStream open(ClientContext ctx, Options options, Listener listener) {
    RealDialogueStream s = new RealDialogueStream(ctx, listener);
    try {
      ctx.blockingExecutor().execute(() -> s.connect(ctx, options));
    } catch (RejectedExecutionException e) {
      s.fail(new SpeechError(ErrorCode.ERROR, "the client was closed"));
    }
    return s;
  }

  private void connect(ClientContext ctx, Options o) {
    Query.Builder q = Query.builder();
    if (o.modelId() != null) {
      q.add("model_id", o.modelId());
    }
    if (o.outputFormat() != null) {
      q.add("output_format", o.outputFormat().wireName());
    }
    if (o.syncAlignment()) {
      q.add("sync_alignment", true);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    try {
      if (ctx.tokenSupplier() != null) {
        q.add(TokenType.TTS_WEBSOCKET.queryParam(),
            ctx.tokenSupplier().token(TokenType.TTS_WEBSOCKET));
      }
    } catch (Exception e) {
      fail(new SpeechError(ErrorCode.AUTH_ERROR, "could not get a single-use token: " + e));
      return;
    }
    if (ctx.apiKey() != null) {
      headers.put("xi-api-key", ctx.apiKey());
    }
    String query = q.build();
    URI uri = Urls.toWebSocket(Urls.resolve(ctx.baseUrl(), "/v1/text-to-dialogue/"
        + (o.multi() ? "multi-stream-input" : "stream-input") + (query.isEmpty() ? "" : "?"
            + query)));
    Connection c = ctx.connector().connect(uri, headers, this);
    boolean cancel;
    synchronized (this) {
      cancel = state == State.DONE;
      conn = c;
    }
    if (cancel) {
      c.cancel();
    }
  }

  @Override
  public boolean open(String contextId, List<String> voices) {
    return send(new DialogueClientMessage(contextId, List.of(), false, false, false, false,
        List.copyOf(voices), null, List.of(), null, null, null));
  }

  @Override
  public boolean say(String contextId, List<Line> lines, boolean flush) {
    return send(DialogueClientMessage.lines(contextId, lines.stream().map(l ->
        new DialogueClientMessage.Input(l.text(), l.voiceId(), l.newTurn())).toList(), flush));
  }

  @Override
  public boolean keepAlive(String contextId) {
    return send(DialogueClientMessage.control(contextId, false, false, false, true));
  }

  @Override
  public boolean closeContext(String contextId) {
    return send(DialogueClientMessage.control(contextId, false, true, false, false));
  }

  @Override
  public boolean end() {
    boolean ok = send(DialogueClientMessage.control(null, false, false, true, false));
    if (ok) {
      synchronized (this) {
        if (state == State.OPEN) {
          state = State.ENDING; // while connecting, onOpen sees the pending close_socket
        }
      }
    }
    return ok;
  }

  private boolean send(DialogueClientMessage m) {
    String json = m.encode();
    Connection c;
    synchronized (this) {
      if (state == State.CONNECTING) {
        if (pending.size() >= MAX_PENDING_MESSAGES) {
          return false;
        }
        pending.add(json);
        return true;
      }
      if (state != State.OPEN) {
        return false;
      }
      c = conn;
    }
    return c.send(json);
  }

  @Override
  public void cancel() {
    Connection c;
    synchronized (this) {
      if (state == State.DONE) {
        return;
      }
      state = State.DONE;
      c = conn;
    }
    if (c != null) {
      c.cancel();
    }
  }

  @Override
  public void close() {
    cancel();
  }

  // ------------------------------------------------------------ connection events

  @Override
  public void onOpen(Connection connection) {
    List<String> out;
    synchronized (this) {
      if (state != State.CONNECTING) {
        return;
      }
      conn = connection;
      out = List.copyOf(pending);
      pending.clear();
      // an end() before the handshake is among the pending messages
      state = out.stream().anyMatch(j -> j.contains("\"close_socket\":true")) ? State.ENDING
          : State.OPEN;
    }
    out.forEach(connection::send);
  }

  @Override
  public void onMessage(Connection connection, String text) {
    DialogueServerMessage m;
    try {
      m = DialogueServerMessage.decode(text);
    } catch (ProtocolException e) {
      fail(new SpeechError(ErrorCode.ERROR, "unreadable server message: " + e.getMessage()));
      connection.cancel();
      return;
    }
    switch (m) {
      case DialogueServerMessage.Audio a -> events.offer(() -> listener.onAudio(a.contextId(),
          new TtsAudio(a.audio(), a.alignment(), null)));
      case DialogueServerMessage.TurnFinal t -> events.offer(() ->
          listener.onTurnEnd(t.contextId()));
      case DialogueServerMessage.Final f -> events.offer(() -> listener.onFinal(f.contextId()));
      case DialogueServerMessage.Error e -> fail(new SpeechError(errorCode(e.error()),
          e.message()));
    }
  }

  private static ErrorCode errorCode(String wire) {
    for (ErrorCode c : ErrorCode.values()) {
      if (c.wireName().equals(wire)) {
        return c;
      }
    }
    return ErrorCode.ERROR;
  }

  @Override
  public void onClosed(Connection connection, int code, String reason) {
    boolean normal;
    synchronized (this) {
      normal = state == State.ENDING && code == 1000;
      if (state == State.DONE) {
        return;
      }
      state = State.DONE;
    }
    if (normal) {
      events.offer(listener::onClosed);
    } else {
      events.offer(() -> listener.onFailure(new SpeechError(ErrorCode.ERROR, "the dialogue "
          + "socket closed: " + code + (reason == null || reason.isEmpty() ? "" : " " + reason))));
    }
  }

  @Override
  public void onFailure(Connection connection, Throwable error, int httpStatus) {
    fail(new SpeechError(httpStatus == 401 || httpStatus == 403 ? ErrorCode.AUTH_ERROR
        : ErrorCode.ERROR, "the dialogue socket failed" + (httpStatus > 0 ? " (HTTP "
            + httpStatus + ")" : "") + ": " + error));
  }

  private void fail(SpeechError error) {
    synchronized (this) {
      if (state == State.DONE) {
        return;
      }
      state = State.DONE;
    }
    events.offer(() -> listener.onFailure(error));
  }
}
