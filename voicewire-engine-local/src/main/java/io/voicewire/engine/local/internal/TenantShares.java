package io.voicewire.engine.local.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * A queue of work shared fairly between tenants (the fairness key of a request: an API key's id;
 * null is the one shared tenant of callers without keys), then ordered within a tenant.
 *
 * <p>Each tenant has its own queue, ordered by {@code order} (earliest deadline, arrival), and a
 * <em>virtual time</em>: the engine time (nanoseconds of a worker, a decoder) its picks have
 * used so far, {@link #MIN_CHARGE_NANOS} at least per pick. {@link #poll} takes from the tenant
 * that holds the fewest running picks, then has the least virtual time, then was served least
 * recently: a tenant with many sessions gets no more of the engine than a tenant with one, as
 * long as the other has work. A tenant that had nothing queued or running starts at the virtual
 * time of the last pick, so it cannot bank credit while idle nor be made to wait for what others
 * used before it came. So a tenant with work waits at most one pick of each other tenant's
 * before its own (for the tenants' own orders, see {@code TenantSharesTest}).
 *
 * <p>Not thread safe: its owner guards it with its own lock.
 */
final class TenantShares<E> {
  /**
   * The least a pick costs its tenant, in virtual nanoseconds, however short it was: so that
   * picks that are not measured (or measure 0) still take turns between tenants.
   */
  static final long MIN_CHARGE_NANOS = 1_000_000;

  private static final String SHARED = "";

  private static final class Tenant<E> {
    final PriorityQueue<E> queue;
    long vtime;
    long lastPick = -1;
    int running;

    Tenant(Comparator<E> order) {
      queue = new PriorityQueue<>(order);
    }

    boolean idle() {
      return queue.isEmpty() && running == 0;
    }
  }

  private final Comparator<E> order;
  private final Map<String, Tenant<E>> tenants = new HashMap<>();
  private long virtualNow;
  private long picks;
  private int size;

  /** @param order the order of one tenant's work */
  TenantShares(Comparator<E> order) {
    this.order = order;
  }

  private static String key(String tenant) {
    return tenant == null ? SHARED : tenant;
  }

  /** Queues {@code e} for {@code tenant}. */
  void add(String tenant, E e) {
    Tenant<E> t = tenants.computeIfAbsent(key(tenant), k -> new Tenant<>(order));
    if (t.idle()) {
      t.vtime = Math.max(t.vtime, virtualNow);
    }
    t.queue.add(e);
    size++;
  }

  /** Work queued, all tenants. */
  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** What {@link #poll} would take, or null. */
  E peek() {
    Tenant<E> t = next();
    return t == null ? null : t.queue.peek();
  }

  /**
   * Takes the next work: the fair tenant's first. The tenant counts it as running until {@link
   * #done}; null when nothing is queued.
   */
  E poll() {
    Tenant<E> t = next();
    if (t == null) {
      return null;
    }
    E e = t.queue.poll();
    size--;
    t.running++;
    t.lastPick = picks++;
    virtualNow = Math.max(virtualNow, t.vtime);
    t.vtime += MIN_CHARGE_NANOS;
    tenants.values().removeIf(x -> x.idle() && x.vtime <= virtualNow);
    return e;
  }

  /**
   * A pick of {@code tenant}'s has ended after using {@code usedNanos} of the engine (ignored for
   * a tenant with no running pick).
   */
  void done(String tenant, long usedNanos) {
    String k = key(tenant);
    Tenant<E> t = tenants.get(k);
    if (t == null || t.running == 0) {
      return;
    }
    t.running--;
    t.vtime += Math.max(0, usedNanos);
    if (t.idle() && t.vtime <= virtualNow) {
      tenants.remove(k);
    }
  }

  /** Takes the first queued work that {@code which} accepts out; false when none is queued. */
  boolean remove(Predicate<? super E> which) {
    for (Iterator<Tenant<E>> it = tenants.values().iterator(); it.hasNext(); ) {
      Tenant<E> t = it.next();
      E e = t.queue.stream().filter(which).findFirst().orElse(null);
      if (e != null && t.queue.remove(e)) {
        size--;
        if (t.idle() && t.vtime <= virtualNow) {
          it.remove();
        }
        return true;
      }
    }
    return false;
  }

  /** Takes everything queued out, tenant by tenant. */
  List<E> clear() {
    List<E> all = new ArrayList<>(size);
    for (Tenant<E> t : tenants.values()) {
      all.addAll(t.queue);
      t.queue.clear();
    }
    tenants.values().removeIf(Tenant::idle);
    size = 0;
    return all;
  }

  /** Running picks of {@code tenant}, for tests. */
  int running(String tenant) {
    Tenant<E> t = tenants.get(key(tenant));
    return t == null ? 0 : t.running;
  }

  private Tenant<E> next() {
    Tenant<E> best = null;
    for (Tenant<E> t : tenants.values()) {
      if (t.queue.isEmpty()) {
        continue;
      }
      if (best == null || t.running < best.running
          || (t.running == best.running && (t.vtime < best.vtime
          || (t.vtime == best.vtime && t.lastPick < best.lastPick)))) {
        best = t;
      }
    }
    return best;
  }
}
