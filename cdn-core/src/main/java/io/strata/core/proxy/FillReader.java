package io.strata.core.proxy;

import io.strata.core.cache.CachedObject;
import io.strata.core.cache.Fill;
import io.strata.core.cache.ResponseHead;
import io.strata.core.cache.Vary;
import io.strata.core.time.Clock;
import io.strata.core.upstream.UpstreamFailure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One viewer reading a {@link Fill}: writes the head as soon as it arrives, then each chunk as the
 * viewer's connection accepts it. When the fill fails or the upstream answers 5xx and the viewer
 * came with a stale object that may be served on error, the stale object is written instead. All
 * work runs on the viewer's own event loop; the fill may wake it from any thread.
 */
final class FillReader implements Fill.Reader {
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final Context context;
  private final Clock clock;
  private final String viaToken;
  private final String nodeId;
  private final boolean headOnly;
  private final AtomicBoolean wakePending = new AtomicBoolean();
  private final java.util.function.Consumer<String> refillAs;
  private Fill fill;
  private String xCache;
  private String fwd;
  private boolean collapsed;
  private CachedObject stale;
  private boolean headWritten;
  private boolean done;

  /**
   * @param refillAs called with this viewer's secondary key (null when too long) when it must fill
   *     its own variant instead
   */
  FillReader(
      HttpServerRequest request,
      Clock clock,
      String viaToken,
      String nodeId,
      java.util.function.Consumer<String> refillAs) {
    this.refillAs = refillAs;
    this.request = request;
    this.response = request.response();
    this.context = Vertx.currentContext();
    this.clock = clock;
    this.viaToken = viaToken;
    this.nodeId = nodeId;
    this.headOnly = request.method() == HttpMethod.HEAD;
  }

  /**
   * Called once on the viewer's context after joining; starts reading.
   *
   * @param fwd why this tier went upstream, for {@code Cache-Status}
   * @param collapsed this viewer joined another request's fill
   * @param stale the stale object the viewer found, served if the upstream fails; may be null
   */
  void attach(Fill fill, String xCache, String fwd, boolean collapsed, CachedObject stale) {
    this.fill = fill;
    this.xCache = xCache;
    this.fwd = fwd;
    this.collapsed = collapsed;
    this.stale = stale;
    response.closeHandler(v -> finish());
    pump();
  }

  @Override
  public void wake() {
    if (wakePending.compareAndSet(false, true)) {
      context.runOnContext(
          v -> {
            wakePending.set(false);
            pump();
          });
    }
  }

  private void pump() {
    if (fill == null || done) {
      return;
    }
    if (!headWritten) {
      Throwable error = fill.error();
      ResponseHead head = fill.head();
      if (error != null) {
        finish();
        UpstreamFailure failure = UpstreamFailure.of(error);
        if (!serveStaleOnError(failure.status())) {
          ErrorResponses.send(
              response,
              failure.status(),
              failure.status() == 504 ? "Gateway Timeout" : "Bad Gateway",
              "The origin could not be reached or did not answer in time.");
        }
        return;
      }
      if (head == null) {
        return;
      }
      if (head.status() >= 500 && serveStaleOnError(head.status())) {
        finish();
        return;
      }
      if (collapsed && varyMismatch(head)) {
        return;
      }
      writeHead(head);
      headWritten = true;
      if (headOnly) {
        finish();
        response.end();
        return;
      }
    }
    while (!response.writeQueueFull()) {
      Fill.Read read = fill.read(this);
      if (read.chunk() != null) {
        response.write(read.chunk());
      } else if (read.end()) {
        finish();
        response.end();
        return;
      } else if (read.error() != null) {
        // Headers are gone already: cutting the connection is the only honest way to say
        // "truncated".
        finish();
        response.reset();
        return;
      } else {
        return;
      }
    }
    response.drainHandler(v -> pump());
  }

  /**
   * A joiner whose header values select another variant than the starter's must not be served this
   * response: it leaves and fills its own variant.
   */
  private boolean varyMismatch(ResponseHead head) {
    java.util.List<String> names = Vary.names(head.headers().getAll("Vary"));
    if (names == null || names.isEmpty()) {
      return false;
    }
    String mine =
        Vary.secondaryKey(
            names, StoredResponses.requestValues(request), StoredResponses.VARY_NORMALIZER);
    String starter =
        Vary.secondaryKey(
            names, name -> fill.requestHeaders().getAll(name), StoredResponses.VARY_NORMALIZER);
    if (java.util.Objects.equals(mine, starter)) {
      return false;
    }
    finish();
    refillAs.accept(mine);
    return true;
  }

  private boolean serveStaleOnError(int upstreamStatus) {
    long now = clock.millis();
    if (stale == null || !stale.servableOnError(now)) {
      return false;
    }
    StoredResponses.write(
        request,
        stale,
        now,
        viaToken,
        StrataHeaders.HIT,
        CacheStatus.forward(
            nodeId,
            "stale",
            upstreamStatus,
            false,
            collapsed,
            stale.ttlSeconds(now),
            "served-stale-on-error"));
    return true;
  }

  private void writeHead(ResponseHead head) {
    long now = clock.millis();
    response.setStatusCode(head.status());
    response.headers().addAll(head.headers());
    String upstreamVia = head.headers().get(StrataHeaders.VIA);
    String label = head.refreshed() ? StrataHeaders.REFRESH_HIT : xCache;
    Long ttl = head.storable() ? head.lifetimeSeconds() - head.ageSeconds(now) : null;
    response
        .headers()
        .set(StrataHeaders.VIA, upstreamVia == null ? viaToken : upstreamVia + ", " + viaToken)
        .set(StrataHeaders.AGE, Long.toString(head.ageSeconds(now)))
        .set(StrataHeaders.X_CACHE, StrataHeaders.xCache(head.status(), label))
        .set(
            CacheStatus.HEADER,
            CacheStatus.append(
                head.headers().get(CacheStatus.HEADER),
                CacheStatus.forward(
                    nodeId,
                    head.refreshed() ? "stale" : fwd,
                    head.upstreamStatus(),
                    head.storable(),
                    collapsed,
                    ttl,
                    null)));
    if (head.contentLength() < 0 && !headOnly) {
      response.setChunked(true);
    }
  }

  private void finish() {
    if (!done) {
      done = true;
      fill.leave(this);
    }
  }
}
