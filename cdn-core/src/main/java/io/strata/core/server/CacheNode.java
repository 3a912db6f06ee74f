package io.strata.core.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.strata.core.cache.CacheStore;
import io.strata.core.cache.FillRegistry;
import io.strata.core.cache.StoredBody;
import io.strata.core.metrics.NodeMetrics;
import io.strata.core.proxy.CachingProxy;
import io.strata.core.proxy.FastHits;
import io.strata.core.proxy.TierSettings;
import io.strata.core.routing.Router;
import io.strata.core.time.Clock;
import io.strata.core.upstream.Upstream;
import io.strata.core.viewer.ViewerPipeline;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
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

  /** How a failure to start the HTTPS listener begins its message. */
  public static final String TLS_LISTENER = "HTTPS listener";

  private final TierSettings tier;
  private final CacheStore store;
  private final AtomicReference<Router> router;
  private final HttpListener listener;
  private final HttpListener tlsListener;
  private final TlsSettings tls;
  private final HttpServerOptions baseOptions;
  private final Upstream upstream;
  private final FastHits fastHits;

  private CacheNode(
      TierSettings tier,
      CacheStore store,
      AtomicReference<Router> router,
      HttpListener listener,
      HttpListener tlsListener,
      TlsSettings tls,
      HttpServerOptions baseOptions,
      Upstream upstream,
      FastHits fastHits) {
    this.upstream = upstream;
    this.fastHits = fastHits;
    this.tls = tls;
    this.baseOptions = baseOptions;
    this.tier = tier;
    this.store = store;
    this.router = router;
    this.listener = listener;
    this.tlsListener = tlsListener;
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
    return start(
        vertx,
        tier,
        listen,
        byteBudget,
        router,
        upstream,
        registry,
        clock,
        ViewerPipeline.none(),
        null);
  }

  /**
   * Starts listening with viewer stages and, when {@code tls} is not {@code null}, an HTTPS
   * listener (HTTP/2 and HTTP/1.1, certificates by SNI) beside the plain-HTTP one.
   */
  public static Future<CacheNode> start(
      Vertx vertx,
      TierSettings tier,
      ListenOptions listen,
      long byteBudget,
      Router router,
      Upstream upstream,
      MeterRegistry registry,
      Clock clock,
      ViewerPipeline viewer,
      TlsSettings tls) {
    CacheStore store = new CacheStore(byteBudget, STALE_RETENTION_MILLIS, clock);
    warnWhenDirectMemoryIsShort(tier, byteBudget);
    warnWhenHeapIsShort(tier, store);
    FillRegistry fills = new FillRegistry();
    NodeMetrics metrics = new NodeMetrics(registry, tier.role(), tier.nodeId(), store, fills);
    AtomicReference<Router> routes = new AtomicReference<>(router);
    CachingProxy proxy =
        new CachingProxy(tier, routes::get, store, fills, upstream, metrics, clock, viewer);
    FastHits fastHits = null;
    if (viewer.connectionGuard() != null) {
      fastHits = proxy.fastHits(registry);
      viewer.connectionGuard().hitFastPath(fastHits);
    }
    FastHits fast = fastHits;
    HttpServerOptions base = HttpListener.defaultServerOptions(listen);
    return HttpListener.start(vertx, listen, base, proxy, viewer.connectionGuard())
        .compose(
            listener -> {
              if (viewer.errorPages() != null) {
                viewer.errorPages().bind(listen.host(), listener.port());
              }
              if (tls == null) {
                return Future.succeededFuture(
                    new CacheNode(tier, store, routes, listener, null, null, base, upstream, fast));
              }
              return HttpListener.start(
                      vertx,
                      tls.listen(),
                      tls.serverOptions(base, router.config()),
                      proxy,
                      viewer.connectionGuard())
                  .map(
                      tlsListener -> {
                        viewer.bindHttps(tlsListener.port());
                        return new CacheNode(
                            tier, store, routes, listener, tlsListener, tls, base, upstream, fast);
                      })
                  .recover(
                      err -> {
                        upstream.close();
                        return listener
                            .close()
                            .transform(
                                closed ->
                                    Future.failedFuture(
                                        new java.io.IOException(
                                            TLS_LISTENER
                                                + " on port "
                                                + tls.listen().port()
                                                + ": "
                                                + err.getMessage(),
                                            err)));
                      });
            });
  }

  /** The HTTPS port, or -1 without a TLS listener. */
  public int tlsPort() {
    return tlsListener == null ? -1 : tlsListener.port();
  }

  /**
   * Applies a whole new configuration atomically: the next request routes with it. With an HTTPS
   * listener, the distributions' certificates are swapped too (new connections get them).
   *
   * @return completes when the certificates are in place
   */
  public Future<Void> swapRouter(Router next) {
    router.set(next);
    if (tlsListener == null) {
      return Future.succeededFuture();
    }
    return tlsListener.updateSsl(tls.serverOptions(baseOptions, next.config()).getSslOptions());
  }

  /**
   * The hit fast path of the viewer listeners (on unless the system property {@code
   * strata.hitFastPath} is {@code false}), or {@code null} for a node without viewer stages (a
   * regional node).
   */
  public FastHits fastHits() {
    return fastHits;
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

  /** Stops listening, then frees the store (its direct bodies once their last writes end). */
  public Future<Void> close() {
    upstream.close();
    Future<Void> closed =
        tlsListener != null ? tlsListener.close().eventually(listener::close) : listener.close();
    return closed.andThen(done -> store.close());
  }

  /**
   * Said once at start when the heap cannot hold this node's budget in small (heap) bodies: such
   * entries are then charged more ({@link CacheStore#heapWeightFactor()}), so they stay within a
   * share of the heap instead of exhausting it.
   */
  private static void warnWhenHeapIsShort(TierSettings tier, CacheStore store) {
    double factor = store.heapWeightFactor();
    if (factor > 1.0) {
      System.getLogger(CacheNode.class.getName())
          .log(
              System.Logger.Level.WARNING,
              "{0} {1}: the heap ({2} MiB) cannot hold the cache byte budget ({3} MiB)"
                  + " in bodies below {4} KiB; this node keeps at most {5} MiB of them (bodies"
                  + " stored off-heap still use the whole budget). Give the JVM -Xmx{6}m to use"
                  + " the whole budget for small bodies",
              tier.role(),
              tier.nodeId(),
              Long.toString(Runtime.getRuntime().maxMemory() >> 20),
              Long.toString(store.byteBudget() >> 20),
              Integer.toString(StoredBody.DIRECT_MIN_BYTES >> 10),
              Long.toString((long) (store.byteBudget() / factor) >> 20),
              Long.toString(
                  (long) Math.ceil(store.byteBudget() / CacheStore.HEAP_SHARE / (1 << 20))));
    }
  }

  /**
   * Large bodies are stored in direct memory, within what the JVM's limit leaves for them ({@link
   * StoredBody#directCapacity()}), shared by every store in the JVM; beyond it they are kept on the
   * heap. Said once at start, with the flag that changes it, when the open stores' budgets could
   * hold more large bodies than that.
   */
  private static void warnWhenDirectMemoryIsShort(TierSettings tier, long byteBudget) {
    long capacity = StoredBody.directCapacity();
    long budgets = CacheStore.openBudgets();
    if (budgets > capacity) {
      System.getLogger(CacheNode.class.getName())
          .log(
              System.Logger.Level.WARNING,
              "{0} {1}: cache byte budgets in this JVM ({2} MiB, this node {3} MiB) exceed the {4}"
                  + " MiB of direct memory it leaves for stored bodies; bodies of {5} KiB and more"
                  + " beyond that are kept on the heap (slower hits). Start Java with"
                  + " -XX:MaxDirectMemorySize={6}m to store them all off-heap",
              tier.role(),
              tier.nodeId(),
              Long.toString(budgets >> 20),
              Long.toString(byteBudget >> 20),
              Long.toString(capacity >> 20),
              Integer.toString(StoredBody.DIRECT_MIN_BYTES >> 10),
              Long.toString((budgets + Math.max(64L << 20, budgets / 7)) / (1 << 20) + 1));
    }
  }
}
