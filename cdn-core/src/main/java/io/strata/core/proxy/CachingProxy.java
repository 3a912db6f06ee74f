package io.strata.core.proxy;

import io.strata.core.cache.CacheKey;
import io.strata.core.cache.CacheStore;
import io.strata.core.cache.CachedObject;
import io.strata.core.cache.Fill;
import io.strata.core.cache.FillRegistry;
import io.strata.core.compress.AcceptEncoding;
import io.strata.core.metrics.NodeMetrics;
import io.strata.core.routing.AliasGuard;
import io.strata.core.routing.PathNormalizer;
import io.strata.core.routing.Route;
import io.strata.core.routing.Router;
import io.strata.core.time.Clock;
import io.strata.core.upstream.Upstream;
import io.strata.core.viewer.ViewerExchange;
import io.strata.core.viewer.ViewerPipeline;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.HostAndPort;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * The request path of a cache tier, the same at the edge and at the regional cache: request id →
 * loop check → route by host and path → cache lookup → collapsed fill from the next tier → store →
 * respond. Unsafe methods and behaviors with caching disabled pass through.
 *
 * <p>Runs on Vert.x event loops and never blocks. The router is read once per request from {@code
 * routes}, so a configuration swap applies to the next request and in-flight ones finish on the
 * snapshot they started with.
 */
public final class CachingProxy implements Handler<HttpServerRequest> {
  private static final System.Logger LOG = System.getLogger(CachingProxy.class.getName());

  private final TierSettings tier;
  private final Supplier<Router> routes;
  private final CacheStore store;
  private final FillRegistry fills;
  private final NodeMetrics metrics;
  private final Clock clock;
  private final String viaToken;
  private final HitHeaders hitHeaders;
  private final FillStarter fillStarter;
  private final PassThrough passThrough;
  private final ViewerPipeline viewer;

  public CachingProxy(
      TierSettings tier,
      Supplier<Router> routes,
      CacheStore store,
      FillRegistry fills,
      Upstream upstream,
      NodeMetrics metrics,
      Clock clock) {
    this(tier, routes, store, fills, upstream, metrics, clock, ViewerPipeline.none());
  }

  /**
   * @param viewer the viewer stages run after routing and before the cache lookup
   */
  public CachingProxy(
      TierSettings tier,
      Supplier<Router> routes,
      CacheStore store,
      FillRegistry fills,
      Upstream upstream,
      NodeMetrics metrics,
      Clock clock,
      ViewerPipeline viewer) {
    this.viewer = viewer;
    this.tier = tier;
    this.routes = routes;
    this.store = store;
    this.fills = fills;
    this.metrics = metrics;
    this.clock = clock;
    this.viaToken = tier.viaToken();
    this.hitHeaders = new HitHeaders(viaToken, tier.nodeId());
    ForwardedHeaders forwarded = new ForwardedHeaders(viaToken, "edge".equals(tier.role()));
    this.fillStarter = new FillStarter(upstream, store, metrics, clock, forwarded);
    this.passThrough =
        new PassThrough(upstream, metrics, forwarded, viaToken, tier.nodeId(), this::invalidate);
  }

  /**
   * The hit fast path for this proxy's viewer connections: answers plain fresh hits exactly as
   * {@link #handle} would, below the HTTP server (see {@link FastHits}).
   */
  public FastHits fastHits(io.micrometer.core.instrument.MeterRegistry registry) {
    return new FastHits(
        routes, store, metrics, clock, hitHeaders, registry, tier.role(), tier.nodeId());
  }

