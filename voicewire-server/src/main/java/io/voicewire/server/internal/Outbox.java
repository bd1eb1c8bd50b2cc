package io.voicewire.server.internal;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * The outbound side of one WebSocket: a bounded FIFO of text messages (and a final close) with at
 * most one write in flight. Any thread may offer; whoever finds the socket idle writes, outside
 * the lock, and the write's completion callback continues with the next message, so nothing
 * here ever blocks and no lock is held across I/O.
 *
 * <p>Bounds: {@code maxQueuedAudioMillis} of audio, {@code maxQueuedMessages} messages and
 * {@code maxQueuedBytes} bytes (UTF-16 chars × 2 of the queued text, what the heap holds) not yet
 * handed to the socket. Overflow policy: {@link #offer} returns {@link Offer#OVERFLOW} and takes
 * nothing; the owner then fails <em>that session</em> with {@code queue_overflow} via
 * {@link #failWith}, which drops what is queued and sends the error and the close ahead of
 * nothing else. Other sessions are unaffected.
 *
 * <p>Urgent messages (errors, {@code isFinal}) pass the message-count bound by up to
 * {@link #MAX_URGENT_EXTRA_MESSAGES} but never the byte bound: an urgent message that does not fit
 * fails the session by itself, with the {@code overflowJson} the owner gave and close 1008.
 *
 * <p>Messages can be tagged (a TTS context) and {@link #purge purged} while still queued, so a
 * cancelled context's audio never goes out after its {@code isFinal}.
 *
 * <p>Thread safe.
 */
final class Outbox {
  /** Result of an {@link #offer}. */
  enum Offer {
    OK,
    OVERFLOW,
    CLOSED
  }

  /**
   * A session failed for overflow is disconnected this long after the failure even if its close
   * frame could not be written (a peer that does not read never lets the write in flight finish):
   * its work then ends with it.
   */
  static final long FAIL_DISCONNECT_MILLIS =
      CloseFrame.ERROR_GRACE_MILLIS + CloseFrame.CANCEL_AFTER_MILLIS;
  /** How many urgent messages may queue beyond {@code maxQueuedMessages}. */
  static final int MAX_URGENT_EXTRA_MESSAGES = 64;

  private record Item(String text, long audioMillis, long audioBytes, Object tag, int closeCode,
      String closeReason) {
    boolean isClose() {
      return text == null;
    }
  }

  private final Session session;
  private final SessionKind kind;
  private final ServerMetrics metrics;
  private final long maxQueuedAudioMillis;
  private final int maxQueuedMessages;
  private final long maxQueuedBytes;
  private final String overflowJson;
  /** The close reason of an urgent overflow, made to fit once (not under the lock). */
  private final String overflowReason;
  private final Consumer<Throwable> onWriteFailure;
  private final ScheduledExecutorService timer;

  private final Object lock = new Object();
  private final ArrayDeque<Item> queue = new ArrayDeque<>(4);
  /** Written under the lock, read without it by {@link #queuedAudioMillis()}. */
  private volatile long queuedAudioMillis;
  private long queuedBytes;
  private boolean inFlight;
  private boolean pumping;
  /**
   * {@code !queue.isEmpty()}, written under the lock whenever the queue changes, read without it
   * by {@link #pump()}: a pump with nothing queued (most of them: every session event pumps) takes
   * no lock. Whoever queues pumps after (or is the pumping thread), so no message is stranded.
   */
  private volatile boolean queued;
  private boolean closeQueued;
  private boolean terminated;
  /**
   * {@code closeQueued || terminated}, written under the lock with them, read without it by
   * {@link #isClosing} (once per inbound message: no monitor per frame).
   */
  private volatile boolean closing;
  /** Runs after each message written (outside the lock); the TTS downlink's resume check. */
  private volatile Runnable onProgress = () -> { };
  /** When the last write completed (or the outbox was made). */
  private volatile long lastProgressNanos = System.nanoTime();
  /** Pump-thread only: a message went out before the close (the close then may wait). */
  private boolean wroteMessage;

  /**
   * @param overflowJson the error message sent (then close 1008) when an urgent message does not
   *     fit in {@code maxQueuedBytes}
   */
  Outbox(Session session, SessionKind kind, ServerMetrics metrics, long maxQueuedAudioMillis,
      int maxQueuedMessages, long maxQueuedBytes, ScheduledExecutorService timer,
      Consumer<Throwable> onWriteFailure, String overflowJson) {
    this.session = session;
    this.timer = timer;
    this.kind = kind;
    this.metrics = metrics;
    this.maxQueuedAudioMillis = maxQueuedAudioMillis;
    this.maxQueuedMessages = maxQueuedMessages;
    this.maxQueuedBytes = maxQueuedBytes;
    this.overflowJson = overflowJson;
    this.overflowReason = ClientText.closeReason(Errors.overflowMessage(maxQueuedBytes));
    this.onWriteFailure = onWriteFailure;
  }

  /** Pumps when {@code queued} (an enqueue succeeded); returns it. */
  private boolean pumpedIf(boolean queued) {
    if (queued) {
      pump();
    }
    return queued;
  }

  /** Sets what runs after each message written (set once, before the first offer). */
  void onProgress(Runnable r) {
    onProgress = r;
  }

  /** Milliseconds since the last write completed. */
  long millisSinceProgress() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastProgressNanos);
  }

  /** Heap bytes a queued message holds (two per UTF-16 char). */
  static long sizeOf(String json) {
    return 2L * json.length();
  }

  /** Queues a message within the bounds. */
  Offer offer(String json) {
    return offer(json, 0, 0, null);
  }

  /**
   * Queues a message carrying {@code audioMillis} of audio within the bounds, and sends: one
   * lock acquisition queues it and, when the socket is idle, claims its write.
   */
  Offer offer(String json, long audioMillis, long audioBytes, Object tag) {
    Item first;
    synchronized (lock) {
      Offer o = addLocked(json, audioMillis, audioBytes, tag);
      if (o != Offer.OK) {
        return o;
      }
      first = claimLocked();
    }
    if (first != null) {
      writeFrom(first);
    }
    return Offer.OK;
  }

  /**
   * Queues without starting a write: callers that must order this message atomically with their
   * own state change do that under their lock, then call {@link #pump()} after releasing it.
   */
  Offer enqueue(String json, long audioMillis, long audioBytes, Object tag) {
    synchronized (lock) {
      return addLocked(json, audioMillis, audioBytes, tag);
    }
  }

  private Offer addLocked(String json, long audioMillis, long audioBytes, Object tag) {
    assert Thread.holdsLock(lock);
    if (closeQueued || terminated) {
      return Offer.CLOSED;
    }
    long size = sizeOf(json);
    long audio = queuedAudioMillis;
    if (queue.size() >= maxQueuedMessages
        || (audioMillis > 0 && audio + audioMillis > maxQueuedAudioMillis && audio > 0)
        || (queuedBytes + size > maxQueuedBytes && !queue.isEmpty())) {
      return Offer.OVERFLOW;
    }
    queue.add(new Item(json, audioMillis, audioBytes, tag, 0, null));
    queued = true;
    if (audioMillis != 0) {
      queuedAudioMillis = audio + audioMillis;
    }
    queuedBytes += size;
    return Offer.OK;
  }

  /** Queues a message past the bounds (a terminal error); false when closing or closed. */
  boolean offerUrgent(String json) {
    return pumpedIf(enqueueUrgent(json));
  }

  /**
   * {@link #offerUrgent} without starting a write; see {@link #enqueue}. An urgent message beyond
   * the bounds (see the class comment) fails the session instead: false.
   */
  boolean enqueueUrgent(String json) {
    synchronized (lock) {
      if (closeQueued || terminated) {
        return false;
      }
      long size = sizeOf(json);
      if (!queue.isEmpty() && (queuedBytes + size > maxQueuedBytes
          || queue.size() >= maxQueuedMessages + MAX_URGENT_EXTRA_MESSAGES)) {
        metrics.error("queue_overflow");
        failLocked(overflowJson, 1008, overflowReason);
        return false;
      }
      queue.add(new Item(json, 0, 0, null, 0, null));
      queued = true;
      queuedBytes += size;
    }
    return true;
  }

  /** Closes the socket after everything queued so far; false when already closing. */
  boolean close(int code, String reason) {
    return pumpedIf(enqueueClose(code, reason));
  }

  /** {@link #close} without starting a write; see {@link #enqueue}. */
  boolean enqueueClose(int code, String reason) {
    String fit = ClientText.closeReason(reason); // outside the lock
    synchronized (lock) {
      if (closeQueued || terminated) {
        return false;
      }
      closeQueued = true;
      closing = true;
      queue.add(new Item(null, 0, 0, null, code, fit));
      queued = true;
    }
    return true;
  }

  /**
   * Drops everything queued (not the write in flight), then sends {@code json} and closes: the
   * path for a session that must end now (queue overflow). False when already closing.
   */
  boolean failWith(String json, int code, String reason) {
    return pumpedIf(enqueueFailWith(json, code, reason));
  }

  /** {@link #failWith} without starting a write; see {@link #enqueue}. */
  boolean enqueueFailWith(String json, int code, String reason) {
    String fit = ClientText.closeReason(reason); // outside the lock
    synchronized (lock) {
      if (closeQueued || terminated) {
        return false;
      }
      failLocked(json, code, fit);
    }
    return true;
  }

  /** Under the lock; {@code reason} already fits a close frame (see ClientText.closeReason). */
  private void failLocked(String json, int code, String reason) {
    assert Thread.holdsLock(lock);
    queue.clear();
    queuedAudioMillis = 0;
    queue.add(new Item(json, 0, 0, null, 0, null));
    queuedBytes = sizeOf(json);
    closeQueued = true;
    closing = true;
    queue.add(new Item(null, 0, 0, null, code, reason));
    queued = true;
    try {
      timer.schedule(session::disconnect, FAIL_DISCONNECT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException shuttingDown) {
      // the server is stopping: every session is closed anyway
    }
  }

  /** Removes queued messages tagged {@code tag}; returns how many. */
  int purge(Object tag) {
    int n = 0;
    synchronized (lock) {
      for (Iterator<Item> it = queue.iterator(); it.hasNext(); ) {
        Item i = it.next();
        if (!i.isClose() && tag.equals(i.tag)) {
          queuedAudioMillis -= i.audioMillis;
          queuedBytes -= sizeOf(i.text);
          it.remove();
          n++;
        }
      }
      queued = !queue.isEmpty();
    }
    return n;
  }

  /** The peer is gone: drop everything, accept nothing more. */
  void terminate() {
    synchronized (lock) {
      terminateLocked();
    }
  }

  private void terminateLocked() {
    assert Thread.holdsLock(lock);
    terminated = true;
    closing = true;
    queue.clear();
    queued = false;
    queuedAudioMillis = 0;
    queuedBytes = 0;
  }

  /** Whether a close has been queued or the socket is gone. */
  boolean isClosing() {
    return closing;
  }

  /** Milliseconds of audio queued and not yet handed to the socket (no lock). */
  long queuedAudioMillis() {
    return queuedAudioMillis;
  }

  /**
   * Starts writing if the socket is idle; never blocks. Takes no lock when nothing is queued.
   */
  void pump() {
    if (!queued) {
      return;
    }
    Item first;
    synchronized (lock) {
      first = claimLocked();
    }
    if (first != null) {
      writeFrom(first);
    }
  }

  /**
   * Under the lock: the next message to write when the socket is idle and no thread is pumping
   * (this thread then pumps: {@link #writeFrom}), else null.
   */
  private Item claimLocked() {
    assert Thread.holdsLock(lock);
    if (pumping || inFlight || terminated || queue.isEmpty()) {
      return null;
    }
    pumping = true;
    return takeLocked();
  }

  private Item takeLocked() {
    Item item = queue.poll();
    queued = !queue.isEmpty();
    if (item.audioMillis != 0) {
      queuedAudioMillis -= item.audioMillis;
    }
    if (!item.isClose()) {
      queuedBytes -= sizeOf(item.text);
    }
    inFlight = true;
    return item;
  }

  /**
   * The pumping thread: writes {@code item}, then the next while writes complete at once (a
   * completion during the write only clears {@code inFlight}: no recursion), and stops pumping as
   * soon as a write is pending (its completion continues) or nothing is queued.
   */
  private void writeFrom(Item item) {
    while (item != null) {
      write(item);
      synchronized (lock) {
        if (inFlight || terminated || queue.isEmpty()) {
          pumping = false;
          return;
        }
        item = takeLocked();
      }
    }
  }

  private void write(Item item) {
    if (item.isClose()) {
      if (wroteMessage && !CloseFrame.isOrdinary(item.closeCode)) {
        try {
          timer.schedule(() -> sendClose(item), CloseFrame.ERROR_GRACE_MILLIS,
              TimeUnit.MILLISECONDS);
          return;
        } catch (RejectedExecutionException shuttingDown) {
          // close now
        }
      }
      sendClose(item);
      return;
    }
    wroteMessage = true;
    metrics.messageOut(kind);
    if (item.audioBytes > 0) {
      metrics.audioOut(kind, item.audioBytes);
    }
    try {
      session.sendText(item.text, Callback.from(this::written, this::writeFailed));
    } catch (RuntimeException e) {
      writeFailed(e);
    }
  }

  private void sendClose(Item item) {
    CloseFrame.send(session, timer, item.closeCode, item.closeReason, this::closed);
  }

  private void written() {
    Item next;
    synchronized (lock) {
      inFlight = false;
      next = claimLocked(); // null while the pumping thread is still in write(): it goes on
    }
    lastProgressNanos = System.nanoTime();
    onProgress.run();
    if (next != null) {
      writeFrom(next);
    }
  }

  private void closed() {
    synchronized (lock) {
      inFlight = false;
      terminateLocked();
    }
  }

  private void writeFailed(Throwable t) {
    closed();
    onWriteFailure.accept(t);
  }
}
