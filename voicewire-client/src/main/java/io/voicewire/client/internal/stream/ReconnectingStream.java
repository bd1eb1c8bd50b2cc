package io.voicewire.client.internal.stream;

import io.voicewire.client.ConnectionStatus.State;
import io.voicewire.client.ConnectionStatus;
import io.voicewire.client.ReconnectPolicy;
import io.voicewire.client.StreamMetrics;
import io.voicewire.client.VoiceClientException;
import io.voicewire.client.internal.ClientContext;
import io.voicewire.client.internal.Dispatcher;
import io.voicewire.client.internal.Logs;
import io.voicewire.client.internal.Metrics;
import io.voicewire.client.internal.Urls;
import io.voicewire.client.internal.transport.Connection;
import io.voicewire.client.internal.transport.ConnectionListener;
import io.voicewire.protocol.CloseCodes;
import io.voicewire.protocol.ErrorPolicy.Retry;
import io.voicewire.protocol.ErrorPolicy;
import io.voicewire.protocol.Query;
import io.voicewire.protocol.TokenType;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;

/**
 * The reconnect layer above one-shot {@link Connection}s, shared by every stream kind: it opens
 * connections (asking the token supplier each time), classifies drops, backs off and retries, or
 * gives up loudly; it reports status, runs keep-alive ticks and the finish timeout, and routes
 * back-pressure from the listener's {@link Dispatcher} to the current connection.
 *
 * <p>Subclasses hold the stream-specific state (text cursor, audio ring) and implement the hooks
 * below; every hook runs with {@link #lock} held. Concurrency rules: the lock is never held while
 * calling a listener (callbacks go through {@link #events}) or doing socket I/O (connections only
 * queue under the lock; cancels and closes are deferred with {@link #defer} until the lock is
 * released by {@link #unlock()}).
 */
public abstract class ReconnectingStream {
  private static final Logger log = Logs.get(ReconnectingStream.class);

  /** Period of the keep-alive and timeout checks, ms. */
  public static final long TICK_MILLIS = 100;
  /** Close reason sent when the client ends a session. */
  public static final String CLOSE_REASON = "User ended session";

  /** The phases of the logical stream. */
  protected enum Phase { CONNECTING, OPEN, WAITING, CLOSED, FAILED }

  protected final ReentrantLock lock = new ReentrantLock();
  protected final ClientContext ctx;
  protected final Dispatcher events;
  protected final Metrics metrics;
  protected final String name;

  private final List<Runnable> deferred = new ArrayList<>();
  private Phase phase = Phase.CONNECTING;
  private int generation;
  private Connection conn;
  private Connection connecting;
  private long connOpenedNanos;
  private long lastInboundNanos;
  private int failures;
  private boolean progress;
  private long lastAcceptedNanos;
  private boolean lastDropWasNow;
  private boolean everOpened;
  private boolean readingPaused;
  private boolean resumable = true;
  private String resumeNote = "";
  private boolean ending;
  private ScheduledFuture<?> retryTask;
  private ScheduledFuture<?> tickTask;
  private ConnectionStatus status =
      new ConnectionStatus(State.CONNECTING, 0, Duration.ZERO, true, "");

  protected ReconnectingStream(ClientContext ctx, String name) {
    this(ctx, name, true);
  }

  /**
   * @param latencyMetrics false for a relay's stream: {@link #metrics()} then has the counters
   *     only (see {@link Metrics#countersOnly()})
   */
  protected ReconnectingStream(ClientContext ctx, String name, boolean latencyMetrics) {
    this.ctx = ctx;
    this.name = name;
    this.metrics = latencyMetrics ? new Metrics(ctx.nanoClock()) : Metrics.countersOnly();
    this.events = new Dispatcher(ctx.callbackExecutor(), "VoiceClient " + name + " events",
        this::pauseReading, this::resumeReading, lock::isHeldByCurrentThread);
  }

  // ---------------------------------------------------------------- hooks (lock held)

  /** Path and query of the endpoint, without credentials. */
  protected abstract String pathAndQuery();

  /** The single-use token type of this endpoint. */
  protected abstract TokenType tokenType();

  /** A connection opened: send the init message and replay what must be replayed. */
  protected abstract void onConnectionOpen(Connection c);

  /** One message from the server. */
  protected abstract void onText(Connection c, String text);

  /** Null when a drop can be resumed now, else why not (a phrase: "...and <reason>"). */
  protected abstract String cannotResumeReason();

