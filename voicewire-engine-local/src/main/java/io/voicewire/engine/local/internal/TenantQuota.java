package io.voicewire.engine.local.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * Sessions open per tenant (a request's fairness key), and the share of an engine limit one named
 * tenant may hold: all of it but {@code keptForOthers} sessions, so that a tenant that fills the
 * engine still leaves room for another one's session. The reservation starts once a second named
 * tenant has used the engine: a deployment with one key (every browser token minted by it) keeps
 * the whole limit. The shared tenant (null: callers without keys) may hold the whole limit, as
 * before tenants existed.
 *
 * <p>Thread safe.
 */
final class TenantQuota {
  private final Map<String, Integer> open = new HashMap<>(); // guarded by this
  private final int keptForOthers;
  private String firstTenant; // guarded by this
  private boolean severalTenants; // guarded by this: a second named tenant was seen

  /** @param keptForOthers sessions of the limit a named tenant may not take */
  TenantQuota(int keptForOthers) {
    this.keptForOthers = keptForOthers;
  }

  /**
   * Most sessions a named tenant may hold under {@code limit}: all of it while only one named
   * tenant has been seen, else all but {@code keptForOthers}, at least 1.
   */
  synchronized int perTenant(int limit) {
    return severalTenants ? Math.max(1, limit - keptForOthers) : limit;
  }

  /**
   * Counts a session for {@code tenant} unless it already holds its share of {@code limit};
   * returns how many it holds when it is refused, or -1 when counted.
   */
  synchronized int tryTake(String tenant, int limit) {
    if (tenant == null) {
      return -1;
    }
    if (firstTenant == null) {
      firstTenant = tenant;
    } else if (!firstTenant.equals(tenant)) {
      severalTenants = true;
    }
    int n = open.getOrDefault(tenant, 0);
    if (n >= perTenant(limit)) {
      return n;
    }
    open.put(tenant, n + 1);
    return -1;
  }

  /** A session counted by {@link #tryTake} has ended. */
  synchronized void release(String tenant) {
    if (tenant == null) {
      return;
    }
    open.computeIfPresent(tenant, (k, n) -> n <= 1 ? null : n - 1);
  }

  /** Sessions {@code tenant} holds, for tests. */
  synchronized int open(String tenant) {
    return tenant == null ? 0 : open.getOrDefault(tenant, 0);
  }
}
