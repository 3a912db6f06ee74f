package io.strata.core.proxy;

import io.strata.core.http.Hop;
import io.strata.core.metrics.NodeMetrics;
import io.strata.core.routing.Route;
import io.strata.core.upstream.Upstream;
import io.strata.core.upstream.UpstreamFailure;
import io.strata.core.upstream.UpstreamRequest;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.URI;
import java.util.function.BiConsumer;
import java.util.function.IntPredicate;

/**
 * Forwards a request that is not cached (unsafe method, or a behavior with caching disabled) with
 * its query and body, and streams the response back with back-pressure. Nothing is stored.
 */
final class PassThrough {
  private static final System.Logger LOG = System.getLogger(PassThrough.class.getName());

  private final Upstream upstream;
  private final NodeMetrics metrics;
  private final ForwardedHeaders forwarded;
  private final String viaToken;
  private final String nodeId;
  private final BiConsumer<String, String> invalidate;

  /**
   * @param invalidate drops what is stored for (host, path) after a successful unsafe request
   */
  PassThrough(
      Upstream upstream,
      NodeMetrics metrics,
      ForwardedHeaders forwarded,
      String viaToken,
      String nodeId,
      BiConsumer<String, String> invalidate) {
    this.upstream = upstream;
    this.metrics = metrics;
    this.forwarded = forwarded;
    this.viaToken = viaToken;
    this.nodeId = nodeId;
    this.invalidate = invalidate;
  }

  /**
   * @param uri the request target sent upstream (the viewer's, less what the viewer stages removed)
   * @param fwd why it is not served from cache, for {@code Cache-Status}: {@code method}, {@code
   *     bypass} or {@code request}
   * @param errorHook consulted with the status before the head is written; {@code true} means a
   *     custom error response took the viewer's response over
   */
  void forward(
      HttpServerRequest request,
      Route route,
      String viewerHost,
      String id,
      String uri,
      String fwd,
      IntPredicate errorHook) {
    // A body on a GET or HEAD has no defined meaning (RFC 9110 §9.3.1): it is dropped, never
    // forwarded, so it can neither reach the origin nor desynchronise its connection.
    boolean fatGet =
        (request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD)
            && hasBody(request);
    boolean hasBody = !fatGet && hasBody(request);
    MultiMap headers = forwarded.forPassThrough(request, id);
    if (fatGet) {
      headers.remove("Content-Length");
    }
    if (hasBody) {
      // Hold the body until the upstream request can take it.
      request.pause();
    }
    // A declared length over the limit was refused before this; an undeclared one is cut here.
    CappedBody capped =
        hasBody && request.getHeader("Content-Length") == null
            ? new CappedBody(request, route.distribution().edge().requestLimits().maxBodyBytes())
            : null;
    long sentAtNanos = System.nanoTime();
    UpstreamRequest upstreamRequest =
        new UpstreamRequest(
            route,
            request.method(),
            viewerHost,
            uri,
            headers,
            capped != null ? capped : hasBody ? request : null,
            route.distribution().id() + '\n' + request.path());
    HttpServerResponse response = request.response();
    upstream
        .send(upstreamRequest)
        .onComplete(
            ar -> {
              if (ar.failed() && capped != null && capped.exceeded()) {
                LOG.log(System.Logger.Level.INFO, "{0}: chunked request body over the limit", id);
                response.putHeader("Connection", "close");
                ErrorResponses.send(
                    response, 413, "Content Too Large", "The request body is too large.");
                return;
              }
              if (ar.failed()) {
                metrics.upstreamError();
                UpstreamFailure failure = UpstreamFailure.of(ar.cause());
                LOG.log(
                    System.Logger.Level.WARNING,
                    "{0}: upstream failed for {1} {2}: {3} ({4})",
                    id,
                    request.method(),
                    request.path(),
                    failure.tag(),
                    String.valueOf(ar.cause().getMessage()));
                if (errorHook.test(failure.status())) {
                  return;
                }
                ErrorResponses.sendFailure(response, failure);
                return;
              }
              metrics.upstreamLatency(System.nanoTime() - sentAtNanos);
              HttpClientResponse upstreamResponse = ar.result();
              if (errorHook.test(upstreamResponse.statusCode())) {
                // The error page replaces this body: read it to the end so the connection is
                // reused.
                upstreamResponse.body();
                return;
              }
              response.setStatusCode(upstreamResponse.statusCode());
              Hop.copyEndToEnd(
                  upstreamResponse.headers(),
                  response.headers(),
                  name ->
                      name.equalsIgnoreCase(StrataHeaders.X_CACHE)
                          || name.equalsIgnoreCase(StrataHeaders.REQUEST_ID));
              String upstreamVia = upstreamResponse.getHeader(StrataHeaders.VIA);
              response
                  .headers()
                  .set(
                      StrataHeaders.VIA,
                      upstreamVia == null ? viaToken : upstreamVia + ", " + viaToken)
                  .set(
                      StrataHeaders.X_CACHE,
                      StrataHeaders.xCache(
                          upstreamResponse.statusCode(),
                          StrataHeaders.MISS,
                          upstreamResponse.headers()))
                  .set(
                      CacheStatus.HEADER,
                      CacheStatus.append(
                          upstreamResponse.getHeader(CacheStatus.HEADER),
                          CacheStatus.forward(
                              nodeId,
                              fwd,
                              upstreamResponse.statusCode(),
                              false,
                              false,
                              null,
                              null)));
              if (isUnsafe(request.method()) && upstreamResponse.statusCode() < 400) {
                invalidateTargets(request, upstreamResponse);
              }
              if (!response.headers().contains("Content-Length")
                  && request.method() != HttpMethod.HEAD) {
                response.setChunked(true);
              }
              upstreamResponse
                  .pipe()
                  .endOnFailure(false)
                  .to(response)
                  .onFailure(
                      err -> {
                        metrics.upstreamError();
                        response.reset();
                      });
            });
  }

  private static boolean isUnsafe(HttpMethod method) {
    return method != HttpMethod.GET
        && method != HttpMethod.HEAD
        && method != HttpMethod.OPTIONS
        && method != HttpMethod.TRACE;
  }

  /** RFC 9111 §4.4: the target URI, and a same-host Location or Content-Location. */
  private void invalidateTargets(HttpServerRequest request, HttpClientResponse upstreamResponse) {
    String host = request.authority().host();
    invalidate.accept(host, request.path());
    for (String header : new String[] {"Location", "Content-Location"}) {
      String value = upstreamResponse.getHeader(header);
      if (value == null) {
        continue;
      }
      try {
        URI target = URI.create(request.absoluteURI()).resolve(value.trim());
        if (target.getHost() != null
            && target.getHost().equalsIgnoreCase(host)
            && target.getRawPath() != null) {
          invalidate.accept(host, target.getRawPath());
        }
      } catch (IllegalArgumentException malformed) {
        // An unparsable Location invalidates nothing.
      }
    }
  }

  private static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader("Content-Length");
    if (length != null) {
      return !length.equals("0");
    }
    return request.getHeader("Transfer-Encoding") != null
        || (request.version() == io.vertx.core.http.HttpVersion.HTTP_2 && !request.isEnded());
  }
}
