package io.strata.core.proxy;

import io.strata.core.cache.CacheKey;
import io.strata.core.cache.CacheStore;
import io.strata.core.cache.CachedObject;
import io.strata.core.cache.FillRegistry;
import io.strata.core.metrics.NodeMetrics;
import io.strata.core.routing.Route;
import io.strata.core.routing.Router;
import io.strata.core.time.Clock;
import io.strata.core.upstream.Upstream;
import io.strata.core.viewer.ViewerExchange;
import io.strata.core.viewer.ViewerPipeline;
import io.vertx.core.Handler;
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
    ForwardedHeaders forwarded = new ForwardedHeaders(viaToken);
    this.fillStarter = new FillStarter(upstream, store, metrics, clock, forwarded);
    this.passThrough = new PassThrough(upstream, metrics, forwarded, viaToken);
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
    String path = request.path();
    if (path == null || path.isEmpty() || path.charAt(0) != '/') {
      ErrorResponses.send(
          response, 400, "Bad Request", "The request target must be an absolute path.");
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
    ViewerExchange exchange = viewer.run(request, route, router.config(), id);
    if (exchange == null) {
      return;
    }
    IntPredicate errorHook = viewer.errorHook(exchange);
    HttpMethod method = request.method();
    boolean cacheable =
        (method == HttpMethod.GET || method == HttpMethod.HEAD)
            && !route.behavior().cachePolicy().cachingDisabled();
    if (cacheable) {
      serveCacheable(
          request, route, authority.toString(), CacheKey.of(route, host, path), id, errorHook);
    } else {
      metrics.pass();
      passThrough.forward(
          request, route, authority.toString(), id, exchange.forwardUri(), errorHook);
    }
  }

  private void serveCacheable(
      HttpServerRequest request,
      Route route,
      String viewerHost,
      CacheKey key,
      String id,
      IntPredicate errorHook) {
    CachedObject hit = store.getFresh(key);
    if (hit != null) {
      metrics.hit();
      if (!errorHook.test(hit.status())) {
        writeHit(request, hit);
      }
      return;
    }
    FillReader reader = new FillReader(request, clock, viaToken, errorHook);
    FillRegistry.Joined joined =
        fills.joinOrStart(
            key, reader, detach -> new io.strata.core.cache.Fill(tier.maxObjectBytes(), detach));
    if (joined.started()) {
      metrics.miss();
      reader.attach(joined.fill(), StrataHeaders.MISS);
      fillStarter.start(joined.fill(), key, route, request, viewerHost, id);
    } else {
      metrics.collapsed();
      // CloudFront labels requests served from another request's fill as hits.
      reader.attach(joined.fill(), StrataHeaders.HIT);
    }
  }

  private void writeHit(HttpServerRequest request, CachedObject hit) {
    HttpServerResponse response = request.response();
    response.setStatusCode(hit.status());
    response.headers().addAll(hit.headers());
    String upstreamVia = hit.headers().get(StrataHeaders.VIA);
    response
        .headers()
        .set(StrataHeaders.VIA, upstreamVia == null ? viaToken : upstreamVia + ", " + viaToken)
        .set(StrataHeaders.AGE, Long.toString(hit.ageSeconds(clock.millis())))
        .set(StrataHeaders.X_CACHE, StrataHeaders.xCache(hit.status(), StrataHeaders.HIT));
    if (request.method() == HttpMethod.HEAD) {
      response.end();
    } else {
      response.end(hit.body());
    }
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
