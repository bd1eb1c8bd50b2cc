package io.voicewire.server.internal;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The connection pool to the Redis that replicas share, its health and the one background thread
 * ({@code voicewire-redis}) that pings it every {@link #HEALTH_INTERVAL} and renews leases. Every
 * command is bounded by {@link #TIMEOUT} (connect, read and waiting for a pooled connection).
 *
 * <p>Thread safe.
 */
public final class RedisConnection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("io.voicewire.server.redis");

  /** Longest a Redis command (or a wait for a free pooled connection) may take. */
  static final Duration TIMEOUT = Duration.ofMillis(500);
  /** How often Redis is pinged for {@code /readyz} and {@code voicewire_redis_up}. */
  static final Duration HEALTH_INTERVAL = Duration.ofSeconds(1);
  /** Most pooled connections to Redis. */
  static final int MAX_CONNECTIONS = 32;

  private final JedisPooled jedis;
  private final String redacted;
  final ScheduledExecutorService background;
  private volatile boolean up;
  private final LongAdder failures = new LongAdder();

  /**
   * Connects lazily to {@code url} ({@code redis://[user:password@]host:port[/db]} or
   * {@code rediss://…} for TLS) and starts the health check.
   *
   * @throws IllegalArgumentException for a URL that is not a redis URL
   */
  public RedisConnection(String url) {
    URI uri;
    try {
      uri = URI.create(url.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid Redis URL: " + Redact.forLog(url));
    }
    if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())
        || uri.getHost() == null) {
      throw new IllegalArgumentException("Redis URL must look like redis://host:port[/db] or "
          + "rediss://host:port: " + uri.getScheme() + "://" + uri.getHost());
    }
    this.redacted = uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
    GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
    pool.setMaxTotal(MAX_CONNECTIONS);
    pool.setMaxIdle(MAX_CONNECTIONS);
    pool.setMaxWait(TIMEOUT);
    pool.setJmxEnabled(false);
    this.jedis = new JedisPooled(pool, uri, (int) TIMEOUT.toMillis());
    ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "voicewire-redis");
      t.setDaemon(true);
      return t;
    });
    ex.setRemoveOnCancelPolicy(true);
    this.background = ex;
    checkHealth();
    background.scheduleWithFixedDelay(this::checkHealth, HEALTH_INTERVAL.toMillis(),
        HEALTH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Whether the last ping (at most {@link #HEALTH_INTERVAL} ago) or command succeeded. */
  public boolean up() {
    return up;
  }

  /** Commands that failed because Redis could not be reached, since start. */
  public long failures() {
    return failures.sum();
  }

  /** Where this connects, without credentials, for logs. */
  public String describe() {
    return redacted;
  }

  /**
   * Runs one command. A Redis that cannot be reached marks this connection down and rethrows;
   * the caller applies its policy.
   */
  <T> T call(Function<JedisPooled, T> command) {
    try {
      T t = command.apply(jedis);
      up = true;
      return t;
    } catch (JedisException e) {
      failures.increment();
      if (up) {
        LOG.warn("Redis {} unreachable: {}", redacted, e.toString());
      }
      up = false;
      throw e;
    }
  }

  private void checkHealth() {
    boolean was = up;
    try {
      call(JedisPooled::ping);
      if (!was) {
        LOG.info("Redis {} is up", redacted);
      }
    } catch (RuntimeException e) {
      // marked down by call
    }
  }

  @Override
  public void close() {
    background.shutdownNow();
    try {
      background.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    jedis.close();
  }
}