  /** The current connection was lost (before any retry decision). */
  protected void onConnectionLost() {}

  /** True when a drop now needs no reconnect because the stream is complete. */
  protected boolean completesOnDrop() {
    return false;
  }

  /**
   * True while input waits to be accepted by the server (unvoiced text, uncommitted audio):
   * only then does the give-up clock ({@link ReconnectPolicy#giveUpAfter()}) run. The default,
   * false, leaves a stream to its attempt count alone.
   */
  protected boolean awaitingAcceptance() {
    return false;
  }

  /** Called every {@link #TICK_MILLIS} while a connection is open. */
  protected void onTick(Connection c, long nowNanos) {}

  /** The stream reached a terminal phase: release what it holds. */
  protected void onTerminal() {}

  /** Queue a status callback on {@link #events}. */
  protected abstract void deliverStatus(ConnectionStatus status);

  /** Queue the terminal closed callback on {@link #events}. */
  protected abstract void deliverClosed(boolean complete);

  /** Queue the terminal failure callback on {@link #events}. */
  protected abstract void deliverFailure(SpeechError error);

  /** What the finish timeout reports, e.g. "no isFinal". */
  protected String finishTimeoutWhat() {
    return "no message";
  }

  // ---------------------------------------------------------------- lock helpers

  /** Acquires {@link #lock}. */
  /**
   * Cancels at once: the stream stops, and the only event still delivered is the terminal one.
   * Idempotent.
   */
  public void cancel() {
    lock();
    try {
      finishLocked(false, "cancelled");
    } finally {
      unlock();
    }
  }

  protected final void lock() {
    lock.lock();
  }

  /** Releases {@link #lock}, then runs what was {@link #defer deferred} (when not still held). */
  protected final void unlock() {
    List<Runnable> run = null;
    if (lock.getHoldCount() == 1 && !deferred.isEmpty()) {
      run = new ArrayList<>(deferred);
      deferred.clear();
    }
    lock.unlock();
    if (run != null) {
      for (Runnable r : run) {
        try {
          r.run();
        } catch (RuntimeException e) {
          log.warn("{}: deferred action failed", name, e);
        }
      }
    }
    if (!lock.isHeldByCurrentThread()) {
      events.flush(); // inline callbacks queued under the lock
    }
  }

  /** Runs {@code r} once the lock is released. Lock held. */
  protected final void defer(Runnable r) {
    assert lock.isHeldByCurrentThread();
    deferred.add(r);
  }

  // ---------------------------------------------------------------- lifecycle

