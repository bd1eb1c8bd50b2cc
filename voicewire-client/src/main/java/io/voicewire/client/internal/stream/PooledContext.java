package io.voicewire.client.internal.stream;


import io.voicewire.client.MultiContextTts.Context;
import io.voicewire.client.MultiContextTts.ContextListener;
import io.voicewire.client.internal.ClientContext;
import io.voicewire.client.internal.resume.TtsCursor;
import io.voicewire.client.internal.transport.Connection;
import io.voicewire.protocol.TtsClientMessage;
import io.voicewire.protocol.TtsServerMessage;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One context of a {@link RealMultiContextTts}: its text and resume ({@link TextReplay}), its
 * life (open, closing, cancelled, done) and its listener. It holds a slot of the pool from
 * creation until the pool's {@code release} callback, which it calls when the server ends it (or
 * when a cancel needs no answer from the server). Thread safe: all state is guarded by the
 * socket's {@link ConnectionSupervisor} lock; the package-private methods run with it held.
 */
final class PooledContext implements Context {
  enum State { OPEN, CLOSING, CANCELLED, DONE }

  private final String id;
  private final ContextListener listener;
  private final TtsRequest request;
  private final ClientContext ctx;
  private final ConnectionSupervisor sup;
  private final Consumer<PooledContext> release;
  private final TextReplay text;
  private final TtsCursor cursor;
  private State state = State.OPEN;
  private long lastSendNanos;

  PooledContext(String id, ContextListener listener, TtsRequest request, ClientContext ctx,
      ConnectionSupervisor sup, Consumer<PooledContext> release) {
    this.id = id;
    this.listener = listener;
    this.request = request;
    this.ctx = ctx;
    this.sup = sup;
    this.release = release;
    this.text = new TextReplay(request);
    this.cursor = text.cursor();
  }

  @Override
  public String id() {
    return id;
  }

  State state() {
    return state;
  }

  /** True while the caller may still hear from it (open or closing). */
  boolean live() {
    return state == State.OPEN || state == State.CLOSING;
  }

  /** Why a drop cannot resume it, or null. */
  String cannotResumeReason() {
    return cursor.cannotResumeReason();
  }

  /** Creates the context on a new connection and replays its text. */
  void init(Connection conn) {
    conn.send(TtsWire.init(request, id));
    for (TtsCursor.Piece p : cursor.replay()) {
      conn.send(TtsWire.text(p.text(), p.flush(), id));
    }
    if (state == State.CLOSING) {
      conn.send(TtsWire.closeContext(id));
    }
    lastSendNanos = ctx.nanoClock().getAsLong();
  }

  /** On a new connection: a closing context whose audio all arrived is done without the server. */
  boolean doneBeforeReopen() {
    return state == State.CLOSING && cursor.isComplete() && cursor.audioDelivered();
  }

  @Override
  public boolean send(CharSequence t) {
    Objects.requireNonNull(t, "text == null");
    return sup.call(() -> state == State.OPEN && !sup.isTerminal()
        && text.take(t, piece -> enqueue(piece, false)));
  }

  @Override
  public boolean flush() {
    return sup.call(() -> {
      if (state != State.OPEN || sup.isTerminal()) {
        return false;
      }
      enqueue(text.flushPiece(), true);
      return true;
    });
  }

  private void enqueue(String t, boolean flush) {
    long now = ctx.nanoClock().getAsLong();
    text.record(t, flush, now);
    Connection conn = sup.connection();
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
    return sup.call(() -> {
      if (state != State.OPEN || sup.isTerminal()) {
        return false;
      }
      closeLocked();
      return true;
    });
  }

  /**
   * Sends what the chunker holds, flushed, then {@code close_context}; the server's isFinal ends
   * it. The flush matters: after {@code close_context} the server voices only flushed text
   * (AsyncAPI CloseContext), and closing a context here means "finish what I sent".
   */
  void closeLocked() {
    List<String> rest = new ArrayList<>();
    text.drainTo(rest::add);
    for (int i = 0; i < rest.size(); i++) {
      enqueue(rest.get(i), i == rest.size() - 1);
    }
    if (rest.isEmpty()) {
      enqueue("", true);
    }
    cursor.markEnded();
    state = State.CLOSING;
    sup.markEnding();
    Connection conn = sup.connection();
    if (conn != null) {
      conn.send(TtsWire.closeContext(id));
    }
  }

  @Override
  public void cancel() {
    sup.run(() -> {
      if (state == State.CANCELLED || state == State.DONE || sup.isTerminal()) {
        return;
      }
      boolean wasClosing = state == State.CLOSING;
      state = State.CANCELLED;
      sup.events.offer(() -> listener.onClosed(false));
      Connection conn = sup.connection();
      if (conn == null) {
        release.accept(this); // no context exists on the server: the slot is free now
      } else if (!wasClosing) {
        conn.send(TtsWire.closeContext(id)); // the slot is freed by the server's isFinal
      }
    });
  }

  @Override
  public long unvoicedChars() {
    return sup.call(text::unvoiced);
  }

  /** Keeps an open context alive with empty text, which does not end it (PROTOCOL.md §3.2). */
  void keepAlive(Connection c, long nowNanos) {
    if (state == State.OPEN && nowNanos - lastSendNanos >= ctx.ttsKeepAliveNanos()) {
      c.send(TtsWire.text("", false, id));
      lastSendNanos = nowNanos;
    }
  }

  void onAudio(TtsServerMessage.Audio a, long nowNanos) {
    if (state == State.CANCELLED || state == State.DONE) {
      return; // stale audio after barge-in
    }
    text.onAudio(a, nowNanos, sup, out -> sup.events.offer(() -> listener.onAudio(out)));
  }

  /** The server ended this context with an error; the socket goes on. */
  void fail(SpeechError err) {
    if (live()) {
      sup.events.offer(() -> listener.onFailure(err));
    }
    release.accept(this);
  }

  /** The server's isFinal for this context. */
  void onFinal() {
    switch (state) {
      case CLOSING, OPEN -> {
        // OPEN: the server ended it on its own (e.g. its inactivity timeout)
        sup.events.offer(() -> listener.onClosed(true));
        release.accept(this);
      }
      case CANCELLED -> release.accept(this);
      default -> { }
    }
  }

  /** Its slot was given back: nothing more reaches the listener. */
  void released() {
    state = State.DONE;
  }

  /** The socket ended: the listener hears it (closed, or failed with {@code error}). */
  void endWithSocket(SpeechError error) {
    if (live()) {
      sup.events.offer(error == null ? () -> listener.onClosed(false)
          : () -> listener.onFailure(error));
    }
    state = State.DONE;
  }

  /** The context was done before the socket reopened: the listener hears it closed. */
  void closedWithoutServer() {
    sup.events.offer(() -> listener.onClosed(true));
  }
}
