package io.voicewire.client.internal.stream;

import io.voicewire.client.ConnectionStatus;
import io.voicewire.client.MultiContextTts;
import io.voicewire.client.TextChunker;
import io.voicewire.client.internal.ClientContext;
import io.voicewire.client.internal.Logs;
import io.voicewire.client.internal.Urls;
import io.voicewire.client.internal.resume.TtsCursor;
import io.voicewire.client.internal.transport.Connection;
import io.voicewire.protocol.ProtocolException;
import io.voicewire.protocol.TokenType;
import io.voicewire.protocol.TtsClientMessage;
import io.voicewire.protocol.TtsParams;
import io.voicewire.protocol.TtsServerMessage;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsAudio;
import io.voicewire.speech.TtsRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;

/**
 * {@link MultiContextTts} over {@code multi-stream-input}: a pool of at most
 * {@link MultiContextTts#MAX_CONTEXTS} slots (a slot is held from open until the server's
 * {@code isFinal} for the context), one {@link TtsCursor} per context for resume.
 */
public final class RealMultiContextTts extends ReconnectingStream implements MultiContextTts {
  private static final Logger log = Logs.get(RealMultiContextTts.class);

  /** Most {@code openContext} calls waiting for a slot; more fail at once. */
  public static final int MAX_WAITING_CONTEXTS = 64;

  private enum CtxState { OPEN, CLOSING, CANCELLED, DONE }

  private final TtsRequest request;
  private final Listener listener;
  private final Map<String, Ctx> contexts = new LinkedHashMap<>();
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private boolean endRequested;
  private int maxInUse;
  private long lastSocketKeepAlive;

  private record Waiter(String id, ContextListener listener, CompletableFuture<Context> future,
      ScheduledFuture<?>[] timeout) {}

  private RealMultiContextTts(ClientContext ctx, TtsRequest request, Listener listener) {
    super(ctx, "tts-multi " + request.voiceId());
    this.request = request;
    this.listener = listener;
  }

