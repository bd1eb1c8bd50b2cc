package io.voicewire.client.internal.transport;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A connector's connections that have not ended, so that its shutdown can let those whose
 * graceful close is under way finish it ({@link Connector#awaitClosing}). A connection leaves at
 * its terminal event. Thread safe, without locks of its own.
 */
final class LiveConnections {
  private final Set<BaseConnection<?>> live = ConcurrentHashMap.newKeySet();

  /** Tracks {@code c} until its terminal event; returns it. */
  <C extends BaseConnection<?>> C add(C c) {
    live.add(c);
    c.closing.ended().whenComplete((v, t) -> live.remove(c));
    return c;
  }

  /** Waits, at most {@code millis}, for the connections closing now to end. */
  void awaitClosing(long millis) throws InterruptedException {
    CompletableFuture<?>[] closing = live.stream()
        .filter(c -> !c.isTerminal() && c.closing.underWay())
        .map(c -> c.closing.ended()).toArray(CompletableFuture[]::new);
    if (closing.length == 0) {
      return;
    }
    try {
      CompletableFuture.allOf(closing).get(millis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // a peer that does not answer: stopping anyway, as its close timeout would have
    }
  }
}
