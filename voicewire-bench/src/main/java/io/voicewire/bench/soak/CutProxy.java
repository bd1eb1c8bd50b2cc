package io.voicewire.bench.soak;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback that forwards to a server and cuts some of the connections it carries:
 * each new connection is, with probability {@code cutFraction}, reset (RST, no close frame) after
 * a uniformly random time in {@code [minCutMillis, maxCutMillis]}, like a mobile network that drops.
 * The soak sends part of its sessions through it, so the SDK's resume is exercised all along.
 *
 * <p>Threads: one accept thread and two pump threads per connection (virtual), one scheduler
 * thread for the cuts. Thread safe.
 */
final class CutProxy implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress target;
  private final double cutFraction;
  private final long minCutMillis;
  private final long maxCutMillis;
  private final Random random;
  private final ScheduledExecutorService cutter = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "soak CutProxy cutter");
    t.setDaemon(true);
    return t;
  });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong cuts = new AtomicLong();
  private volatile boolean closed;

  CutProxy(InetSocketAddress target, double cutFraction, long minCutMillis, long maxCutMillis,
      long seed) throws IOException {
    this.target = target;
    this.cutFraction = cutFraction;
    this.minCutMillis = minCutMillis;
    this.maxCutMillis = maxCutMillis;
    this.random = new Random(seed);
    this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().name("soak CutProxy accept :" + server.getLocalPort())
        .start(this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  long connections() {
    return connections.get();
  }

  long cuts() {
    return cuts.get();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      connections.incrementAndGet();
      Thread.ofVirtual().name("soak CutProxy link").start(() -> link(client));
    }
  }

  private void link(Socket client) {
    Socket upstream = new Socket();
    try {
      upstream.connect(target, 5_000);
    } catch (IOException e) {
      reset(client);
      return;
    }
    open.add(client);
    open.add(upstream);
    long cutAfter = -1;
    synchronized (random) {
      if (random.nextDouble() < cutFraction) {
        cutAfter = minCutMillis + (long) (random.nextDouble() * (maxCutMillis - minCutMillis));
      }
    }
    if (cutAfter >= 0) {
      cutter.schedule(() -> {
        if (!client.isClosed()) {
          cuts.incrementAndGet();
        }
        reset(client);
        reset(upstream);
      }, cutAfter, TimeUnit.MILLISECONDS);
    }
    Thread up = Thread.ofVirtual().name("soak CutProxy up").start(() -> pump(client, upstream));
    pump(upstream, client);
    try {
      up.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    open.remove(client);
    open.remove(upstream);
    close(client);
    close(upstream);
  }

  /** Copies until end of stream (then half-closes {@code to}) or an error (then resets both). */
  private static void pump(Socket from, Socket to) {
    byte[] buf = new byte[16 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      reset(from);
      reset(to);
    }
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already gone
    }
  }

  private static void reset(Socket s) {
    try {
      if (!s.isClosed()) {
        s.setSoLinger(true, 0);
      }
      s.close();
    } catch (IOException ignored) {
      // already gone
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    cutter.shutdownNow();
    for (Socket s : open) {
      reset(s);
    }
  }
}
