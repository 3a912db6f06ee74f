package io.strata.core.proxy;

import io.strata.core.cache.CacheDecision;
import io.strata.core.cache.CacheKey;
import io.strata.core.cache.CacheStore;
import io.strata.core.cache.Cacheability;
import io.strata.core.cache.CachedObject;
import io.strata.core.cache.Fill;
import io.strata.core.cache.ResponseHead;
import io.strata.core.compress.Compressibility;
import io.strata.core.compress.ContentEncoder;
import io.strata.core.compress.ETags;
import io.strata.core.compress.VaryHeader;
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
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.BiFunction;

/**
 * Sends the one upstream request of a fill — conditional when a stale object with a validator is
 * held — and feeds the fill, and then the store, from its response.
 */
final class FillStarter {
  private static final System.Logger LOG = System.getLogger(FillStarter.class.getName());

  /**
   * CloudFront's default error caching minimum TTL: after an upstream failure, an expired object is
   * served for this long without asking upstream again.
   */
  static final long ERROR_WINDOW_MILLIS = 10_000;

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

  /**
   * A GET, also for a HEAD viewer, so that what arrives can be stored and serve both; an OPTIONS
   * for a cached OPTIONS key.
   *
   * @param key the key the fill and the result are stored under (a variant key, or the primary)
   * @param found the stored object being revalidated, or null on a plain miss
   */
  void start(
      Fill fill,
      CacheKey key,
      CachedObject found,
      Route route,
      HttpServerRequest request,
      String viewerHost,
      String id) {
    // The stale object's body is held until the upstream answers: a 304 serves and stores it
    // again. When it was freed meanwhile (its entry left the store), the whole object is fetched.
    CachedObject stale = found != null && found.body().retain() ? found : null;
    Context context = Vertx.currentContext();
    long sentAtMillis = clock.millis();
    long sentAtNanos = System.nanoTime();
    MultiMap headers = forwarded.forCachedFetch(request, id, key.acceptEncoding());
    BiFunction<String, String, String> normalizer =
        StoredResponses.varyNormalizer(route.behavior().compress());
    if (stale != null) {
      if (stale.etag() != null) {
        headers.set("If-None-Match", stale.etag());
      }
      if (stale.lastModified() != null) {
        headers.set("If-Modified-Since", stale.lastModified());
      }
    }
    // The request's own header values decide the variant the result is stored under.
    MultiMap requestHeaders = MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
    UpstreamRequest upstreamRequest =
        new UpstreamRequest(
            route,
            key.method().equals(CacheKey.OPTIONS) ? HttpMethod.OPTIONS : HttpMethod.GET,
            viewerHost,
            key.path(),
            headers,
            null,
            key.hashInput());
    upstream
        .send(upstreamRequest)
        .onComplete(
            ar -> {
              try {
                answered(
                    ar,
                    fill,
                    key,
                    stale,
                    route,
                    context,
                    sentAtMillis,
                    sentAtNanos,
                    id,
                    normalizer,
                    requestHeaders);
              } finally {
                if (stale != null) {
                  stale.body().release();
                }
              }
            });
  }

  private void answered(
      io.vertx.core.AsyncResult<HttpClientResponse> ar,
      Fill fill,
      CacheKey key,
      CachedObject stale,
      Route route,
      Context context,
      long sentAtMillis,
      long sentAtNanos,
      String id,
      BiFunction<String, String, String> normalizer,
      MultiMap requestHeaders) {
    if (ar.failed()) {
      metrics.upstreamError();
      LOG.log(
          System.Logger.Level.WARNING,
          "{0}: upstream failed for {1}: {2} ({3})",
          id,
          key.path(),
          UpstreamFailure.of(ar.cause()).tag(),
          String.valueOf(ar.cause().getMessage()));
      openErrorWindow(key, stale);
      fill.fail(ar.cause());
      return;
    }
    metrics.upstreamLatency(System.nanoTime() - sentAtNanos);
    HttpClientResponse response = ar.result();
    long now = clock.millis();
    long initialAge =
        CachedObject.correctedInitialAgeMillis(
            sentAtMillis,
            now,
            nonNegativeLong(response.headers().get(StrataHeaders.AGE)),
            HttpDate.parseHttpDateMillis(response.headers().get("Date")));
    if (response.statusCode() == 304 && stale != null) {
      refresh(fill, key, stale, route, response, now, initialAge, requestHeaders);
      return;
    }
    if (response.statusCode() >= 500) {
      openErrorWindow(key, stale);
    }
    ResponseHead upstreamHead =
        headOf(response, route, now, initialAge, stale != null && stale.servableOnError(now));
    Compressibility.Decision compression =
        Compressibility.decide(
            route.behavior().compress(),
            key.acceptEncoding(),
            upstreamHead.status(),
            response.headers(),
            upstreamHead.lifetimeSeconds());
    ContentEncoder encoder =
        compression.compress() ? ContentEncoder.create(compression.coding()) : null;
    ResponseHead head = encoder == null ? upstreamHead : compressed(upstreamHead, encoder);
    fill.head(head, control(context, response));
    response.handler(
        chunk -> {
          metrics.bytesIn(chunk.length());
          if (encoder == null) {
            fill.chunk(chunk);
          } else {
            Buffer out = encoder.encode(chunk);
            if (out.length() > 0) {
              fill.chunk(out);
            }
          }
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
          if (encoder != null) {
            encoder.close();
          }
          fill.fail(err);
        });
    response.endHandler(
        v -> {
          if (encoder != null) {
            Buffer tail = encoder.finish();
            if (tail.length() > 0) {
              fill.chunk(tail);
            }
          }
          fill.end(
              body -> {
                MultiMap stored = MultiMap.caseInsensitiveMultiMap().addAll(head.headers());
                stored.set("Content-Length", Integer.toString(body.length()));
                // The store takes its own reference; the fill keeps its own for its
                // readers.
                store.put(
                    key.primary(),
                    name -> requestHeaders.getAll(name),
                    normalizer,
                    new CachedObject(
                        head.status(),
                        stored,
                        body,
                        head.responseTimeMillis(),
                        head.correctedInitialAgeMillis(),
                        head.decision()));
              });
        });
  }

