package io.voicewire.client.internal.stream;

import io.voicewire.client.ConnectionStatus;
import io.voicewire.client.StreamMetrics;

/**
 * What every stream over a {@link ConnectionSupervisor} answers the same way: its request, its
 * status and metrics, and {@code cancel()} / {@code close()} (both end it now; a graceful end is
 * each stream's own {@code end()}). Subclasses add their protocol as parts bound to the
 * supervisor. Thread safe: the supervisor's lock guards the state.
 *
 * @param <R> the request type
 */
abstract class SupervisedStream<R> {
  final R request;
  final ConnectionSupervisor sup;
  /** {@code end()} was called (guarded by the supervisor's lock). */
  boolean endRequested;

  SupervisedStream(R request, ConnectionSupervisor sup) {
    this.request = request;
    this.sup = sup;
  }

  /** Whether input is still taken: the stream is live and not asked to end. Lock held. */
  final boolean takingInput() {
    return !sup.isTerminal() && !endRequested;
  }

  /**
   * {@code end()}: at most once, and not after the stream ended. {@code ending} runs under the
   * lock once {@link #endRequested} is set. Returns whether it ran.
   */
  final boolean endOnce(Runnable ending) {
    return sup.call(() -> {
      if (!takingInput()) {
        return false;
      }
      endRequested = true;
      ending.run();
      return true;
    });
  }

  /** The request the stream was opened with. */
  public R request() {
    return request;
  }

  /** The connection status now. */
  public ConnectionStatus status() {
    return sup.status();
  }

  /** The stream's counters. */
  public StreamMetrics metrics() {
    return sup.metrics();
  }

  /** Ends the stream now, without waiting for what is in flight. */
  public void cancel() {
    sup.cancel();
  }

  /** The same as {@link #cancel()}. */
  public void close() {
    sup.cancel();
  }
}