  /** Starts the first connection. Call once, after construction. */
  public final void start() {
    lock();
    try {
      deliverStatus(status);
      lastAcceptedNanos = ctx.nanoClock().getAsLong();
      tickTask = ctx.scheduler().scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS,
          TimeUnit.MILLISECONDS);
      connectLocked();
    } finally {
      unlock();
    }
  }

  /** The phase. Lock held. */
  protected final Phase phase() {
    return phase;
  }

  /** True once CLOSED or FAILED. Lock held. */
  protected final boolean isTerminal() {
    return phase == Phase.CLOSED || phase == Phase.FAILED;
  }

  /** The open connection, or null while connecting or waiting. Lock held. */
  protected final Connection connection() {
    return phase == Phase.OPEN ? conn : null;
  }

  /** The last status. */
  public final ConnectionStatus status() {
    lock();
    try {
      return status;
    } finally {
      unlock();
    }
  }

  /** The metrics so far. */
  public final StreamMetrics metrics() {
    return metrics.snapshot();
  }

  /**
   * The current connection delivered something new (audio past the resume point, a committed
   * transcript): it was healthy, and the server accepted our input. Lock held.
   */
  protected final void markProgress() {
    progress = true;
    lastAcceptedNanos = ctx.nanoClock().getAsLong();
  }

  /**
   * The current connection is healthy (the server accepted the session and our input was sent
   * on it): the backoff starts again from its first delay after a drop. Lock held.
   */
  protected final void markHealthy() {
    progress = true;
  }

  /**
   * The server answered input sent on the current connection (e.g. a partial transcript of it),
   * or nothing is waiting to be accepted: the give-up clock
   * ({@link ReconnectPolicy#giveUpAfter()}) starts again. Lock held.
   */
  protected final void markAccepted() {
    lastAcceptedNanos = ctx.nanoClock().getAsLong();
  }

  /** The stream is ending: the finish timeout applies from now. Lock held. */
  protected final void markEnding() {
    ending = true;
    lastInboundNanos = ctx.nanoClock().getAsLong();
  }

  /** Changes whether drops can be resumed; reports it in the status. Lock held. */
  protected final void setResumable(boolean r, String note) {
    if (resumable == r && resumeNote.equals(note)) {
      return;
    }
    resumable = r;
    resumeNote = note;
    if (!isTerminal()) {
      emitStatus(status.state(), status.attempt(), status.retryDelay(), note);
    }
  }

  private void emitStatus(State state, int attempt, Duration delay, String message) {
    status = new ConnectionStatus(state, attempt, delay, resumable, message == null ? "" : message);
    deliverStatus(status);
  }

  private void connectLocked() {
    final int gen = ++generation;
    try {
      ctx.blockingExecutor().execute(() -> openAttempt(gen));
    } catch (RejectedExecutionException clientClosed) {
      failLocked(new SpeechError(ErrorCode.ERROR, "the client was closed"));
    }
  }

  private void openAttempt(int gen) {
    String token = null;
    if (ctx.tokenSupplier() != null) {
      try {
        token = ctx.tokenSupplier().token(tokenType());
        if (token == null || token.isBlank()) {
          throw new IOException("the token supplier returned no token");
        }
      } catch (Exception e) {
        int status = e instanceof VoiceClientException v ? v.statusCode() : 0;
        connectFailed(gen, e, status, true);
        return;
      }
    }
    URI uri;
    Map<String, String> headers = new LinkedHashMap<>();
    lock();
    try {
      if (gen != generation || isTerminal()) {
        return;
      }
      String pq = pathAndQuery();
      if (token != null) {
        String tq = Query.builder().add(tokenType().queryParam(), token).build();
        pq = pq + (pq.contains("?") ? "&" : "?") + tq;
      }
      uri = Urls.toWebSocket(Urls.resolve(ctx.baseUrl(), pq));
      if (ctx.apiKey() != null) {
        headers.put("xi-api-key", ctx.apiKey());
      }
    } finally {
      unlock();
    }
    Connection c;
    try {
      c = ctx.connector().connect(uri, headers, new Events(gen));
    } catch (RuntimeException e) {
      connectFailed(gen, e, 0, false);
      return;
    }
    lock();
    try {
      if (gen != generation || isTerminal()) {
        defer(c::cancel);
      } else if (conn != c) {
        connecting = c;
      }
    } finally {
      unlock();
    }
  }

  private void connectFailed(int gen, Throwable t, int httpStatus, boolean tokenFetch) {
    lock();
    try {
      if (gen != generation || isTerminal()) {
        return;
      }
      Failure f = classifyFailure(t, httpStatus);
      if (tokenFetch) {
        f = new Failure(new SpeechError(f.error().code(),
            "could not get a single-use token: " + f.error().message()), f.retryable());
      }
      dropLocked(f);
    } finally {
      unlock();
    }
  }

  /** Connection events of one generation; stale ones are ignored. */
  private final class Events implements ConnectionListener {
    private final int gen;

    Events(int gen) {
      this.gen = gen;
    }

    @Override
    public void onOpen(Connection c) {
      lock();
      try {
        if (gen != generation || isTerminal()) {
          defer(c::cancel);
          return;
        }
        conn = c;
        connecting = null;
        phase = Phase.OPEN;
        long now = ctx.nanoClock().getAsLong();
        connOpenedNanos = now;
        lastInboundNanos = now;
        progress = false;
        metrics.connections.increment();
        if (everOpened) {
          metrics.reconnects.increment();
        }
        everOpened = true;
        if (readingPaused) {
          c.pauseReading();
        }
        onConnectionOpen(c);
        if (phase == Phase.OPEN) {
          emitStatus(State.OPEN, 0, Duration.ZERO, resumeNote);
        }
      } finally {
        unlock();
      }
    }

    @Override
    public void onMessage(Connection c, String text) {
      lock();
      try {
        if (gen != generation || isTerminal() || conn != c) {
          return;
        }
        lastInboundNanos = ctx.nanoClock().getAsLong();
        onText(c, text);
      } finally {
        unlock();
      }
    }

    @Override
    public void onClosed(Connection c, int code, String reason) {
      lock();
      try {
        if (gen != generation || isTerminal()) {
          return;
        }
        dropLocked(classifyClose(code, reason));
      } finally {
        unlock();
      }
    }

    @Override
    public void onFailure(Connection c, Throwable error, int httpStatus) {
      lock();
      try {
        if (gen != generation || isTerminal()) {
          return;
        }
        dropLocked(classifyFailure(error, httpStatus));
      } finally {
        unlock();
      }
    }

    @Override
    public void onRoundTrip(long nanos) {
      metrics.roundTripNanos(nanos);
    }
  }

  /**
   * The server reported an error in a message: drop the connection and retry or fail according
   * to its code. Lock held.
   */
  protected final void serverError(SpeechError error) {
    if (isTerminal()) {
      return;
    }
    dropLocked(new Failure(error, ErrorPolicy.retry(error.code())));
  }

  /** The current connection is lost for the given reason. Lock held. */
  protected final void dropLocked(Failure f) {
    if (isTerminal()) {
      return;
    }
    Connection old = conn != null ? conn : connecting;
    conn = null;
    connecting = null;
    generation++;
    if (old != null) {
      defer(old::cancel);
    }
    long now = ctx.nanoClock().getAsLong();
    ReconnectPolicy policy = ctx.reconnectPolicy();
    boolean wasOpen = phase == Phase.OPEN;
    if (progress || (wasOpen && now - connOpenedNanos >= policy.stableAfter().toNanos())) {
      failures = 0;
    }
    boolean healthy = progress;
    progress = false;
    onConnectionLost();
    if (isTerminal()) {
      return;
    }
    if (completesOnDrop()) {
      finishLocked(true, "");
      return;
    }
    if (!f.retryable()) {
      failLocked(f.error());
      return;
    }
    String why = cannotResumeReason();
    if (why != null) {
      failLocked(new SpeechError(f.error().code(),
          "connection lost and " + why + " (" + f.error().message() + ")"));
      return;
    }
    if (!awaitingAcceptance()) {
      lastAcceptedNanos = now;
    }
    long idle = now - lastAcceptedNanos;
    if (policy.maxAttempts() > 0 && idle > policy.giveUpAfter().toNanos()) {
      failLocked(new SpeechError(f.error().code(), "gave up after " + idle / 1_000_000
          + " ms of reconnecting without any input accepted (limit "
          + policy.giveUpAfter().toMillis() + " ms); last error: " + f.error().message()));
      return;
    }
    // 1012: the server asks us to move now (a replica is drained); once in a row, else back off
    boolean immediate = f.retry() == Retry.NOW && (healthy || !lastDropWasNow)
        && policy.maxAttempts() > 0;
    lastDropWasNow = immediate;
    if (immediate) {
      phase = Phase.WAITING;
      log.info("{}: connection lost ({}); reconnecting now", name, f.error().message());
      emitStatus(State.RECONNECTING, 0, Duration.ZERO, f.error().message());
      try {
        retryTask = ctx.scheduler().schedule(this::retry, 0, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException clientClosed) {
        failLocked(new SpeechError(ErrorCode.ERROR, "the client was closed"));
      }
      return;
    }
    failures++;
    if (failures > policy.maxAttempts()) {
      String msg = policy.maxAttempts() == 0
          ? "connection lost and reconnecting is disabled: " + f.error().message()
          : "gave up after " + policy.maxAttempts()
              + " reconnect attempts in a row without progress; last error: "
              + f.error().message();
      failLocked(new SpeechError(f.error().code(), msg));
      return;
    }
    Duration delay = policy.delay(failures, ctx.random().nextDouble());
    phase = Phase.WAITING;
    log.info("{}: connection lost ({}); reconnecting, attempt {} in {} ms", name,
        f.error().message(), failures, delay.toMillis());
    emitStatus(State.RECONNECTING, failures, delay, f.error().message());
    try {
      retryTask = ctx.scheduler().schedule(this::retry, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException clientClosed) {
      failLocked(new SpeechError(ErrorCode.ERROR, "the client was closed"));
    }
  }

  private void retry() {
    lock();
    try {
      if (phase != Phase.WAITING) {
        return;
      }
      phase = Phase.CONNECTING;
      connectLocked();
    } finally {
      unlock();
    }
  }

  /** Fails the stream for good. Lock held. */
  protected final void failLocked(SpeechError error) {
    if (isTerminal()) {
      return;
    }
    phase = Phase.FAILED;
    generation++;
    stopLocked();
    Connection old = conn != null ? conn : connecting;
    conn = null;
    connecting = null;
    if (old != null) {
      defer(old::cancel);
    }
    log.warn("{} failed: {}", name, error);
    onTerminal();
    emitStatus(State.FAILED, 0, Duration.ZERO, error.message());
    deliverFailure(error);
  }

  /**
   * Ends the stream normally: closes the connection gracefully (the peer gets our close frame and
   * a bounded time to answer), reports CLOSED and the terminal callback. Lock held.
   */
  protected final void finishLocked(boolean complete, String message) {
    if (isTerminal()) {
      return;
    }
    phase = Phase.CLOSED;
    generation++;
    stopLocked();
    Connection old = conn;
    Connection pending = connecting;
    conn = null;
    connecting = null;
    if (old != null) {
      defer(() -> old.close(CloseCodes.NORMAL, CLOSE_REASON));
    }
    if (pending != null) {
      defer(pending::cancel);
    }
    onTerminal();
    emitStatus(State.CLOSED, 0, Duration.ZERO, message);
    deliverClosed(complete);
  }

  private void stopLocked() {
    if (retryTask != null) {
      retryTask.cancel(false);
    }
    if (tickTask != null) {
      tickTask.cancel(false);
    }
  }

  private void tick() {
    lock();
    try {
      if (phase != Phase.OPEN) {
        return;
      }
      long now = ctx.nanoClock().getAsLong();
      if (ending && now - lastInboundNanos > ctx.finishTimeout().toNanos()) {
        failLocked(new SpeechError(ErrorCode.ERROR, finishTimeoutWhat() + " within "
            + ctx.finishTimeout().toMillis() + " ms after end of input"));
        return;
      }
      if (!awaitingAcceptance()) {
        lastAcceptedNanos = now;
      }
      onTick(conn, now);
    } finally {
      unlock();
    }
  }

  private void pauseReading() {
    Connection c;
    lock();
    try {
      readingPaused = true;
      c = conn;
    } finally {
      unlock();
    }
    if (c != null) {
      c.pauseReading();
    }
  }

  private void resumeReading() {
    Connection c;
    lock();
    try {
      readingPaused = false;
      c = conn;
    } finally {
      unlock();
    }
    if (c != null) {
      c.resumeReading();
    }
  }

  // ---------------------------------------------------------------- classification

  /** Why a connection was lost, and whether (and how soon) trying again can help. */
  public record Failure(SpeechError error, Retry retry) {
    public Failure(SpeechError error, boolean retryable) {
      this(error, retryable ? Retry.BACKOFF : Retry.NEVER);
    }

    /** True unless {@link Retry#NEVER}. */
    public boolean retryable() {
      return retry.retryable();
    }
  }

  /** Classifies a transport failure or a refused handshake. */
  public static Failure classifyFailure(Throwable t, int httpStatus) {
    if (t instanceof VoiceClientException v && httpStatus == 0) {
      httpStatus = v.statusCode();
    }
    if (httpStatus == 401 || httpStatus == 403) {
      return new Failure(new SpeechError(ErrorCode.AUTH_ERROR,
          "the server refused the credentials (HTTP " + httpStatus + ")"), false);
    }
    if (httpStatus == 429) {
      return new Failure(new SpeechError(ErrorCode.RATE_LIMITED,
          "rate limited (HTTP 429)"), true);
    }
    if (httpStatus >= 500) {
      return new Failure(new SpeechError(ErrorCode.ERROR,
          "the server failed the handshake (HTTP " + httpStatus + ")"), true);
    }
    if (httpStatus >= 400) {
      return new Failure(new SpeechError(ErrorCode.INVALID_REQUEST,
          "the server refused the request (HTTP " + httpStatus + ")"), false);
    }
    String what = t == null ? "unknown" : t.getClass().getSimpleName()
        + (t.getMessage() == null ? "" : ": " + t.getMessage());
    return new Failure(new SpeechError(ErrorCode.ERROR, "connection failed: " + what), true);
  }

  /**
   * Classifies a close frame from the server that arrived before the stream was done and with no
   * error message before it, by {@link ErrorPolicy#retryAfterClose}.
   */
  public static Failure classifyClose(int code, String reason) {
    String msg = "the server closed the connection (" + code
        + (reason == null || reason.isEmpty() ? "" : " " + reason) + ")";
    return new Failure(new SpeechError(ErrorPolicy.errorAfterClose(code), msg),
        ErrorPolicy.retryAfterClose(code));
  }
}
