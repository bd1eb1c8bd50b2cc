package io.voicewire.client.internal.stream;

import io.voicewire.client.ConnectionStatus;
import io.voicewire.client.MultiContextTts;
import io.voicewire.client.internal.ClientContext;
import io.voicewire.client.internal.transport.Connection;
import io.voicewire.protocol.TtsServerMessage;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link MultiContextTts} over {@code multi-stream-input}: a pool of at most
 * {@link MultiContextTts#MAX_CONTEXTS} slots (a slot is held from open until the server's
 * {@code isFinal} for the context), each a {@link PooledContext} with its own resume. Composed of
 * a {@link ConnectionSupervisor} for the socket, and of this class's parts: the pool with its
 * bounded queue of waiters, the {@link WireSession} that routes server messages to contexts, the
 * {@link ResumeState} over all contexts and the {@link StreamOutcomes} that end them with the
 * socket. Thread safe: all state is guarded by the supervisor's lock.
 */
public final class RealMultiContextTts extends SupervisedStream<TtsRequest>
    implements MultiContextTts {
  /** Most {@code openContext} calls waiting for a slot; more fail at once. */
  public static final int MAX_WAITING_CONTEXTS = 64;

  private final ClientContext ctx;
  private final Map<String, PooledContext> contexts = new LinkedHashMap<>();
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private int maxInUse;
  private long lastSocketKeepAlive;

  private record Waiter(String id, ContextListener listener, CompletableFuture<Context> future,
      ScheduledFuture<?>[] timeout) {}

  private RealMultiContextTts(ClientContext ctx, TtsRequest request, Listener listener) {
    super(request, new ConnectionSupervisor(ctx, Endpoint.tts(ctx, request,
        "multi-stream-input", "tts-multi", "no isFinal for the closed contexts")));
    this.ctx = ctx;
    Pool pool = new Pool(listener);
    sup.bind(new Wire(), pool, pool);
  }

  /** Opens the socket and starts connecting. */
  public static RealMultiContextTts open(ClientContext ctx, TtsRequest request,
      Listener listener) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(listener, "listener == null");
    RealMultiContextTts s = new RealMultiContextTts(ctx, request, listener);
    s.sup.start();
    return s;
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
    sup.run(() -> {
      String refused = refusal(contextId);
      if (refused != null) {
        sup.defer(() -> f.completeExceptionally(new IllegalStateException(refused)));
      } else if (contexts.size() < MAX_CONTEXTS) {
        PooledContext c = createLocked(contextId, l);
        sup.defer(() -> f.complete(c));
      } else {
        waitForSlot(new Waiter(contextId, l, f, new ScheduledFuture<?>[1]));
      }
    });
    return f;
  }

  /** Lock held: why a context cannot be opened (or wait for a slot) now, or null. */
  private String refusal(String contextId) {
    if (!takingInput()) {
      return "the socket is closed";
    }
    if (contexts.containsKey(contextId) || waiters.stream().anyMatch(w -> w.id().equals(contextId))) {
      return "context id in use: " + contextId;
    }
    if (contexts.size() >= MAX_CONTEXTS && waiters.size() >= MAX_WAITING_CONTEXTS) {
      return MAX_WAITING_CONTEXTS + " contexts are already waiting for a slot";
    }
    return null;
  }

  /** Lock held: queues {@code w} until a slot frees or the context wait timeout passes. */
  private void waitForSlot(Waiter w) {
    waiters.add(w);
    long waitMs = ctx.contextWaitTimeout().toMillis();
    w.timeout()[0] = ctx.scheduler().schedule(() -> sup.run(() -> {
      if (waiters.remove(w)) {
        sup.defer(() -> w.future().completeExceptionally(new TimeoutException(
            "no free context slot within " + waitMs + " ms: " + MAX_CONTEXTS
                + " contexts in use")));
      }
    }), waitMs, TimeUnit.MILLISECONDS);
  }

  private PooledContext createLocked(String id, ContextListener l) {
    PooledContext c = new PooledContext(id, l, request, ctx, sup, this::releaseLocked);
    contexts.put(id, c);
    maxInUse = Math.max(maxInUse, contexts.size());
    Connection conn = sup.connection();
    if (conn != null) {
      c.init(conn);
    }
    return c;
  }

  /** Lock held: a context's slot is free; give it to the next waiter. */
  private void releaseLocked(PooledContext c) {
    c.released();
    contexts.remove(c.id());
    while (contexts.size() < MAX_CONTEXTS && !waiters.isEmpty()) {
      Waiter w = waiters.pollFirst();
      w.timeout()[0].cancel(false);
      if (w.future().isDone()) {
        continue;
      }
      PooledContext n = createLocked(w.id(), w.listener());
      sup.defer(() -> w.future().complete(n));
    }
    if (endRequested && contexts.isEmpty()) {
      sup.finishLocked(true, "");
    }
  }

  @Override
  public int contextsInUse() {
    return sup.call(contexts::size);
  }

  /** For testing: the most contexts ever in use at once. */
  public int maxContextsInUse() {
    return sup.call(() -> maxInUse);
  }

  @Override
  public boolean end() {
    return endOnce(() -> {
      sup.markEnding();
      failWaiters(new IllegalStateException("the socket is ending"));
      for (PooledContext c : new ArrayList<>(contexts.values())) {
        if (c.state() == PooledContext.State.OPEN) {
          c.closeLocked();
        }
      }
      if (contexts.isEmpty()) {
        sup.finishLocked(true, "");
      }
    });
  }

  private void failWaiters(Throwable t) {
    for (Waiter w : waiters) {
      w.timeout()[0].cancel(false);
      sup.defer(() -> w.future().completeExceptionally(t));
    }
    waiters.clear();
  }

  /** The socket's messages, routed to the contexts; lock held. */
  private final class Wire implements WireSession {
    @Override
    public void onOpen(Connection c) {
      lastSocketKeepAlive = ctx.nanoClock().getAsLong();
      for (PooledContext x : new ArrayList<>(contexts.values())) {
        if (x.doneBeforeReopen()) {
          x.closedWithoutServer();
          releaseLocked(x);
        } else {
          x.init(c);
        }
      }
    }

    @Override
    public void onLost() {
      // cancelled contexts do not exist on the next socket: their slots are free
      for (PooledContext x : new ArrayList<>(contexts.values())) {
        if (x.state() == PooledContext.State.CANCELLED) {
          releaseLocked(x);
        }
      }
    }

    @Override
    public void onMessage(Connection c, String text) {
      TtsServerMessage m = TtsWire.decode(sup.name, text);
      if (m == null) {
        return;
      }
      long now = ctx.nanoClock().getAsLong();
      PooledContext x = m.contextId() == null ? null : contexts.get(m.contextId());
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
          SpeechError err = TtsWire.error(e);
          if (x != null && err.code() == ErrorCode.INPUT_TIMEOUT_EXCEEDED) {
            // one context timed out; the socket goes on (docs/server.md): that context is over
            x.fail(err);
          } else {
            sup.serverError(err);
          }
        }
        case TtsServerMessage.Other o -> { }
      }
    }

    @Override
    public void onTick(Connection c, long nowNanos) {
      if (contexts.isEmpty() && nowNanos - lastSocketKeepAlive >= ctx.ttsKeepAliveNanos()) {
        // no context to keep alive: keep the socket alive ({"text":""} without an id creates
        // nothing, docs/server.md)
        c.send(TtsWire.text("", false, null));
        lastSocketKeepAlive = nowNanos;
      }
      for (PooledContext x : contexts.values()) {
        x.keepAlive(c, nowNanos);
      }
    }
  }

  /** Resume over all contexts, and the socket's end reaching each of them; lock held. */
  private final class Pool implements ResumeState, StreamOutcomes {
    private final Listener listener;

    Pool(Listener listener) {
      this.listener = listener;
    }

    @Override
    public String cannotResumeReason() {
      for (PooledContext x : contexts.values()) {
        String why = x.state() == PooledContext.State.CANCELLED ? null : x.cannotResumeReason();
        if (why != null) {
          return "context " + x.id() + ": " + why;
        }
      }
      return null;
    }

    @Override
    public boolean completesOnDrop() {
      return endRequested && contexts.isEmpty();
    }

    @Override
    public void onTerminal() {
      failWaiters(new IllegalStateException("the socket is closed"));
    }

    @Override
    public void status(ConnectionStatus status) {
      sup.events.offer(() -> listener.onStatus(status));
    }

    @Override
    public void closed(boolean complete) {
      endContexts(null);
      sup.events.offer(listener::onClosed);
    }

    @Override
    public void failed(SpeechError error) {
      endContexts(error);
      sup.events.offer(() -> listener.onFailure(error));
    }

    private void endContexts(SpeechError error) {
      for (PooledContext x : contexts.values()) {
        x.endWithSocket(error);
      }
      contexts.clear();
    }
  }
}
