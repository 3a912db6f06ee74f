package io.strata.core.proxy;

import io.strata.core.cache.CacheControl;
import io.strata.core.cache.CacheKey;
import io.strata.core.cache.CacheStore;
import io.strata.core.cache.CachedObject;
import io.strata.core.cache.Fill;
import io.strata.core.cache.Freshness;
import io.strata.core.cache.ResponseHead;
import io.strata.core.http.Hop;
import io.strata.core.http.HttpDate;
import io.strata.core.metrics.NodeMetrics;
import io.strata.core.routing.Route;
import io.strata.core.time.Clock;
import io.strata.core.upstream.Upstream;
import io.strata.core.upstream.UpstreamFailure;
import io.strata.core.upstream.UpstreamRequest;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * Sends the one upstream request of a fill and feeds the fill, and then the store, from its
 * response.
 */
final class FillStarter {
  private static final System.Logger LOG = System.getLogger(FillStarter.class.getName());

  private final Upstream upstream;
  private final CacheStore store;
  private final NodeMetrics metrics;
  private final Clock clock;
  private final ForwardedHeaders forwarded;

  FillStarter(
      Upstream upstream,
      CacheStore store,
      NodeMetrics metrics,
      Clock clock,
      ForwardedHeaders forwarded) {
    this.upstream = upstream;
    this.store = store;
    this.metrics = metrics;
    this.clock = clock;
    this.forwarded = forwarded;
  }

  /** Always a GET, also for a HEAD viewer, so that what arrives can be stored and serve both. */
  void start(
      Fill fill,
      CacheKey key,
      Route route,
      HttpServerRequest request,
      String viewerHost,
      String id) {
    Context context = Vertx.currentContext();
    long sentAtMillis = clock.millis();
    long sentAtNanos = System.nanoTime();
    UpstreamRequest upstreamRequest =
        new UpstreamRequest(
            route,
            HttpMethod.GET,
            viewerHost,
            key.path(),
            forwarded.forCachedFetch(request, id),
            null,
            key.hashInput());
    upstream
        .send(upstreamRequest)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                metrics.upstreamError();
                LOG.log(
                    System.Logger.Level.WARNING,
                    "{0}: upstream failed for {1}: {2} ({3})",
                    id,
                    key.path(),
                    UpstreamFailure.of(ar.cause()).tag(),
                    String.valueOf(ar.cause().getMessage()));
                fill.fail(ar.cause());
                return;
              }
              metrics.upstreamLatency(System.nanoTime() - sentAtNanos);
              HttpClientResponse response = ar.result();
              ResponseHead head = headOf(response, route, sentAtMillis);
              fill.head(head, control(context, response));
              response.handler(
                  chunk -> {
                    metrics.bytesIn(chunk.length());
                    fill.chunk(chunk);
                  });
              response.exceptionHandler(
                  err -> {
                    metrics.upstreamError();
                    LOG.log(
                        System.Logger.Level.WARNING,
                        "{0}: upstream body failed for {1}: {2}",
                        id,
                        key.path(),
                        String.valueOf(err.getMessage()));
                    fill.fail(err);
                  });
              response.endHandler(
                  v ->
                      fill.end(
                          body -> {
                            MultiMap headers =
                                MultiMap.caseInsensitiveMultiMap().addAll(head.headers());
                            headers.set("Content-Length", Integer.toString(body.length()));
                            store.put(
                                key,
                                new CachedObject(
                                    head.status(),
                                    headers,
                                    body,
                                    head.responseTimeMillis(),
                                    head.correctedInitialAgeMillis(),
                                    head.lifetimeSeconds()));
                          }));
            });
  }

  private ResponseHead headOf(HttpClientResponse response, Route route, long sentAtMillis) {
    MultiMap upstreamHeaders = response.headers();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    // Set-Cookie is dropped: cookies are not in the key, so one viewer's cookie would reach all.
    Hop.copyEndToEnd(
        upstreamHeaders,
        headers,
        name -> StrataHeaders.isPerTier(name) || name.equalsIgnoreCase("set-cookie"));
    long now = clock.millis();
    long initialAge =
        CachedObject.correctedInitialAgeMillis(
            sentAtMillis,
            now,
            nonNegativeLong(upstreamHeaders.get(StrataHeaders.AGE)),
            HttpDate.parseHttpDateMillis(upstreamHeaders.get("Date")));
    long lifetime =
        Freshness.lifetimeSeconds(
            route.behavior().cachePolicy(),
            response.statusCode(),
            CacheControl.parse(upstreamHeaders.getAll("Cache-Control")),
            upstreamHeaders.get("Expires"),
            upstreamHeaders.get("Date"),
            now);
    return new ResponseHead(
        response.statusCode(),
        headers,
        nonNegativeLong(upstreamHeaders.get("Content-Length")),
        now,
        initialAge,
        lifetime);
  }

  private static Fill.UpstreamControl control(Context context, HttpClientResponse response) {
    return new Fill.UpstreamControl() {
      @Override
      public void pause() {
        onContext(context, response::pause);
      }

      @Override
      public void resume() {
        onContext(context, response::resume);
      }

      @Override
      public void abort() {
        onContext(context, () -> response.request().reset());
      }
    };
  }

  static void onContext(Context context, Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  /** The value as a non-negative long, or -1 when absent or not a plain non-negative integer. */
  static long nonNegativeLong(String value) {
    if (value == null || value.isEmpty() || value.length() > 18) {
      return -1;
    }
    long n = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
