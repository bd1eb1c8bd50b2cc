package io.voicewire.server.internal;

/**
 * The metrics of one replica among several, in the Prometheus text format: its drain state, the
 * WebSocket sessions it holds, and the health of the Redis the replicas share. Stateless; thread
 * safe.
 */
final class ReplicaMetrics {
  private ReplicaMetrics() {}

  static String toPrometheus(Services s) {
    StringBuilder sb = new StringBuilder(1024);
    gauge(sb, "voicewire_draining", "1 while this replica drains (SIGTERM): /readyz is 503, "
        + "new WebSockets are refused, live ones are asked to move", s.drain.draining() ? 1 : 0);
    gauge(sb, "voicewire_websocket_sessions_live", "WebSocket sessions this replica holds now",
        s.drain.live());
    gauge(sb, "voicewire_redis_configured", "1 when tokens and per-key limits are shared in "
        + "Redis", s.redis != null ? 1 : 0);
    gauge(sb, "voicewire_redis_up", "1 when the shared Redis answered its last ping (1 without "
        + "Redis)", s.redisUp() ? 1 : 0);
    if (s.redis != null) {
      counter(sb, "voicewire_redis_failures_total", "Redis commands that failed to reach Redis",
          s.redis.failures());
      if (s.leases instanceof RedisKeyLeases r) {
        counter(sb, "voicewire_redis_limit_fallbacks_total", "Sessions admitted under this "
            + "replica's own per-key limit because Redis was unreachable", r.fallbacks());
      }
      if (s.authLimits != null) {
        counter(sb, "voicewire_redis_auth_fallbacks_total", "Failed-login throttle and token "
            + "mint budget checks decided by this replica alone because Redis was unreachable",
            s.authLimits.fallbacks());
      }
    }
    return sb.toString();
  }

  private static void gauge(StringBuilder sb, String name, String help, long v) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(" gauge\n");
    sb.append(name).append(' ').append(v).append('\n');
  }

  private static void counter(StringBuilder sb, String name, String help, long v) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(" counter\n");
    sb.append(name).append(' ').append(v).append('\n');
  }
}
