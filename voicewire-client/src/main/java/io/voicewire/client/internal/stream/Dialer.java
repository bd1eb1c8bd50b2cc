package io.voicewire.client.internal.stream;

import io.voicewire.client.VoiceClientException;
import io.voicewire.client.internal.ClientContext;
import io.voicewire.client.internal.Metrics;
import io.voicewire.client.internal.Urls;
import io.voicewire.client.internal.transport.Connection;
import io.voicewire.client.internal.transport.ConnectionListener;
import io.voicewire.protocol.Query;
import io.voicewire.speech.SpeechError;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Opens a supervised stream's connections, one attempt at a time: a fresh single-use token per
 * attempt (on the blocking executor), the endpoint's URI with the wire's extra parameters, and
 * the connection's events, of which only those of the current attempt ({@code generation}) reach
 * the supervisor; stale ones are ignored and their connections cancelled.
 *
 * <p>Not thread safe on its own: every method but the attempt itself runs with the stream's
 * {@link StreamLock} held, and the attempt takes it around what it reads and writes.
 */
final class Dialer {
  /** What the current attempt's connection reports; called with the lock held. */
  interface Events {
    void opened(Connection c);

    void message(Connection c, String text);

    void lost(Failure f);
  }

  private final ClientContext ctx;
  private final Endpoint endpoint;
  private final StreamLock lock;
  private final Metrics metrics;
  private final BooleanSupplier terminal;
  private final Supplier<String> queryExtras;
  private final Events events;
  private int generation;
  /** Written under the lock; volatile for {@link #openUnlocked()}. */
  private volatile Connection open;
  private Connection connecting;

  Dialer(ClientContext ctx, Endpoint endpoint, StreamLock lock, Metrics metrics,
      BooleanSupplier terminal, Supplier<String> queryExtras, Events events) {
    this.ctx = ctx;
    this.endpoint = endpoint;
    this.lock = lock;
    this.metrics = metrics;
    this.terminal = terminal;
    this.queryExtras = queryExtras;
    this.events = events;
  }

  /**
   * Starts a new attempt (the previous one's events are ignored from now on). Lock held.
   *
   * @throws java.util.concurrent.RejectedExecutionException when the client was closed
   */
  void dial() {
    final int gen = ++generation;
    ctx.blockingExecutor().execute(() -> attempt(gen));
  }

  /** The open connection of the current attempt, or null. Lock held. */
  Connection open() {
    return open;
  }

  /** {@link #open()} read without the lock: a recent value, for a lock-free admission check. */
  Connection openUnlocked() {
    return open;
  }

  /**
   * Ends the current attempt: its events are ignored from now on. Returns its connection (the
   * open one, else the one still connecting), or null; a connection still connecting beside an
   * open one is cancelled. Lock held.
   */
  Connection release() {
    generation++;
    Connection old = open != null ? open : connecting;
    if (open != null && connecting != null) {
      lock.defer(connecting::cancel);
    }
    open = null;
    connecting = null;
    return old;
  }

  private boolean stale(int gen) {
    return gen != generation || terminal.getAsBoolean();
  }

  private void attempt(int gen) {
    String token = null;
    if (ctx.tokenSupplier() != null) {
      try {
        token = ctx.tokenSupplier().token(endpoint.tokenType());
        if (token == null || token.isBlank()) {
          throw new IOException("the token supplier returned no token");
        }
      } catch (Exception e) {
        int status = e instanceof VoiceClientException v ? v.statusCode() : 0;
        failed(gen, e, status, true);
        return;
      }
    }
    String t = token;
    URI uri = lock.call(() -> {
      if (stale(gen)) {
        return null;
      }
      String pq = endpoint.pathAndQuery() + queryExtras.get();
      if (t != null) {
        String tq = Query.builder().add(endpoint.tokenType().queryParam(), t).build();
        pq = pq + (pq.contains("?") ? "&" : "?") + tq;
      }
      return Urls.toWebSocket(Urls.resolve(ctx.baseUrl(), pq));
    });
    if (uri == null) {
      return;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    if (ctx.apiKey() != null) {
      headers.put("xi-api-key", ctx.apiKey());
    }
    Connection c;
    try {
      c = ctx.connector().connect(uri, headers, new Listener(gen));
    } catch (RuntimeException e) {
      failed(gen, e, 0, false);
      return;
    }
    lock.run(() -> {
      if (stale(gen)) {
        lock.defer(c::cancel);
      } else if (open != c) {
        connecting = c;
      }
    });
  }

  private void failed(int gen, Throwable t, int httpStatus, boolean tokenFetch) {
    lock.run(() -> {
      if (stale(gen)) {
        return;
      }
      Failure f = Failure.classifyFailure(t, httpStatus);
      if (tokenFetch) {
        f = new Failure(new SpeechError(f.error().code(),
            "could not get a single-use token: " + f.error().message()), f.retry());
      }
      events.lost(f);
    });
  }

  /** Connection events of one attempt. */
  private final class Listener implements ConnectionListener {
    private final int gen;

    Listener(int gen) {
      this.gen = gen;
    }

    @Override
    public void onOpen(Connection c) {
      lock.run(() -> {
        if (stale(gen)) {
          lock.defer(c::cancel);
          return;
        }
        open = c;
        connecting = null;
        events.opened(c);
      });
    }

    @Override
    public void onMessage(Connection c, String text) {
      lock.submit(() -> { // a reader never parks on the stream's lock (see StreamLock)
        if (!stale(gen) && open == c) {
          events.message(c, text);
        }
      });
    }

    /**
     * Submitted like a message, so that it comes after the messages before it: a transport may
     * report the close on a thread that holds the stream's lock (a send made under it completed
     * the closing handshake's write, as Jetty's flusher does), where {@link StreamLock#run}
     * would run it at once, ahead of the reader's submitted {@code isFinal}.
     */
    @Override
    public void onClosed(Connection c, int code, String reason) {
      lock.submit(() -> {
        if (!stale(gen)) {
          events.lost(Failure.classifyClose(code, reason));
        }
      });
    }

    /** Submitted, as {@link #onClosed}: after the messages that came before it. */
    @Override
    public void onFailure(Connection c, Throwable error, int httpStatus) {
      lock.submit(() -> {
        if (!stale(gen)) {
          events.lost(Failure.classifyFailure(error, httpStatus));
        }
      });
    }

    @Override
    public void onRoundTrip(long nanos) {
      metrics.roundTripNanos(nanos);
    }
  }
}
