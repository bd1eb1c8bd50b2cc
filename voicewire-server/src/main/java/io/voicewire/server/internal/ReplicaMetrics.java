package io.voicewire.server.internal;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The meters of one replica among several: its drain state, the WebSocket sessions it holds,
 * and the health of the Redis the replicas share. Registered once, read at scrape time. Stateless;
 * thread safe.
 */
final class ReplicaMetrics {
  private ReplicaMetrics() {}

  static void register(Services s, MeterRegistry r) {
    Gauge.builder("voicewire.draining", s, x -> x.drain.draining() ? 1 : 0)
        .description("1 while this replica drains (SIGTERM): /readyz is 503, new WebSockets are "
            + "refused, live ones are asked to move").register(r);
    Gauge.builder("voicewire.websocket.sessions.live", s, x -> x.drain.live())
        .description("WebSocket sessions this replica holds now").register(r);
    Gauge.builder("voicewire.redis.configured", s, x -> x.redis != null ? 1 : 0)
        .description("1 when tokens and per-key limits are shared in Redis").register(r);
    Gauge.builder("voicewire.redis.up", s, x -> x.redisUp() ? 1 : 0)
        .description("1 when the shared Redis answered its last ping (1 without Redis)")
        .register(r);
    Gauge.builder("voicewire.sockets.unauthenticated", s, x -> x.unauthenticated.held())
        .description("TTS sockets waiting for credentials in their first message (of "
            + "maxUnauthenticatedSockets)").register(r);
    Gauge.builder("voicewire.connections.lingering", LingeringEndPoint::lingering)
        .description("Connections of this process closed while their peer was still sending, "
            + "reading and dropping its bytes before they close (LingeringEndPoint)").register(r);
    FunctionCounter.builder("voicewire.connections.lingered", s, x -> LingeringEndPoint.lingered())
        .description("Connections of this process that lingered before closing").register(r);
    if (s.redis != null) {
      FunctionCounter.builder("voicewire.redis.failures", s.redis, RedisConnection::failures)
          .description("Redis commands that failed to reach Redis").register(r);
      if (s.leases instanceof RedisKeyLeases leases) {
        FunctionCounter.builder("voicewire.redis.limit.fallbacks", leases,
            RedisKeyLeases::fallbacks).description("Sessions admitted under this replica's own "
            + "per-key limit because Redis was unreachable").register(r);
      }
      FunctionCounter.builder("voicewire.redis.auth.fallbacks", s.authLimits,
          RedisAuthLimits::fallbacks).description("Failed-login throttle and token mint budget "
          + "checks decided by this replica alone because Redis was unreachable").register(r);
    }
  }
}