  @Override
  public void handle(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    String id = requestId(request);
    response.putHeader(StrataHeaders.REQUEST_ID, id);
    response.endHandler(v -> metrics.response(response.getStatusCode(), response.bytesWritten()));

    String via = request.getHeader(StrataHeaders.VIA);
    if (via != null && via.contains(viaToken)) {
      LOG.log(
          System.Logger.Level.WARNING, "{0} {1}: forwarding loop, Via: {2}", tier.role(), id, via);
      ErrorResponses.send(
          response, 508, "Loop Detected", "The request has already passed this node.");
      return;
    }
    String rawPath = request.path();
    if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
      ErrorResponses.send(
          response, 400, "Bad Request", "The request target must be an absolute path.");
      return;
    }
    // One canonical path for the behavior match, the cache key and the upstream request line.
    String path = PathNormalizer.normalize(rawPath);
    if (path == null) {
      refusePath(request, id, PathNormalizer.problem(rawPath).tag());
      return;
    }
    HostAndPort authority = request.authority();
    String host = authority == null ? null : authority.host();
    Router router = routes.get();
    Route route = host == null ? null : router.route(host, path);
    if (route == null) {
      ErrorResponses.send(
          response,
          421,
          "Misdirected Request",
          "No distribution is configured for this host name.");
      return;
    }
    AliasGuard.Alias alias = AliasGuard.check(router, host, path, route);
    if (alias != null) {
      refusePath(request, id, alias.tag());
      return;
    }
    ViewerExchange exchange = viewer.run(request, route, router.config(), id, path);
    if (exchange == null) {
      return;
    }
    IntPredicate errorHook = viewer.errorHook(exchange);
    HttpMethod method = request.method();
    boolean options = method == HttpMethod.OPTIONS;
    boolean cacheable =
        (method == HttpMethod.GET
                || method == HttpMethod.HEAD
                || (options && route.behavior().viewer().cacheOptions()))
            && !route.behavior().cachePolicy().cachingDisabled();
    if (cacheable) {
      String acceptEncoding =
          route.behavior().compress()
              ? AcceptEncoding.normalize(acceptEncoding(request))
              : AcceptEncoding.IDENTITY;
      serveCacheable(
          new Exchange(request, route, authority.toString(), id, exchange.forwardUri(), errorHook),
          CacheKey.of(
              route, host, path, options ? CacheKey.OPTIONS : CacheKey.GET, acceptEncoding));
    } else {
      metrics.pass();
      boolean safe =
          method == HttpMethod.GET
              || method == HttpMethod.HEAD
              || method == HttpMethod.OPTIONS
              || method == HttpMethod.TRACE;
      passThrough.forward(
          request,
          route,
          authority.toString(),
          id,
          exchange.forwardUri(),
          safe ? "bypass" : "method",
          errorHook);
    }
  }

  /** 400 for a path Strata will not guess the meaning of; logged at debug, counted by reason. */
  private void refusePath(HttpServerRequest request, String id, String reason) {
    metrics.pathRejected(reason);
    LOG.log(
        System.Logger.Level.DEBUG,
        "{0}: path refused ({1}): {2}",
        id,
        reason,
        request.path().length() > 200 ? request.path().substring(0, 200) : request.path());
    ErrorResponses.send(
        request.response(),
        400,
        "Bad Request",
        "The request path is malformed or ambiguous (" + reason + ").");
  }

  /**
   * What the cache path needs of one viewer request once the viewer stages have passed it.
   *
   * @param forwardUri the request target to send upstream (signing parameters removed)
   * @param errorHook consulted with an error status before the head is written; {@code true} means
   *     a custom error response took the viewer's response over
   */
  private record Exchange(
      HttpServerRequest request,
      Route route,
      String viewerHost,
      String id,
      String forwardUri,
      IntPredicate errorHook) {}

  /**
   * The cache path: a fresh object is a hit; a stale one inside its error window or its {@code
   * stale-while-revalidate} window is served at once; otherwise the object is filled from upstream,
   * conditionally when a stale object with a validator is held, collapsed with concurrent requests
   * for the same key.
   */
  private void serveCacheable(Exchange ex, CacheKey primary) {
    CacheStore.Lookup lookup =
        store.lookup(
            primary,
            StoredResponses.requestValues(ex.request()),
            StoredResponses.varyNormalizer(ex.route().behavior().compress()));
    CacheKey key = lookup.key();
    if (key == null) {
      // The request's values for the varying headers are too long to key on: do not cache.
      pass(ex, "request");
      return;
    }
    long now = clock.millis();
    CachedObject stored = lookup.object();
    String servedBecause = stored == null ? null : servableWithoutUpstream(stored, now);
    // Held while this request decides and writes: an entry removed meanwhile on another event
    // loop frees its body once the last holder lets go. Freed already: the entry is gone.
    if (servedBecause != null && stored.body().retain()) {
      try {
        metrics.hit();
        if (servedBecause.equals("stale-while-revalidate")) {
          revalidateInBackground(ex, key, stored);
        }
        if (!ex.errorHook().test(stored.status())) {
          StoredResponses.writeHit(
              ex.request(),
              stored,
              now,
              hitHeaders,
              servedBecause.isEmpty() ? null : servedBecause);
        }
      } finally {
        stored.body().release();
      }
      return;
    }
    if (servedBecause != null) {
      stored = null;
    }
    String fwd = stored != null ? "stale" : key.variant().isEmpty() ? "uri-miss" : "vary-miss";
    fill(ex, key, stored, fwd);
  }

  /**
   * Why a stored object may be served without waiting for upstream: {@code ""} when fresh, {@code
   * error-window} or {@code stale-while-revalidate} when stale but allowed; null when it may not.
   */
  private static String servableWithoutUpstream(CachedObject stored, long now) {
    if (stored.isFresh(now)) {
      return "";
    }
    if (stored.inErrorWindow(now)) {
      return "error-window";
    }
    return stored.servableWhileRevalidating(now) ? "stale-while-revalidate" : null;
  }

  private void pass(Exchange ex, String fwd) {
    metrics.pass();
    passThrough.forward(
        ex.request(), ex.route(), ex.viewerHost(), ex.id(), ex.forwardUri(), fwd, ex.errorHook());
  }

  private void fill(Exchange ex, CacheKey key, CachedObject stale, String fwd) {
    FillReader reader =
        new FillReader(
            ex.request(),
            clock,
            viaToken,
            tier.nodeId(),
            StoredResponses.varyNormalizer(ex.route().behavior().compress()),
            secondary -> {
              if (secondary == null) {
                pass(ex, "request");
              } else {
                fill(ex, key.primary().withVariant(secondary), null, "vary-miss");
              }
            },
            ex.errorHook());
    MultiMap requestHeaders = ex.request().headers();
    FillRegistry.Joined joined =
        fills.joinOrStart(
            key, reader, detach -> new Fill(tier.maxObjectBytes(), requestHeaders, detach));
    if (joined.started()) {
      metrics.miss();
      reader.attach(joined.fill(), StrataHeaders.MISS, fwd, false, stale);
      fillStarter.start(
          joined.fill(), key, stale, ex.route(), ex.request(), ex.viewerHost(), ex.id());
    } else {
      metrics.collapsed();
      // CloudFront labels requests served from another request's fill as hits.
      reader.attach(joined.fill(), StrataHeaders.HIT, fwd, true, stale);
    }
  }

  /** RFC 5861: one background revalidation per key, whoever else is served the stale object. */
  private void revalidateInBackground(Exchange ex, CacheKey key, CachedObject stale) {
    MultiMap requestHeaders = MultiMap.caseInsensitiveMultiMap().addAll(ex.request().headers());
    Fill fill =
        fills.startIfAbsent(key, detach -> new Fill(tier.maxObjectBytes(), requestHeaders, detach));
    if (fill != null) {
      fillStarter.start(fill, key, stale, ex.route(), ex.request(), ex.viewerHost(), ex.id());
    }
  }

  /**
   * RFC 9111 §4.4: a successful unsafe request invalidates what is stored for its target URI, and
   * for a same-host {@code Location} or {@code Content-Location}.
   */
  private void invalidate(String host, String rawPath) {
    // Keys hold canonical paths; a path the normaliser refuses was never stored.
    String path = PathNormalizer.normalize(rawPath);
    if (path == null) {
      return;
    }
    Route route = routes.get().route(host, path);
    if (route != null) {
      for (String coding : INVALIDATED_CODINGS) {
        store.invalidate(CacheKey.of(route, host, path, CacheKey.GET, coding));
        store.invalidate(CacheKey.of(route, host, path, CacheKey.OPTIONS, coding));
      }
    }
  }

  /** Every normalised Accept-Encoding a compressed object may be stored under. */
  private static final java.util.List<String> INVALIDATED_CODINGS =
      java.util.List.of(
          AcceptEncoding.IDENTITY, AcceptEncoding.GZIP, AcceptEncoding.BR, AcceptEncoding.BR_GZIP);

  /**
   * The request's {@code Accept-Encoding} field lines joined with {@code ","}, or null; without
   * building a list or a new string for the usual zero or one line.
   */
  private static String acceptEncoding(HttpServerRequest request) {
    MultiMap headers = request.headers();
    String first = headers.get("Accept-Encoding");
    if (first == null) {
      return null;
    }
    java.util.List<String> all = headers.getAll("Accept-Encoding");
    return all.size() == 1 ? first : String.join(",", all);
  }

  private String requestId(HttpServerRequest request) {
    // An id from the tier in front is kept so one request reads the same in every tier's log;
    // the edge always makes its own, so a viewer cannot choose it.
    if (!"edge".equals(tier.role())) {
      String incoming = request.getHeader(StrataHeaders.REQUEST_ID);
      if (RequestIds.isWellFormed(incoming)) {
        return incoming;
      }
    }
    return RequestIds.next();
  }
}
