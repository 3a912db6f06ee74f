package io.strata.core.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.strata.core.cache.CacheStore;
import io.strata.core.cache.FillRegistry;
import io.strata.core.metrics.NodeMetrics;
import io.strata.core.proxy.CachingProxy;
import io.strata.core.proxy.TierSettings;
import io.strata.core.routing.Router;
import io.strata.core.time.Clock;
import io.strata.core.upstream.Upstream;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A running cache tier: its store, its fills, its metrics and its listener, behind one {@link
 * CachingProxy}. Edge and regional nodes differ only in the {@link Upstream} they are given.
 */
public final class CacheNode {
  /**
   * How long a stale object is kept at least, to be revalidated cheaply or served when the origin
   * fails; the byte budget may evict it sooner.
   */
  public static final long STALE_RETENTION_MILLIS = 3_600_000;

  private final TierSettings tier;
  private final CacheStore store;
  private final AtomicReference<Router> router;
  private final HttpListener listener;

  private CacheNode(
      TierSettings tier, CacheStore store, AtomicReference<Router> router, HttpListener listener) {
    this.tier = tier;
    this.store = store;
    this.router = router;
    this.listener = listener;
  }

  /**
   * Starts listening. {@code byteBudget} bounds the store; the router may be swapped later with
   * {@link #swapRouter}.
   */
  public static Future<CacheNode> start(
      Vertx vertx,
      TierSettings tier,
      ListenOptions listen,
      long byteBudget,
      Router router,
      Upstream upstream,
      MeterRegistry registry,
      Clock clock) {
    CacheStore store = new CacheStore(byteBudget, STALE_RETENTION_MILLIS, clock);
    FillRegistry fills = new FillRegistry();
    NodeMetrics metrics = new NodeMetrics(registry, tier.role(), tier.nodeId(), store, fills);
    AtomicReference<Router> routes = new AtomicReference<>(router);
    CachingProxy proxy =
        new CachingProxy(tier, routes::get, store, fills, upstream, metrics, clock);
    return HttpListener.start(vertx, listen, HttpListener.defaultServerOptions(listen), proxy)
        .map(listener -> new CacheNode(tier, store, routes, listener));
  }

  /** Applies a whole new configuration atomically: the next request routes with it. */
  public void swapRouter(Router next) {
    router.set(next);
  }

  public int port() {
    return listener.port();
  }

  public TierSettings tier() {
    return tier;
  }

  public CacheStore store() {
    return store;
  }

  public Future<Void> close() {
    return listener.close();
  }
}
