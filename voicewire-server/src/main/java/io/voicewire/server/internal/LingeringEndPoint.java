package io.voicewire.server.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server socket's endpoint that closes with a lingering close: when the connection is closed
 * while the peer is still sending (bytes unread at the close), the output is shut down (a FIN
 * after what was written, e.g. the WebSocket close frame) and the input is read and dropped,
 * undecoded, until the peer closes its side, {@link #LINGER_MILLIS} pass or {@link
 * #LINGER_BYTES} were dropped; then the socket closes.
 *
 * <p>Every close lingers until the peer's end of stream, unless that came already: a peer that
 * has nothing in flight at the close, but writes again a moment later, would be reset too. An
 * ordinary peer closes its side as soon as it reads the FIN, which ends the lingering within a
 * poll ({@link #POLL_MILLIS}).
 *
 * <p>Why: a socket closed with unread input makes the kernel answer with a reset. A client still
 * writing (a message the server refused as too large, a body it did not read) then fails its
 * write, and the JDK's WebSocket client, among others, fails the whole socket (1006) without
 * reading the close frame that says why (1009): the client retries what retrying cannot fix.
 * Jetty drops the connection as soon as it has written an error close frame.
 *
 * <p>The bytes are dropped as they come, never parsed or inflated (a compression bomb costs
 * nothing here). At most {@link #MAX_LINGERING} sockets linger at once; beyond that a socket
 * closes at once, as without this. Thread safe: Jetty closes an endpoint once; the lingering sockets are
 * read by one daemon thread.
 */
class LingeringEndPoint extends SocketChannelEndPoint {
  /** The longest a closed connection keeps reading what its peer still sends. */
  static final long LINGER_MILLIS = 2_000;
  /** The most bytes a lingering connection reads and drops before it closes anyway. */
  static final long LINGER_BYTES = 16L * 1024 * 1024;
  /** The most connections lingering at once (the rest close at once). */
  static final int MAX_LINGERING = 1024;
  /** How often the lingering sockets are read. */
  static final long POLL_MILLIS = 10;

  private static final Logger LOG = LoggerFactory.getLogger("io.voicewire.server");
  private static final Lingering LINGERING = new Lingering();

  private final ManagedSelector selector;

  LingeringEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key,
      Scheduler scheduler) {
    super(channel, selector, key, scheduler);
    this.selector = selector;
  }

  @Override
  public void doClose() {
    if (!LINGERING.start(getChannel(), this::closeLingered)) {
      super.doClose();
    }
  }

  /**
   * The close at the end of the lingering, on the reader's thread. A channel registered with a
   * selector is released only when that selector next selects, so the selector is woken: an
   * idle one would otherwise keep the socket open, unread, and its peer blocked in a write.
   */
  private void closeLingered() {
    super.doClose();
    java.nio.channels.Selector s = selector.getSelector();
    if (s != null) {
      s.wakeup(); // a selector closed with its server meanwhile: nothing to wake
    }
  }

  /** How many connections of this process linger now. */
  static int lingering() {
    return LINGERING.size();
  }

  /** How many connections of this process have lingered since it started. */
  static long lingered() {
    return LINGERING.started.get();
  }

  /** The lingering sockets and the thread that reads them. */
  private static final class Lingering {
    private final List<Linger> open = new ArrayList<>(); // guarded by this
    final AtomicLong started = new AtomicLong();
    private ScheduledExecutorService reader; // guarded by this; made on first use
    private ScheduledFuture<?> polling; // guarded by this; null while none lingers

    /** One socket: the close to run at the end, and what it read. */
    private static final class Linger {
      final SocketChannel channel;
      final Runnable close;
      final long deadlineNanos = System.nanoTime()
          + TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS);
      long dropped;

      Linger(SocketChannel channel, Runnable close) {
        this.channel = channel;
        this.close = close;
      }
    }

    synchronized int size() {
      return open.size();
    }

    /**
     * Lingers {@code channel} until its peer closes; false when it should close now (the peer
     * closed already, a failure, or too many lingering).
     */
    boolean start(SocketChannel channel, Runnable close) {
      long n;
      try {
        n = channel.read(ByteBuffer.allocate(8192));
      } catch (IOException | RuntimeException e) {
        return false;
      }
      if (n < 0) {
        return false; // the peer closed its side already: nothing more can come to be reset
      }
      // n == 0 too: a peer between two writes (a trickle, a network that delivers in bursts)
      // would otherwise be reset by its next write; an ordinary peer closes at our FIN, which
      // ends the lingering at once
      try {
        channel.shutdownOutput(); // the peer reads what was written, then the end
      } catch (IOException | RuntimeException e) {
        return false;
      }
      synchronized (this) { // no I/O under this monitor
        if (open.size() >= MAX_LINGERING) {
          return false; // closed at once, as without lingering (its output is shut already)
        }
        Linger l = new Linger(channel, close);
        l.dropped = n;
        open.add(l);
        started.incrementAndGet();
        if (reader == null) {
          reader = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "voicewire-linger");
            th.setDaemon(true);
            return th;
          });
        }
        if (polling == null) {
          polling = reader.scheduleWithFixedDelay(this::readAll, POLL_MILLIS, POLL_MILLIS,
              TimeUnit.MILLISECONDS);
        }
      }
      return true;
    }

    /** Reads every lingering socket; closes those done (reader thread). */
    private void readAll() {
      List<Linger> now;
      synchronized (this) {
        now = new ArrayList<>(open);
      }
      ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
      for (Linger l : now) {
        boolean done = false;
        try {
          long n;
          do {
            sink.clear();
            n = l.channel.read(sink);
            if (n > 0) {
              l.dropped += n;
            }
          } while (n > 0 && l.dropped < LINGER_BYTES);
          done = n < 0 || l.dropped >= LINGER_BYTES || System.nanoTime() > l.deadlineNanos;
        } catch (IOException | RuntimeException e) {
          done = true;
        }
        if (done) {
          synchronized (this) {
            open.remove(l);
            if (open.isEmpty() && polling != null) {
              polling.cancel(false); // nothing to read until the next lingering close
              polling = null;
            }
          }
          try {
            l.close.run();
          } catch (RuntimeException e) {
            LOG.debug("closing a lingering socket failed: {}", e.toString());
          }
        }
      }
    }
  }
}
