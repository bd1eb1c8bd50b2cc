package io.voicewire.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fault-injecting TCP proxy for tests: forwards loopback connections to a target port and, on
 * command, misbehaves like a bad network.
 *
 * <ul>
 *   <li><b>cut</b> a connection mid-stream after a number of server→client bytes drawn from a
 *       seeded {@link Random} per connection ({@link #cutDownstreamBetween}), or every live
 *       connection now ({@link #cutAll}); a cut is abrupt (TCP reset, no close frame);
 *   <li><b>stall</b>: stop forwarding in both directions for a while, keeping the sockets open
 *       ({@link #stall});
 *   <li><b>delay</b> every forwarded read by a fixed time ({@link #delay});
 *   <li><b>cut during close</b>: reset a connection when a WebSocket close frame passes in either
 *       direction, before forwarding it ({@link #cutOnCloseFrame});
 *   <li><b>refuse</b> the next connections (accept, then reset at once) ({@link #refuseNext});
 *   <li><b>cut after the upgrade</b>: reset each WebSocket connection a seeded random time after
 *       its {@code 101} response passed ({@link #cutAfterUpgradeBetween}), like a network that
 *       drops every connection after a second or so.
 * </ul>
 * Counters tell a test what happened. Threads: one accept thread and two pump threads per
 * connection, all daemon and named {@code FaultProxy ...}. Thread safe.
 */
public final class FaultProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final Random random;
  private final List<Link> links = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger cuts = new AtomicInteger();
  private final AtomicInteger refuse = new AtomicInteger();
  private final AtomicLong stallUntilNanos = new AtomicLong();
  private volatile boolean cutUpstream;
  private volatile long minCut = -1;
  private volatile long maxCut = -1;
  private volatile int cutBudget = Integer.MAX_VALUE;
  private volatile long delayMillis;
  private volatile boolean cutOnClose;
  private volatile boolean closed;
  private volatile long minUpgradeCutMillis = -1;
  private volatile long maxUpgradeCutMillis = -1;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "FaultProxy timer");
    t.setDaemon(true);
    return t;
  });

  private FaultProxy(int targetPort, long seed) throws IOException {
    this.targetPort = targetPort;
    this.random = new Random(seed);
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "FaultProxy accept :" + server.getLocalPort());
    t.setDaemon(true);
    t.start();
  }

  /** Starts a proxy on a free loopback port forwarding to {@code 127.0.0.1:targetPort}. */
  public static FaultProxy start(int targetPort, long seed) throws IOException {
    return new FaultProxy(targetPort, seed);
  }

  public int port() {
    return server.getLocalPort();
  }

  /** {@code http://127.0.0.1:port}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  /**
   * From now on, each new connection is cut after a uniformly random number of server→client
   * bytes in {@code [min, max]}, until {@code budget} cuts were made in all.
   */
  public FaultProxy cutDownstreamBetween(long min, long max, int budget) {
    this.cutUpstream = false;
    this.minCut = min;
    this.maxCut = max;
    this.cutBudget = budget;
    return this;
  }

  /** Like {@link #cutDownstreamBetween}, counting client→server bytes instead. */
  public FaultProxy cutUpstreamBetween(long min, long max, int budget) {
    cutDownstreamBetween(min, max, budget);
    this.cutUpstream = true;
    return this;
  }

  /**
   * From now on, each WebSocket connection is cut (reset) a uniformly random time in
   * {@code [min, max]} after its {@code 101 Switching Protocols} response passed the proxy.
   */
  public FaultProxy cutAfterUpgradeBetween(Duration min, Duration max) {
    this.minUpgradeCutMillis = min.toMillis();
    this.maxUpgradeCutMillis = max.toMillis();
    return this;
  }

  /** Stops cutting connections that open from now on. */
  public FaultProxy noCuts() {
    this.minCut = -1;
    this.maxCut = -1;
    this.minUpgradeCutMillis = -1;
    this.maxUpgradeCutMillis = -1;
    return this;
  }

  /** Cuts every live connection now. */
  public void cutAll() {
    for (Link l : links) {
      l.cut();
    }
  }

  /** Forwards nothing, in either direction, for {@code d} (sockets stay open). */
  public void stall(Duration d) {
    stallUntilNanos.set(System.nanoTime() + d.toNanos());
  }

  /** Delays every forwarded read by {@code d}. */
  public FaultProxy delay(Duration d) {
    this.delayMillis = d.toMillis();
    return this;
  }

  /** Resets a connection when a WebSocket close frame would pass. */
  public FaultProxy cutOnCloseFrame(boolean on) {
    this.cutOnClose = on;
    return this;
  }

  /** Resets the next {@code n} connections as soon as they are accepted. */
  public FaultProxy refuseNext(int n) {
    refuse.set(n);
    return this;
  }

  /** Connections accepted so far. */
  public int connections() {
    return connections.get();
  }

  /** Connections cut so far (by any fault). */
  public int cuts() {
    return cuts.get();
  }

  /** Connections open now. */
  public int live() {
    return (int) links.stream().filter(l -> !l.done).count();
  }

  @Override
  public void close() {
    closed = true;
    timer.shutdownNow();
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    cutAll();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      int n = connections.incrementAndGet();
      if (refuse.getAndUpdate(x -> x > 0 ? x - 1 : 0) > 0) {
        reset(client);
        cuts.incrementAndGet();
        continue;
      }
      Socket upstream;
      try {
        upstream = new Socket();
        upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort),
            5000);
      } catch (IOException e) {
        reset(client);
        continue;
      }
      long cutAt = -1;
      long cutAfterUpgrade = -1;
      synchronized (random) {
        if (minCut >= 0 && cuts.get() < cutBudget) {
          cutAt = minCut + (long) (random.nextDouble() * (maxCut - minCut + 1));
        }
        if (minUpgradeCutMillis >= 0) {
          cutAfterUpgrade = minUpgradeCutMillis
              + (long) (random.nextDouble() * (maxUpgradeCutMillis - minUpgradeCutMillis + 1));
        }
      }
      Link l = new Link(client, upstream, cutAt, cutUpstream);
      l.cutAfterUpgradeMillis = cutAfterUpgrade;
      links.add(l);
      l.start(n);
    }
  }

  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0); // close with RST: an abrupt drop, not a FIN
      s.close();
    } catch (IOException ignored) {
      // already gone
    }
  }

  /** One proxied connection: two pumps. */
  private final class Link {
    final Socket client;
    final Socket upstream;
    final long cutAt;
    final boolean countUp;
    final AtomicLong counted = new AtomicLong();
    final FrameScanner downFrames = new FrameScanner();
    final FrameScanner upFrames = new FrameScanner();
    final AtomicInteger halfClosed = new AtomicInteger();
    volatile boolean done;
    volatile long cutAfterUpgradeMillis = -1;
    private boolean upgradeSeen;

    Link(Socket client, Socket upstream, long cutAt, boolean countUp) {
      this.client = client;
      this.upstream = upstream;
      this.cutAt = cutAt;
      this.countUp = countUp;
    }

    void start(int n) {
      Thread up = new Thread(() -> pump(client, upstream, false), "FaultProxy " + n + " up");
      Thread down = new Thread(() -> pump(upstream, client, true), "FaultProxy " + n + " down");
      up.setDaemon(true);
      down.setDaemon(true);
      up.start();
      down.start();
    }

    synchronized void cut() {
      if (done) {
        return;
      }
      done = true;
      cuts.incrementAndGet();
      reset(client);
      reset(upstream);
      links.remove(this);
    }

    synchronized void finish() {
      if (done) {
        return;
      }
      done = true;
      try {
        client.close();
        upstream.close();
      } catch (IOException ignored) {
        // gone
      }
      links.remove(this);
    }

    private void pump(Socket from, Socket to, boolean downstream) {
      byte[] buf = new byte[8192];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        while (!done) {
          int n = in.read(buf);
          if (n < 0) {
            // a half-close travels on as one (a server's FIN after its close frame); the link
            // ends when both directions have
            to.shutdownOutput();
            if (halfClosed.incrementAndGet() < 2) {
              return;
            }
            break;
          }
          while (System.nanoTime() < stallUntilNanos.get() && !done) {
            Thread.sleep(5);
          }
          if (delayMillis > 0) {
            Thread.sleep(delayMillis);
          }
          int forward = n;
          boolean cutNow = false;
          if (downstream != countUp && cutAt >= 0) {
            long before = counted.getAndAdd(n);
            if (before + n > cutAt) {
              forward = (int) Math.max(0, cutAt - before);
              cutNow = true;
            }
          }
          if (cutOnClose) {
            int close = (downstream ? downFrames : upFrames).scan(buf, 0, forward);
            if (close >= 0) {
              forward = close;
              cutNow = true;
            }
          }
          if (forward > 0 && !done) {
            out.write(buf, 0, forward);
            out.flush();
          }
          if (downstream && !upgradeSeen) {
            upgradeSeen = true; // the first server bytes: the handshake response
            if (cutAfterUpgradeMillis >= 0 && n >= 12
                && new String(buf, 0, 12, java.nio.charset.StandardCharsets.ISO_8859_1)
                    .startsWith("HTTP/1.1 101")) {
              try {
                timer.schedule(this::cut, cutAfterUpgradeMillis, TimeUnit.MILLISECONDS);
              } catch (java.util.concurrent.RejectedExecutionException closing) {
                cut();
              }
            }
          }
          if (cutNow) {
            cut();
            return;
          }
        }
      } catch (IOException | InterruptedException e) {
        // one side went away: take the other down too
      }
      finish();
    }
  }

  /**
   * Finds WebSocket close frames in one direction of a connection: skips the HTTP upgrade, then
   * follows frame headers (masked or not) across reads. Not thread safe (one pump each).
   */
  static final class FrameScanner {
    private boolean inHeaders = true;
    private int crlf;
    private final byte[] header = new byte[14];
    private int headerLen;
    private long payloadLeft;

    /** Offset in {@code buf} where a close frame starts, or -1. */
    int scan(byte[] buf, int off, int len) {
      int i = off;
      int end = off + len;
      while (i < end) {
        if (inHeaders) {
          byte b = buf[i++];
          crlf = (b == '\r' || b == '\n') ? crlf + 1 : 0;
          if (crlf == 4) {
            inHeaders = false;
          }
          continue;
        }
        if (payloadLeft > 0) {
          long skip = Math.min(payloadLeft, end - i);
          payloadLeft -= skip;
          i += (int) skip;
          continue;
        }
        int frameStart = i - headerLen;
        header[headerLen++] = buf[i++];
        int need = needed();
        if (headerLen < need) {
          continue;
        }
        int opcode = header[0] & 0x0f;
        if (opcode == 0x8) {
          return Math.max(off, frameStart);
        }
        payloadLeft = payloadLength();
        headerLen = 0;
      }
      return -1;
    }

    private int needed() {
      if (headerLen < 2) {
        return 2;
      }
      int len7 = header[1] & 0x7f;
      boolean masked = (header[1] & 0x80) != 0;
      int n = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (masked ? 4 : 0);
      return n;
    }

    private long payloadLength() {
      int len7 = header[1] & 0x7f;
      if (len7 < 126) {
        return len7;
      }
      if (len7 == 126) {
        return ((header[2] & 0xff) << 8) | (header[3] & 0xff);
      }
      long v = 0;
      for (int k = 0; k < 8; k++) {
        v = (v << 8) | (header[2 + k] & 0xff);
      }
      return v;
    }
  }
}
