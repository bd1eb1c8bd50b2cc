package io.voicewire.client.internal.stream;

import io.voicewire.client.ConnectionStatus.State;
import io.voicewire.client.ConnectionStatus;
import io.voicewire.client.StreamMetrics;
import io.voicewire.client.internal.ClientContext;
import io.voicewire.client.internal.Dispatcher;
import io.voicewire.client.internal.Logs;
import io.voicewire.client.internal.Metrics;
import io.voicewire.client.internal.transport.Connection;
import io.voicewire.protocol.CloseCodes;
import io.voicewire.protocol.ErrorPolicy;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The reconnect layer above one-shot {@link Connection}s, shared by every stream kind: it opens
 * connections (asking the token supplier each time), classifies drops ({@link Failure}), backs
 * off and retries or gives up loudly ({@link ReconnectBudget}), reports status
 * ({@link StatusReport}), runs keep-alive ticks and the finish timeout, and routes back-pressure
 * from the listener's {@link Dispatcher} to the current connection. It knows nothing of the protocol: a stream holds one and gives it
 * three narrow parts, a {@link WireSession} (what goes over each connection), a
 * {@link ResumeState} (what a drop means) and {@link StreamOutcomes} (where status and the
 * terminal event go).
 *
 * <p>Phases: {@code CONNECTING → OPEN → (drop) WAITING → CONNECTING → …}, ending in
 * {@code CLOSED} ({@link #finishLocked}, {@link #cancel}) or {@code FAILED} ({@link #failLocked}).
 *
 * <p>Thread safety: one {@link StreamLock} guards the supervisor and its stream's state; the
 * parts are called with it held, and the stream takes it ({@link #call}, {@link #run}) around
 * its own state. It is never held while calling a listener (callbacks go through
 * {@link #events}) or doing socket I/O (connections only queue under the lock; cancels and
 * closes are {@link #defer deferred} until the lock is released).
 */
final class ConnectionSupervisor {
  private static final Logger log = Logs.get(ConnectionSupervisor.class);

  /** Period of the keep-alive and timeout checks, ms. */
  static final long TICK_MILLIS = 100;
  /** Close reason sent when the client ends a session. */
  static final String CLOSE_REASON = "User ended session";
  /** The reason of the close 1000 of a server session the stream gives up for a new one. */
  static final String ABANDON_REASON = "session abandoned for a new one";

  /** The phases of the logical stream. */
  enum Phase { CONNECTING, OPEN, WAITING, CLOSED, FAILED }

  final ClientContext ctx;
  final Dispatcher events;
  final Metrics metrics;
  final String name;

  private final StreamLock lock;
  private final Endpoint endpoint;
  private final ReconnectBudget budget;
  private final Dialer dialer;
  private WireSession wire;
  private ResumeState resume;
  private StreamOutcomes outcomes;
  /** Written under the lock; volatile for the lock-free reads of {@link #connectionUnlocked}. */
  private volatile Phase phase = Phase.CONNECTING;
  private long lastInboundNanos;
  private boolean everOpened;
  private boolean readingPaused;
  private boolean ending;
  private ScheduledFuture<?> retryTask;
  private ScheduledFuture<?> tickTask;
  /** The status and resumability reported; its sink is {@link #outcomes}, once bound. */
  private final StatusReport report = new StatusReport(s -> outcomes.status(s));

  ConnectionSupervisor(ClientContext ctx, Endpoint endpoint) {
    this(ctx, endpoint, true);
  }

  /**
   * @param latencyMetrics false for a relay's stream: {@link #metrics()} then has the counters
   *     only (see {@link Metrics#countersOnly()})
   */
  ConnectionSupervisor(ClientContext ctx, Endpoint endpoint, boolean latencyMetrics) {
    this.ctx = ctx;
    this.endpoint = endpoint;
    this.name = endpoint.name();
    this.lock = new StreamLock(name);
    this.budget = new ReconnectBudget(ctx.reconnectPolicy(), ctx.random());
    this.metrics = latencyMetrics ? new Metrics(ctx.nanoClock()) : Metrics.countersOnly();
    this.events = new Dispatcher(ctx.callbackExecutor(), "VoiceClient " + name + " events",
        this::pauseReading, this::resumeReading, lock::isHeldByCurrentThread);
    lock.afterRelease(events::flush);
    this.dialer = new Dialer(ctx, endpoint, lock, metrics, this::isTerminal,
        () -> wire.queryExtras(), new Dialer.Events() {
          @Override
          public void opened(Connection c) {
            ConnectionSupervisor.this.opened(c);
          }

          @Override
          public void message(Connection c, String text) {
            received(c, text);
          }

          @Override
          public void lost(Failure f) {
            dropLocked(f);
          }
        });
  }

  /** Gives the supervisor its parts; once, before anything can report a status. */
  void bind(WireSession wire, ResumeState resume, StreamOutcomes outcomes) {
    if (this.wire != null) {
      throw new IllegalStateException("already bound");
    }
    this.wire = Objects.requireNonNull(wire, "wire == null");
    this.resume = Objects.requireNonNull(resume, "resume == null");
    this.outcomes = Objects.requireNonNull(outcomes, "outcomes == null");
  }

  /** Runs {@code body} with the lock held; deferred actions and callbacks run after release. */
  <T> T call(Supplier<T> body) {
    return lock.call(body);
  }

  /** {@link #call} without a result. */
  void run(Runnable body) {
    lock.run(body);
  }

  /** Runs {@code r} once the lock is released. Lock held. */
  void defer(Runnable r) {
    lock.defer(r);
  }

  // ---------------------------------------------------------------- lifecycle

  /** Starts the first connection. Call once, after {@link #bind}. */
  void start() {
    lock.run(() -> {
      report.publish();
      budget.started(ctx.nanoClock().getAsLong());
      long tick = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
      tickTask = ctx.scheduler().scheduleAtFixedRate(this::tick,
          TickGrid.firstDelayNanos(System.nanoTime(), tick), tick, TimeUnit.NANOSECONDS);
      connectLocked();
    });
  }

  /**
   * Cancels at once: the stream stops, and the only event still delivered is the terminal one.
   * Idempotent.
   */
  void cancel() {
    lock.run(() -> finishLocked(false, "cancelled"));
  }

  /** The phase. Lock held. */
  Phase phase() {
    return phase;
  }

  /** True once CLOSED or FAILED. Lock held, or a recent value without it (volatile). */
  boolean isTerminal() {
    return phase == Phase.CLOSED || phase == Phase.FAILED;
  }

  /** The open connection, or null while connecting or waiting. Lock held. */
  Connection connection() {
    return phase == Phase.OPEN ? dialer.open() : null;
  }

  /** {@link #connection()} read without the lock: a recent value, for an admission check. */
  Connection connectionUnlocked() {
    return phase == Phase.OPEN ? dialer.openUnlocked() : null;
  }

  /** {@link StreamLock#submit(Runnable, Supplier)}: the caller never parks on the lock. */
  void submit(Runnable body, Supplier<Runnable> kept) {
    lock.submit(body, kept);
  }

  /** Work submitted to the stream's lock and not run yet, e.g. messages read (no lock). */
  int pendingTasks() {
    return lock.pendingTasks();
  }

  /** The last status. */
  ConnectionStatus status() {
    return lock.call(report::current);
  }

  /** The metrics so far. */
  StreamMetrics metrics() {
    return metrics.snapshot();
  }

  /**
   * The current connection delivered something new (audio past the resume point, a committed
   * transcript): it was healthy, and the server accepted our input. Lock held.
   */
  void markProgress() {
    budget.markProgress(ctx.nanoClock().getAsLong());
  }

  /**
   * The current connection is healthy (the server accepted the session and our input was sent
   * on it): the backoff starts again from its first delay after a drop. Lock held.
   */
  void markHealthy() {
    budget.markHealthy();
  }

  /**
   * The server answered input sent on the current connection (e.g. a partial transcript of it),
   * or nothing is waiting to be accepted: the give-up clock starts again. Lock held.
   */
  void markAccepted() {
    budget.markAccepted(ctx.nanoClock().getAsLong());
  }

  /** The stream is ending: the finish timeout applies from now. Lock held. */
  void markEnding() {
    ending = true;
    lastInboundNanos = ctx.nanoClock().getAsLong();
  }

  /** Changes whether drops can be resumed; reports it in the status. Lock held. */
  void setResumable(boolean r, String note) {
    report.resumable(r, note, !isTerminal());
  }

  private void connectLocked() {
    try {
      dialer.dial();
    } catch (RejectedExecutionException clientClosed) {
      failLocked(new SpeechError(ErrorCode.ERROR, "the client was closed"));
    }
  }

  /** The current attempt's connection opened. Lock held. */
  private void opened(Connection c) {
    phase = Phase.OPEN;
    long now = ctx.nanoClock().getAsLong();
    budget.opened(now);
    lastInboundNanos = now;
    metrics.connections.increment();
    if (everOpened) {
      metrics.reconnects.increment();
    }
    everOpened = true;
    if (readingPaused) {
      c.pauseReading();
    }
    wire.onOpen(c);
    if (phase == Phase.OPEN) {
      report.emit(State.OPEN, 0, Duration.ZERO, report.resumeNote());
    }
  }

  /** A message on the current attempt's connection. Lock held. */
  private void received(Connection c, String text) {
    lastInboundNanos = ctx.nanoClock().getAsLong();
    wire.onMessage(c, text);
  }

  /**
   * The server reported an error in a message: drop the connection and retry or fail according
   * to its code. Lock held.
   */
  void serverError(SpeechError error) {
    if (!isTerminal()) {
      dropLocked(new Failure(error, ErrorPolicy.retry(error.code())));
    }
  }

  /** The current connection is lost for the given reason. Lock held. */
  void dropLocked(Failure failure) {
    dropLocked(failure, false);
  }

  /**
   * The stream gives up the current connection's server session on purpose (it starts a new
   * one): the connection is closed with 1000, so that a server that parks sessions for resume
   * ends this one at once and frees its slot instead of holding it for its grace; then as
   * {@link #dropLocked(Failure)}. Lock held.
   */
  void abandonLocked(Failure failure) {
    dropLocked(failure, true);
  }

  private void dropLocked(Failure failure, boolean closeNormally) {
    if (isTerminal()) {
      return;
    }
    Failure f = resume.reclassify(failure);
    Connection old = dialer.release();
    if (old != null) {
      lock.defer(closeNormally ? () -> old.close(CloseCodes.NORMAL, ABANDON_REASON)
          : old::cancel);
    }
    long now = ctx.nanoClock().getAsLong();
    boolean healthy = budget.dropped(phase == Phase.OPEN, now);
    wire.onLost(f);
    if (isTerminal()) {
      return;
    }
    if (resume.completesOnDrop()) {
      finishLocked(true, "");
      return;
    }
    if (!f.retryable()) {
      failLocked(f.error());
      return;
    }
    String why = resume.cannotResumeReason();
    if (why != null) {
      failLocked(new SpeechError(f.error().code(),
          "connection lost and " + why + " (" + f.error().message() + ")"));
      return;
    }
    ReconnectBudget.Decision d = budget.decide(f, healthy, resume.awaitingAcceptance(), now);
    if (d.failure() != null) {
      failLocked(d.failure());
      return;
    }
    phase = Phase.WAITING;
    if (d.capacity()) {
      log.info("{}: refused for capacity ({}); refusal {} in a row, trying again in {} ms",
          name, f.error().message(), d.attempt(), d.delay().toMillis());
    } else if (d.attempt() == 0) {
      log.info("{}: connection lost ({}); reconnecting now", name, f.error().message());
    } else {
      log.info("{}: connection lost ({}); reconnecting, attempt {} in {} ms", name,
          f.error().message(), d.attempt(), d.delay().toMillis());
    }
    report.emit(d.capacity() ? State.CAPACITY_REFUSAL : State.RECONNECTING, d.attempt(),
        d.delay(), f.error().message());
    try {
      retryTask = ctx.scheduler().schedule(this::retry, d.delay().toNanos(),
          TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException clientClosed) {
      failLocked(new SpeechError(ErrorCode.ERROR, "the client was closed"));
    }
  }

  private void retry() {
    lock.run(() -> {
      if (phase == Phase.WAITING) {
        phase = Phase.CONNECTING;
        connectLocked();
      }
    });
  }

  /** Fails the stream for good. Lock held. */
  void failLocked(SpeechError error) {
    if (isTerminal()) {
      return;
    }
    phase = Phase.FAILED;
    Connection old = stopLocked();
    if (old != null) {
      lock.defer(old::cancel);
    }
    log.warn("{} failed: {}", name, error);
    outcomes.onTerminal();
    report.emit(State.FAILED, 0, Duration.ZERO, error.message());
    outcomes.failed(error);
  }

  /**
   * Ends the stream normally: closes the connection gracefully (the peer gets our close frame and
   * a bounded time to answer), reports CLOSED and the terminal callback. Lock held.
   */
  void finishLocked(boolean complete, String message) {
    if (isTerminal()) {
      return;
    }
    phase = Phase.CLOSED;
    Connection open = dialer.open();
    Connection pending = stopLocked();
    if (open != null) {
      open.closeFollows(); // before the listener hears of the end: a client closed then waits
      lock.defer(() -> open.close(CloseCodes.NORMAL, CLOSE_REASON));
    }
    if (pending != null && pending != open) {
      lock.defer(pending::cancel);
    }
    outcomes.onTerminal();
    report.emit(State.CLOSED, 0, Duration.ZERO, message);
    outcomes.closed(complete);
  }

  /** Stops timers and connections; returns the connection (open, else pending), or null. */
  private Connection stopLocked() {
    if (retryTask != null) {
      retryTask.cancel(false);
    }
    if (tickTask != null) {
      tickTask.cancel(false);
    }
    return dialer.release();
  }

  private void tick() {
    lock.run(() -> {
      if (phase != Phase.OPEN) {
        return;
      }
      long now = ctx.nanoClock().getAsLong();
      if (ending && now - lastInboundNanos > ctx.finishTimeout().toNanos()) {
        failLocked(new SpeechError(ErrorCode.ERROR, endpoint.finishTimeoutWhat() + " within "
            + ctx.finishTimeout().toMillis() + " ms after end of input"));
        return;
      }
      if (!resume.awaitingAcceptance()) {
        budget.markAccepted(now);
      }
      wire.onTick(dialer.open(), now);
    });
  }

  private void pauseReading() {
    Connection c = lock.call(() -> {
      readingPaused = true;
      return dialer.open();
    });
    if (c != null) {
      c.pauseReading();
    }
  }

  private void resumeReading() {
    Connection c = lock.call(() -> {
      readingPaused = false;
      return dialer.open();
    });
    if (c != null) {
      c.resumeReading();
    }
  }
}
