package io.strata.core.proxy;

import io.strata.core.cache.CachedObject;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/** Writes a stored object to a viewer: hits, and stale objects served when allowed. */
final class StoredResponses {
  private StoredResponses() {}

  static void write(
      HttpServerRequest request,
      CachedObject object,
      long nowMillis,
      String viaToken,
      String xCache,
      String cacheStatusMember) {
    HttpServerResponse response = request.response();
    response.setStatusCode(object.status());
    response.headers().addAll(object.headers());
    String upstreamVia = object.headers().get(StrataHeaders.VIA);
    response
        .headers()
        .set(StrataHeaders.VIA, upstreamVia == null ? viaToken : upstreamVia + ", " + viaToken)
        .set(StrataHeaders.AGE, Long.toString(object.ageSeconds(nowMillis)))
        .set(StrataHeaders.X_CACHE, StrataHeaders.xCache(object.status(), xCache))
        .set(
            CacheStatus.HEADER,
            CacheStatus.append(object.headers().get(CacheStatus.HEADER), cacheStatusMember));
    if (request.method() == HttpMethod.HEAD) {
      response.end();
    } else {
      response.end(object.body());
    }
  }

  /** A viewer request's values of a header, as {@link io.strata.core.cache.Vary} asks for them. */
  static Function<String, List<String>> requestValues(HttpServerRequest request) {
    return name -> request.headers().getAll(name);
  }

  /** How a request header's value is normalised before it becomes part of a secondary key. */
  static final BiFunction<String, String, String> VARY_NORMALIZER = (name, value) -> value;
}
