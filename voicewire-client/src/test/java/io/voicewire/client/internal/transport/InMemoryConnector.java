package io.voicewire.client.internal.transport;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * For tier-(b) tests: connections whose server side is an in-memory {@link Peer}, with the same
 * threading shape as a socket (the peer runs on a "server" thread, the client's events on a
 * per-connection "reader" thread) and the same demand contract (paused reading holds messages
 * back). No sockets, no mocks.
 */
public final class InMemoryConnector implements Connector {

  /** The server side of one connection. */
  public interface Peer {
    /** The handshake; return 101 to accept, or an HTTP status to refuse. */
    default int onHandshake(URI uri, Map<String, String> headers) {
      return 101;
    }

    default void onOpen(ServerEnd end) {}

    void onMessage(ServerEnd end, String text);

    /** The client sent a close frame; by default the peer answers it. */
    default void onClientClose(ServerEnd end, int code, String reason) {
      end.close(code, reason);
    }
  }

  /** Makes the peer of each new connection. */
  public interface PeerFactory {
    Peer create(int connectionNumber);
  }

  private final PeerFactory factory;
  private final ExecutorService server = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "in-memory server");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger connections = new AtomicInteger();

  public InMemoryConnector(PeerFactory factory) {
    this.factory = factory;
  }

  /** Connections attempted so far. */
  public int connections() {
    return connections.get();
  }

  @Override
  public Connection connect(URI uri, Map<String, String> headers, ConnectionListener listener) {
    int n = connections.incrementAndGet();
    Peer peer = factory.create(n);
    Conn c = new Conn(uri, listener, peer);
    server.execute(() -> {
      int status = peer.onHandshake(uri, headers);
      if (status != 101) {
        c.terminal(() -> listener.onFailure(c, new IOException("handshake refused: " + status),
            status));
        return;
      }
      c.reader.execute(() -> {
        if (!c.delivered) {
          listener.onOpen(c);
        }
      });
      // on the server thread, before any client message can arrive; what it sends is queued
      // behind the client's onOpen
      peer.onOpen(c.end);
    });
    return c;
  }

  /** The server's handle on one connection. */
  public static final class ServerEnd {
    private final Conn c;
    public final URI uri;

    private ServerEnd(Conn c, URI uri) {
      this.c = c;
      this.uri = uri;
    }

    /** Sends a message to the client. False when the connection is gone. */
    public boolean send(String text) {
      return c.deliver(text);
    }

    /** A close frame to the client. */
    public void close(int code, String reason) {
      c.terminal(() -> c.listener.onClosed(c, code, reason));
    }

    /** Drops the connection abruptly (the client sees a failure). */
    public void drop() {
      c.terminal(() -> c.listener.onFailure(c, new IOException("connection reset (test drop)"),
          0));
    }

    public boolean isOpen() {
      return !c.isTerminal();
    }
  }

  private final class Conn implements Connection {
    final ConnectionListener listener;
    final Peer peer;
    final ServerEnd end;
    final ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "in-memory reader");
      t.setDaemon(true);
      return t;
    });
    final ReentrantLock lock = new ReentrantLock();
    final ArrayDeque<String> held = new ArrayDeque<>();
    boolean paused;
    boolean terminal;
    volatile boolean delivered;
    boolean closeSent;

    Conn(URI uri, ConnectionListener listener, Peer peer) {
      this.listener = listener;
      this.peer = peer;
      this.end = new ServerEnd(this, uri);
    }

    boolean isTerminal() {
      lock.lock();
      try {
        return terminal;
      } finally {
        lock.unlock();
      }
    }

    boolean deliver(String text) {
      lock.lock();
      try {
        if (terminal) {
          return false;
        }
        if (paused) {
          held.add(text);
          return true;
        }
      } finally {
        lock.unlock();
      }
      reader.execute(() -> {
        if (!delivered) {
          listener.onMessage(this, text);
        }
      });
      return true;
    }

    void terminal(Runnable event) {
      lock.lock();
      try {
        if (terminal) {
          return;
        }
        terminal = true;
        if (!paused) {
          held.clear();
        }
      } finally {
        lock.unlock();
      }
      reader.execute(() -> {
        if (delivered) {
          return;
        }
        delivered = true;
        event.run();
        reader.shutdown();
      });
    }

    @Override
    public boolean send(String text) {
      lock.lock();
      try {
        if (terminal || closeSent) {
          return false;
        }
      } finally {
        lock.unlock();
      }
      server.execute(() -> {
        if (!isTerminal()) {
          peer.onMessage(end, text);
        }
      });
      return true;
    }

    @Override
    public long queuedChars() {
      return 0;
    }

    @Override
    public boolean close(int code, String reason) {
      lock.lock();
      try {
        if (terminal || closeSent) {
          return false;
        }
        closeSent = true;
      } finally {
        lock.unlock();
      }
      server.execute(() -> peer.onClientClose(end, code, reason));
      return true;
    }

    @Override
    public void cancel() {
      terminal(() -> listener.onFailure(this, new IOException("Canceled"), 0));
    }

    @Override
    public void pauseReading() {
      lock.lock();
      try {
        paused = true;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void resumeReading() {
      lock.lock();
      try {
        paused = false;
        for (String s : held) {
          reader.execute(() -> {
            if (!delivered) {
              listener.onMessage(this, s);
            }
          });
        }
        held.clear();
      } finally {
        lock.unlock();
      }
    }

    /** The in-memory peer never holds our messages back: every ping counts as answered. */
    @Override
    public long lastAnsweredPingNanos() {
      return Long.MAX_VALUE;
    }

    @Override
    public String describe() {
      return "in-memory " + end.uri;
    }
  }
}
