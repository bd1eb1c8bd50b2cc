package io.voicewire.client.internal.stream;

import io.voicewire.client.ConnectionStatus;
import io.voicewire.client.internal.ClientContext;
import io.voicewire.client.internal.transport.Connection;
import io.voicewire.protocol.TokenType;
import io.voicewire.speech.SpeechError;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The connection supervisor of one stream: it connects, reconnects with backoff, reports status
 * and ends the stream (all of {@link ReconnectingStream}), and knows nothing of the protocol. A
 * stream holds one and gives it three narrow parts: a {@link WireSession} (what goes over each
 * connection), a {@link ResumeState} (what a drop means) and {@link StreamOutcomes} (where
 * status and the terminal event go). The supervisor is the only place that implements
 * {@link ReconnectingStream}'s hooks, so the streams composed from it override nothing.
 *
 * <p>Thread safety: as {@link ReconnectingStream}; the parts are called with the lock held, and
 * the stream takes the same lock ({@link #call}, {@link #run}) around its own state.
 */
final class ConnectionSupervisor extends ReconnectingStream {
  private final Endpoint endpoint;
  private WireSession wire;
  private ResumeState resume;
  private StreamOutcomes outcomes;

  ConnectionSupervisor(ClientContext ctx, Endpoint endpoint) {
    super(ctx, endpoint.name());
    this.endpoint = endpoint;
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
    lock();
    try {
      return body.get();
    } finally {
      unlock();
    }
  }

  /** {@link #call} without a result. */
  void run(Runnable body) {
    lock();
    try {
      body.run();
    } finally {
      unlock();
    }
  }

  // ------------------------------------------------ ReconnectingStream's hooks, to the parts

  @Override
  protected String pathAndQuery() {
    return endpoint.pathAndQuery();
  }

  @Override
  protected TokenType tokenType() {
    return endpoint.tokenType();
  }

  @Override
  protected String finishTimeoutWhat() {
    return endpoint.finishTimeoutWhat();
  }

  @Override
  protected void onConnectionOpen(Connection c) {
    wire.onOpen(c);
  }

  @Override
  protected void onText(Connection c, String text) {
    wire.onMessage(c, text);
  }

  @Override
  protected void onTick(Connection c, long nowNanos) {
    wire.onTick(c, nowNanos);
  }

  @Override
  protected void onConnectionLost() {
    wire.onLost();
  }

  @Override
  protected String cannotResumeReason() {
    return resume.cannotResumeReason();
  }

  @Override
  protected boolean completesOnDrop() {
    return resume.completesOnDrop();
  }

  @Override
  protected boolean awaitingAcceptance() {
    return resume.awaitingAcceptance();
  }

  @Override
  protected void onTerminal() {
    outcomes.onTerminal();
  }

  @Override
  protected void deliverStatus(ConnectionStatus status) {
    outcomes.status(status);
  }

  @Override
  protected void deliverClosed(boolean complete) {
    outcomes.closed(complete);
  }

  @Override
  protected void deliverFailure(SpeechError error) {
    outcomes.failed(error);
  }
}