  /** Opens the socket and starts connecting. */
  public static RealMultiContextTts open(ClientContext ctx, TtsRequest request,
      Listener listener) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(listener, "listener == null");
    RealMultiContextTts s = new RealMultiContextTts(ctx, request, listener);
    s.start();
    return s;
  }

  @Override
  public TtsRequest request() {
    return request;
  }

  // ------------------------------------------------------------------ pool

  @Override
  public CompletableFuture<Context> openContext(String contextId, ContextListener l) {
    Objects.requireNonNull(contextId, "contextId == null");
    Objects.requireNonNull(l, "listener == null");
    if (contextId.isEmpty()) {
      throw new IllegalArgumentException("contextId is empty");
    }
    CompletableFuture<Context> f = new CompletableFuture<>();
    lock();
    try {
      if (isTerminal() || endRequested) {
        defer(() -> f.completeExceptionally(new IllegalStateException("the socket is closed")));
        return f;
      }
      boolean waiting = waiters.stream().anyMatch(w -> w.id().equals(contextId));
      if (contexts.containsKey(contextId) || waiting) {
        defer(() -> f.completeExceptionally(
            new IllegalStateException("context id in use: " + contextId)));
        return f;
      }
      if (contexts.size() < MAX_CONTEXTS) {
        Ctx c = createLocked(contextId, l);
        defer(() -> f.complete(c));
        return f;
      }
      if (waiters.size() >= MAX_WAITING_CONTEXTS) {
        defer(() -> f.completeExceptionally(new IllegalStateException(MAX_WAITING_CONTEXTS
            + " contexts are already waiting for a slot")));
        return f;
      }
      ScheduledFuture<?>[] timeout = new ScheduledFuture<?>[1];
      Waiter w = new Waiter(contextId, l, f, timeout);
      waiters.add(w);
      long waitMs = ctx.contextWaitTimeout().toMillis();
      timeout[0] = ctx.scheduler().schedule(() -> {
        lock();
        try {
          if (waiters.remove(w)) {
            defer(() -> f.completeExceptionally(new TimeoutException("no free context slot within "
                + waitMs + " ms: " + MAX_CONTEXTS + " contexts in use")));
          }
        } finally {
          unlock();
        }
      }, waitMs, TimeUnit.MILLISECONDS);
      return f;
    } finally {
      unlock();
    }
  }

  private Ctx createLocked(String id, ContextListener l) {
    Ctx c = new Ctx(id, l);
    contexts.put(id, c);
    maxInUse = Math.max(maxInUse, contexts.size());
    Connection conn = connection();
    if (conn != null) {
      c.init(conn);
    }
    return c;
  }

  /** Lock held: a context's slot is free; give it to the next waiter. */
  private void releaseLocked(Ctx c) {
    c.state = CtxState.DONE;
    contexts.remove(c.id);
    while (contexts.size() < MAX_CONTEXTS && !waiters.isEmpty()) {
      Waiter w = waiters.pollFirst();
      w.timeout()[0].cancel(false);
      if (w.future().isDone()) {
        continue;
      }
      Ctx n = createLocked(w.id(), w.listener());
      defer(() -> w.future().complete(n));
    }
    if (endRequested && contexts.isEmpty()) {
      finishLocked(true, "");
    }
  }

  @Override
  public int contextsInUse() {
    lock();
    try {
      return contexts.size();
    } finally {
      unlock();
    }
  }

  /** For testing: the most contexts ever in use at once. */
  public int maxContextsInUse() {
    lock();
    try {
      return maxInUse;
    } finally {
      unlock();
    }
  }

  @Override
  public boolean end() {
    lock();
    try {
      if (isTerminal() || endRequested) {
        return false;
      }
      endRequested = true;
      markEnding();
      failWaiters(new IllegalStateException("the socket is ending"));
      for (Ctx c : new ArrayList<>(contexts.values())) {
        if (c.state == CtxState.OPEN) {
          c.closeLocked();
        }
      }
      if (contexts.isEmpty()) {
        finishLocked(true, "");
      }
      return true;
    } finally {
      unlock();
    }
  }

  @Override
  public void close() {
    cancel();
  }

  private void failWaiters(Throwable t) {
    for (Waiter w : waiters) {
      w.timeout()[0].cancel(false);
      defer(() -> w.future().completeExceptionally(t));
    }
    waiters.clear();
  }

  // ------------------------------------------------------------------ one context

  private final class Ctx implements Context {
    final String id;
    final ContextListener l;
    final TextChunker chunker = TextChunker.forRequest(request);
    final TtsCursor cursor = new TtsCursor(request.outputFormat());
    CtxState state = CtxState.OPEN;
    long lastSendNanos;
    long awaitingAudioSince;

    Ctx(String id, ContextListener l) {
      this.id = id;
      this.l = l;
    }

    @Override
    public String id() {
      return id;
    }

    /** Lock held: creates the context on a new connection and replays its text. */
    void init(Connection conn) {
      conn.send(RealTtsStream.initMessage(request, id));
      for (TtsCursor.Piece p : cursor.replay()) {
        conn.send(TtsClientMessage.text(p.text(), p.flush(), id).encode());
      }
      if (state == CtxState.CLOSING) {
        conn.send(closeMessage());
      }
      lastSendNanos = ctx.nanoClock().getAsLong();
    }

    private String closeMessage() {
      return new TtsClientMessage(null, false, false, null, null, List.of(), null, null, id, true,
          false).encode();
    }

    @Override
    public boolean send(CharSequence text) {
      Objects.requireNonNull(text, "text == null");
      lock();
      try {
        if (state != CtxState.OPEN || isTerminal()) {
          return false;
        }
        if (!cursor.hasRoomFor(text.length() + chunker.buffered())) {
          return false;
        }
        for (String piece : chunker.push(text)) {
          enqueue(piece, false);
        }
        return true;
      } finally {
        unlock();
      }
    }

    @Override
    public boolean flush() {
      lock();
      try {
        if (state != CtxState.OPEN || isTerminal()) {
          return false;
        }
        List<String> rest = chunker.flush();
        enqueue(rest.isEmpty() ? "" : rest.get(0), true);
        return true;
      } finally {
        unlock();
      }
    }

    /** Lock held. */
    private void enqueue(String text, boolean flush) {
      long now = ctx.nanoClock().getAsLong();
      if (!text.isEmpty() && cursor.unvoiced() == 0 && awaitingAudioSince == 0) {
        awaitingAudioSince = now;
      }
      cursor.append(text);
      if (flush) {
        cursor.markFlush();
      }
      Connection conn = connection();
      if (conn == null) {
        return;
      }
      String unsent = cursor.takeUnsent();
      if (unsent.isEmpty() && !flush) {
        return;
      }
      conn.send(new TtsClientMessage(unsent.isEmpty() ? null : unsent, flush, false, null, null,
          List.of(), null, null, id, false, false).encode());
      lastSendNanos = now;
    }

    @Override
    public boolean close() {
      lock();
      try {
        if (state != CtxState.OPEN || isTerminal()) {
          return false;
        }
        closeLocked();
        return true;
      } finally {
        unlock();
      }
    }

    void closeLocked() {
      // close_context voices only flushed text (AsyncAPI CloseContext): the rest goes flushed
      java.util.List<String> rest = chunker.flush();
      for (int i = 0; i < rest.size(); i++) {
        enqueue(rest.get(i), i == rest.size() - 1);
      }
      if (rest.isEmpty()) {
        enqueue("", true);
      }
      cursor.markEnded();
      state = CtxState.CLOSING;
      markEnding();
      Connection conn = connection();
      if (conn != null) {
        conn.send(closeMessage());
      }
    }

    @Override
    public void cancel() {
      lock();
      try {
        if (state == CtxState.CANCELLED || state == CtxState.DONE || isTerminal()) {
          return;
        }
        boolean wasClosing = state == CtxState.CLOSING;
        state = CtxState.CANCELLED;
        events.offer(() -> l.onClosed(false));
        Connection conn = connection();
        if (conn == null) {
          releaseLocked(this); // no context exists on the server: the slot is free now
        } else if (!wasClosing) {
          conn.send(closeMessage()); // the slot is freed by the server's isFinal
        }
      } finally {
        unlock();
      }
    }

    @Override
    public long unvoicedChars() {
      lock();
      try {
        return cursor.unvoiced() + chunker.buffered();
      } finally {
        unlock();
      }
    }

    void onAudio(TtsServerMessage.Audio a, long now) {
      if (state == CtxState.CANCELLED || state == CtxState.DONE) {
        return; // stale audio after barge-in
      }
      long seams = cursor.seams();
      long dropped = cursor.droppedBytes();
      long mism = cursor.mismatches();
      TtsAudio out = cursor.onAudio(new TtsAudio(a.audio(), a.alignment(),
          a.normalizedAlignment()));
      metrics.seams.add(cursor.seams() - seams);
      metrics.droppedAudioBytes.add(cursor.droppedBytes() - dropped);
      metrics.alignmentMismatches.add(cursor.mismatches() - mism);
      if (out != null && out.audio().length > 0) {
        markProgress();
        if (awaitingAudioSince != 0) {
          metrics.timeToFirstAudioNanos(now - awaitingAudioSince);
          awaitingAudioSince = 0;
        }
        events.offer(() -> l.onAudio(out));
      }
      if (!cursor.exact()) {
        setResumable(cursor.cannotResumeReason() == null,
            "retries only before the first audio: " + cursor.inexactReason());
      }
    }

    /** Lock held: the server ended this context with an error; the socket goes on. */
    void failLocked(SpeechError err) {
      if (state == CtxState.OPEN || state == CtxState.CLOSING) {
        events.offer(() -> l.onFailure(err));
      }
      releaseLocked(this);
    }

    void onFinal() {
      switch (state) {
        case CLOSING -> {
          events.offer(() -> l.onClosed(true));
          releaseLocked(this);
        }
        case CANCELLED -> releaseLocked(this);
        case OPEN -> {
          // the server ended it on its own (e.g. its inactivity timeout)
          events.offer(() -> l.onClosed(true));
          releaseLocked(this);
        }
        default -> { }
      }
    }
  }

  // ------------------------------------------------------------------ hooks

  @Override
  protected String pathAndQuery() {
    return Urls.ttsPath(request.voiceId(), "multi-stream-input")
        + TtsParams.toQuery(request, ctx.ttsInactivityTimeoutSecs());
  }

  @Override
  protected TokenType tokenType() {
    return TokenType.TTS_WEBSOCKET;
  }

  @Override
  protected void onConnectionOpen(Connection c) {
    lastSocketKeepAlive = ctx.nanoClock().getAsLong();
    for (Ctx x : new ArrayList<>(contexts.values())) {
      if (x.state == CtxState.CLOSING && x.cursor.isComplete() && x.cursor.audioDelivered()) {
        events.offer(() -> x.l.onClosed(true));
        releaseLocked(x);
        continue;
      }
      x.init(c);
    }
  }

  @Override
  protected void onConnectionLost() {
    // cancelled contexts do not exist on the next socket: their slots are free
    for (Iterator<Ctx> it = new ArrayList<>(contexts.values()).iterator(); it.hasNext(); ) {
      Ctx x = it.next();
      if (x.state == CtxState.CANCELLED) {
        releaseLocked(x);
      }
    }
  }

  @Override
  protected void onText(Connection c, String text) {
    TtsServerMessage m;
    try {
      m = TtsServerMessage.decode(text);
    } catch (ProtocolException e) {
      log.debug("{}: ignoring an unreadable server message: {}", name, e.getMessage());
      return;
    }
    long now = ctx.nanoClock().getAsLong();
    Ctx x = m.contextId() == null ? null : contexts.get(m.contextId());
    switch (m) {
      case TtsServerMessage.Audio a -> {
        if (x != null) {
          x.onAudio(a, now);
        }
      }
      case TtsServerMessage.Final f -> {
        if (x != null) {
          x.onFinal();
        }
      }
      case TtsServerMessage.Error e -> {
        ErrorCode code = ErrorCode.fromWire(e.error());
        SpeechError err = new SpeechError(code == null ? ErrorCode.ERROR : code,
            e.message() == null ? e.error() : e.message());
        if (x != null && code == ErrorCode.INPUT_TIMEOUT_EXCEEDED) {
          // one context timed out; the socket goes on (docs/server.md): that context is over
          x.failLocked(err);
        } else {
          serverError(err);
        }
      }
      case TtsServerMessage.Other o -> { }
    }
  }

  @Override
  protected void onTick(Connection c, long nowNanos) {
    if (contexts.isEmpty() && nowNanos - lastSocketKeepAlive >= ctx.ttsKeepAliveNanos()) {
      // no context to keep alive: keep the socket alive ({"text":""} without an id creates
      // nothing, docs/server.md)
      c.send(TtsClientMessage.text("", false, null).encode());
      lastSocketKeepAlive = nowNanos;
    }
    for (Ctx x : contexts.values()) {
      if (x.state == CtxState.OPEN && nowNanos - x.lastSendNanos >= ctx.ttsKeepAliveNanos()) {
        // keep a context alive: empty text, which does not end it here (PROTOCOL.md §3.2)
        c.send(TtsClientMessage.text("", false, x.id).encode());
        x.lastSendNanos = nowNanos;
      }
    }
  }

  @Override
  protected String cannotResumeReason() {
    for (Ctx x : contexts.values()) {
      if (x.state == CtxState.CANCELLED) {
        continue;
      }
      String why = x.cursor.cannotResumeReason();
      if (why != null) {
        return "context " + x.id + ": " + why;
      }
    }
    return null;
  }

  @Override
  protected boolean completesOnDrop() {
    return endRequested && contexts.isEmpty();
  }

  @Override
  protected void onTerminal() {
    failWaiters(new IllegalStateException("the socket is closed"));
  }

  @Override
  protected String finishTimeoutWhat() {
    return "no isFinal for the closed contexts";
  }

  @Override
  protected void deliverStatus(ConnectionStatus status) {
    events.offer(() -> listener.onStatus(status));
  }

  @Override
  protected void deliverClosed(boolean complete) {
    for (Ctx x : contexts.values()) {
      if (x.state == CtxState.OPEN || x.state == CtxState.CLOSING) {
        events.offer(() -> x.l.onClosed(false));
      }
      x.state = CtxState.DONE;
    }
    contexts.clear();
    events.offer(listener::onClosed);
  }

  @Override
  protected void deliverFailure(SpeechError error) {
    for (Ctx x : contexts.values()) {
      if (x.state == CtxState.OPEN || x.state == CtxState.CLOSING) {
        events.offer(() -> x.l.onFailure(error));
      }
      x.state = CtxState.DONE;
    }
    contexts.clear();
    events.offer(() -> listener.onFailure(error));
  }
}
