package io.voicewire.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Outbox} on an in-memory session: at most one write in flight, FIFO order, writes that
 * complete inside {@code sendText} (as Jetty's do when the socket takes the bytes at once) go on
 * in a loop rather than recursing, and a pump with nothing queued writes nothing.
 */
@Timeout(10)
class OutboxTest {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  /** The socket side: what was written, and the callbacks of writes not completed yet. */
  private static final class Wire {
    final List<String> texts = new ArrayList<>();
    final List<Callback> pending = new ArrayList<>();
    final List<String> closes = new ArrayList<>();
    boolean completeInline;
    int depth;
    int maxDepth;

    synchronized Callback next() {
      return pending.remove(0);
    }

    Session session() {
      return (Session) Proxy.newProxyInstance(Session.class.getClassLoader(),
          new Class<?>[] {Session.class}, (proxy, m, args) -> {
            switch (m.getName()) {
              case "sendText" -> {
                depth++;
                maxDepth = Math.max(maxDepth, depth);
                try {
                  synchronized (this) {
                    texts.add((String) args[0]);
                  }
                  Callback cb = (Callback) args[1];
                  if (completeInline) {
                    cb.succeed();
                  } else {
                    synchronized (this) {
                      pending.add(cb);
                    }
                  }
                } finally {
                  depth--;
                }
              }
              case "close" -> {
                synchronized (this) {
                  closes.add(args[0] + " " + args[1]);
                }
                ((Callback) args[2]).succeed();
              }
              case "disconnect" -> { }
              case "hashCode" -> {
                return System.identityHashCode(proxy);
              }
              case "equals" -> {
                return proxy == args[0];
              }
              case "toString" -> {
                return "wire";
              }
              default -> throw new UnsupportedOperationException(m.getName());
            }
            return null;
          });
    }
  }

  private Outbox outbox(Wire w, int maxMessages) {
    return new Outbox(w.session(), SessionKind.STT_REALTIME, new ServerMetrics(), 10_000,
        maxMessages, 1 << 20, timer, t -> { }, "{\"message_type\":\"queue_overflow\"}");
  }

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  @Test
  void writesThatCompleteInsideSendTextLoopInOrderWithoutRecursion() {
    Wire w = new Wire();
    w.completeInline = true;
    Outbox o = outbox(w, 2_000);
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      o.enqueue("m" + i, 0, 0, null);
      sent.add("m" + i);
    }
    o.pump();
    assertEquals(sent, w.texts);
    assertEquals(1, w.maxDepth, "a completion inside sendText started the next write in it");
    assertEquals(Outbox.Offer.OK, o.offer("last"));
    assertEquals("last", w.texts.get(w.texts.size() - 1));
  }

  @Test
  void oneWriteInFlightAndTheNextStartsOnItsCompletion() {
    Wire w = new Wire();
    Outbox o = outbox(w, 16);
    assertEquals(Outbox.Offer.OK, o.offer("a"));
    assertEquals(Outbox.Offer.OK, o.offer("b"));
    assertEquals(Outbox.Offer.OK, o.offer("c"));
    assertEquals(List.of("a"), w.texts);
    w.next().succeed();
    assertEquals(List.of("a", "b"), w.texts);
    w.next().succeed();
    w.next().succeed();
    assertEquals(List.of("a", "b", "c"), w.texts);
    assertTrue(w.pending.isEmpty());
  }

  @Test
  void enqueueWritesNothingUntilPumpedAndAnEmptyPumpWritesNothing() {
    Wire w = new Wire();
    Outbox o = outbox(w, 16);
    o.pump();
    assertTrue(w.texts.isEmpty());
    o.enqueue("x", 0, 0, null);
    assertTrue(w.texts.isEmpty());
    o.pump();
    assertEquals(List.of("x"), w.texts);
  }

  @Test
  void completionsOnOtherThreadsLoseNothingAndKeepTheOrder() throws Exception {
    Wire w = new Wire();
    Outbox o = outbox(w, 100_000);
    int n = 20_000;
    CountDownLatch done = new CountDownLatch(1);
    Thread completer = new Thread(() -> {
      int completed = 0;
      while (completed < n) {
        Callback cb = null;
        synchronized (w) {
          if (!w.pending.isEmpty()) {
            cb = w.pending.remove(0);
          }
        }
        if (cb != null) {
          cb.succeed();
          completed++;
        } else {
          Thread.onSpinWait();
        }
      }
      done.countDown();
    }, "outbox-test completer");
    completer.start();
    for (int i = 0; i < n; i++) {
      assertEquals(Outbox.Offer.OK, o.offer(Integer.toString(i)));
    }
    assertTrue(done.await(10, TimeUnit.SECONDS));
    synchronized (w) {
      assertEquals(n, w.texts.size());
      for (int i = 0; i < n; i++) {
        assertEquals(Integer.toString(i), w.texts.get(i));
      }
    }
  }

  @Test
  void closeReasonsAreCutToFitTheCloseFrame() {
    Wire w = new Wire();
    w.completeInline = true;
    Outbox o = outbox(w, 16);
    assertTrue(o.close(1008, "é".repeat(100)));
    assertEquals(List.of("1008 " + "é".repeat(60) + "..."), w.closes);
    assertTrue(o.isClosing());
    assertFalse(o.close(1000, "again"));
    assertEquals(Outbox.Offer.CLOSED, o.offer("late"));
  }
}