  /** A 304 confirmed the stale object: store it refreshed and serve its body as this fill. */
  private void refresh(
      Fill fill,
      CacheKey key,
      CachedObject stale,
      Route route,
      HttpClientResponse response,
      long now,
      long initialAge,
      MultiMap requestHeaders) {
    MultiMap notModified = endToEnd(response.headers());
    MultiMap merged = MultiMap.caseInsensitiveMultiMap().addAll(stale.headers());
    merged.setAll(notModified);
    CacheDecision decision =
        Cacheability.decide(route.behavior().cachePolicy(), stale.status(), merged, false, now);
    CachedObject refreshed = stale.refreshedBy(notModified, now, initialAge, decision);
    // The 304 has no body worth reading; let it finish so the connection is reused.
    response.handler(b -> {});
    fill.head(ResponseHead.refreshed(refreshed, now), Fill.UpstreamControl.NONE);
    // The stored body itself, not a copy: the caller holds a reference on it during this call.
    fill.complete(
        refreshed.body(),
        body ->
            store.put(
                key.primary(),
                name -> requestHeaders.getAll(name),
                StoredResponses.varyNormalizer(route.behavior().compress()),
                refreshed));
  }

  /**
   * The head of the variant this tier compresses itself: no length (the body is encoded as it
   * streams), the coding named, a strong ETag made weak (an invalid one dropped), and {@code Vary:
   * Accept-Encoding}.
   */
  private static ResponseHead compressed(ResponseHead head, ContentEncoder encoder) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(head.headers());
    headers.remove("Content-Length");
    headers.set("Content-Encoding", encoder.coding().token());
    String etag = ETags.weaken(headers.get("ETag"));
    if (etag == null) {
      headers.remove("ETag");
    } else {
      headers.set("ETag", etag);
    }
    headers.set("Vary", VaryHeader.withAcceptEncoding(headers.getAll("Vary")));
    return new ResponseHead(
        head.status(),
        headers,
        -1,
        head.responseTimeMillis(),
        head.correctedInitialAgeMillis(),
        head.decision(),
        head.upstreamStatus());
  }

  /** CloudFront's rule: after an upstream failure, serve the expired object for a while. */
  private void openErrorWindow(CacheKey key, CachedObject stale) {
    long now = clock.millis();
    if (stale != null && stale.servableOnError(now)) {
      store.replace(key, stale.withErrorWindowUntil(now + ERROR_WINDOW_MILLIS));
    }
  }

  /**
   * @param staleServedInstead a stale object will be served if this is an error: then a 5xx is not
   *     stored over it (CloudFront serves the expired object for the error caching TTL instead)
   */
  private ResponseHead headOf(
      HttpClientResponse response,
      Route route,
      long now,
      long initialAge,
      boolean staleServedInstead) {
    MultiMap upstreamHeaders = response.headers();
    MultiMap headers = endToEnd(upstreamHeaders);
    int status = response.statusCode();
    CacheDecision decision =
        status >= 500 && staleServedInstead
            ? new CacheDecision(false, 0, false, 0, 0, true, "stale object served on error")
            : Cacheability.decide(
                route.behavior().cachePolicy(),
                status,
                upstreamHeaders,
                false,
                route.customErrorResponses(),
                now);
    return new ResponseHead(
        status,
        headers,
        nonNegativeLong(upstreamHeaders.get("Content-Length")),
        now,
        initialAge,
        decision,
        status);
  }

  /**
   * The headers worth keeping: end-to-end, without what each tier writes for itself, and without
   * Set-Cookie — cookies are not in the key, so one viewer's cookie would reach all.
   */
  private static MultiMap endToEnd(MultiMap upstreamHeaders) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    Hop.copyEndToEnd(
        upstreamHeaders,
        headers,
        name -> StrataHeaders.isPerTier(name) || name.equalsIgnoreCase("set-cookie"));
    return headers;
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
        // A response a Lambda@Edge function generated may have no request of its own.
        onContext(
            context,
            () -> {
              if (response.request() != null) {
                response.request().reset();
              }
            });
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
