package io.voicewire.server.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded Jetty 12 server: one connector, one context, the {@link Router}, the WebSocket
 * container (message size limits, idle timeout) and the periodic server ping. HTTP handlers run
 * on virtual threads named {@code voicewire-http-N}; WebSocket events run on Jetty's pool and
 * never block. Not thread safe for start/stop; the running server is.
 */
public final class JettyServer {
  private static final Logger LOG = LoggerFactory.getLogger("io.voicewire.server");

  private final Services s;
  private Server server;
  private ServerConnector connector;
  private ExecutorService httpExecutor;
  private ScheduledFuture<?> pinger;
  private ServerWebSocketContainer container;

  public JettyServer(Services s) {
    this.s = s;
  }

  /** Starts on {@code host:port} (0 = any free port) and returns the bound port. */
  public int start(String host, int port) throws Exception {
    QueuedThreadPool pool = new QueuedThreadPool();
    pool.setName("voicewire-jetty");
    server = new Server(pool);
    connector = InlineReadConnector.enabled(s.provider.nonBlockingCalls(), s.redis != null)
        ? new InlineReadConnector(server) : new LingeringConnector(server);
    connector.setHost(host);
    connector.setPort(port);
    server.addConnector(connector);
    ContextHandler context = new ContextHandler("/");
    server.setHandler(context);
    container = ServerWebSocketContainer.ensure(server, context);
    container.setMaxTextMessageSize(s.limits.maxTextMessageBytes());
    container.setMaxBinaryMessageSize(s.limits.maxTextMessageBytes());
    container.setIdleTimeout(s.limits.idleTimeout());
    httpExecutor = Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name("voicewire-http-", 0).factory());
    Router router = Routes.build(s, httpExecutor);
    router.container(container);
    context.setHandler(router);
    server.start();
    Duration ping = s.limits.pingInterval();
    if (!ping.isZero()) {
      pinger = s.timer.scheduleAtFixedRate(this::pingAll, ping.toMillis(), ping.toMillis(),
          TimeUnit.MILLISECONDS);
    }
    return connector.getLocalPort();
  }

  private void pingAll() {
    for (Session ws : container.getOpenSessions()) {
      ws.sendPing(ByteBuffer.allocate(0), Callback.from(() -> { },
          x -> LOG.debug("ping failed: {}", x.toString())));
    }
  }

  /** The bound port, or -1 when not started. */
  public int port() {
    return connector == null ? -1 : connector.getLocalPort();
  }

  /** Stops: open WebSockets are closed (1001), in-flight HTTP requests are abandoned. */
  public void stop() throws Exception {
    if (pinger != null) {
      pinger.cancel(false);
    }
    if (server != null) {
      server.stop();
    }
    if (httpExecutor != null) {
      httpExecutor.shutdownNow();
    }
  }
}
