package io.strata.core.proxy;

import io.strata.core.cache.CachedObject;
import io.strata.core.cache.StoredBody;
import io.strata.core.compress.AcceptEncoding;
import io.strata.core.http.ByteRange;
import io.strata.core.http.ByteRanges;
import io.strata.core.http.MultipartByteranges;
import io.strata.core.http.NotModifiedHeaders;
import io.strata.core.http.Preconditions;
import io.strata.core.http.RangeDecision;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Writes a stored object to a viewer — a hit, or a stale object served where allowed — answering
 * the viewer's own conditional request (304, 412) and {@code Range} (206, multipart, 416) from it.
 * The body (or its ranges) goes out as views of the stored memory ({@link BodyWrites}), never a
 * copy.
 */
final class StoredResponses {
  private StoredResponses() {}

  /**
   * A hit: {@code object} served without going upstream, fresh ({@code detail} null) or stale where
   * allowed ({@code detail} {@code stale-while-revalidate} or {@code error-window}).
   */
  static boolean writeHit(
      HttpServerRequest request,
      CachedObject object,
      long nowMillis,
      HitHeaders tier,
      String detail) {
    return write(request, object, StrataHeaders.HIT, tier.hit(object, nowMillis, detail));
  }

  /**
   * Another response from a stored object, with its own {@code Cache-Status} member.
   *
   * @return false, with nothing written, when the object's body has been freed (the entry left the
   *     store and its last write completed): the caller must treat the object as gone
   */
  static boolean write(
      HttpServerRequest request,
      CachedObject object,
      long nowMillis,
      HitHeaders tier,
      String xCache,
      String cacheStatusMember) {
    return write(request, object, xCache, tier.other(object, nowMillis, cacheStatusMember));
  }

  private static boolean write(
      HttpServerRequest request, CachedObject object, String xCache, HitHeaders.Rendered tier) {
    StoredBody body = object.body();
    if (!body.retain()) {
      return false;
    }
    boolean handedOver = false;
    try {
      handedOver = write(request, object, body, xCache, tier);
    } finally {
      if (!handedOver) {
        body.release();
      }
    }
    return true;
  }

  /** Writes the response; true when the reference on {@code body} went to a write. */
  private static boolean write(
      HttpServerRequest request,
      CachedObject object,
      StoredBody body,
      String xCache,
      HitHeaders.Rendered tier) {
    HttpServerResponse response = request.response();
    String date = object.header("Date");
    Preconditions.Outcome precondition =
        Preconditions.evaluate(
            request.method().name(),
            request.headers(),
            object.status(),
            object.etag(),
            object.lastModified(),
            date);
    if (precondition != Preconditions.Outcome.PROCEED) {
      response.setStatusCode(precondition.status());
      if (precondition == Preconditions.Outcome.NOT_MODIFIED) {
        NotModifiedHeaders.copy(object.headers(), response.headers());
      }
      tierHeaders(response.headers(), object.status(), xCache, tier);
      response.end();
      return false;
    }
    RangeDecision range =
        object.status() == 200
            ? ByteRanges.forRequest(
                request.method().name(),
                request.getHeader("Range"),
                request.getHeader("If-Range"),
                body.length(),
                object.etag(),
                object.lastModified(),
                date)
            : RangeDecision.FULL;
    MultiMap headers = response.headers();
    // The stored fields, except the two this tier rewrites (they are in `tier`, upstream's
    // included).
    for (int i = 0, n = object.headerCount(); i < n; i++) {
      CharSequence name = object.headerName(i);
      if (!HitHeaders.VIA.contentEqualsIgnoreCase(name)
          && !HitHeaders.CACHE_STATUS.contentEqualsIgnoreCase(name)) {
        headers.add(name, object.headerValue(i));
      }
    }
    tierHeaders(headers, object.status(), xCache, tier);
    boolean head = request.method() == HttpMethod.HEAD;
    if (range instanceof RangeDecision.Partial partial) {
      response.setStatusCode(206);
      if (partial.isMultipart()) {
        MultipartByteranges multipart =
            MultipartByteranges.of(partial, object.header("Content-Type"));
        headers
            .set("Content-Type", multipart.contentType())
            .set("Content-Length", Long.toString(multipart.contentLength()));
        writeParts(response, body, partial, multipart);
        return false;
      }
      ByteRange r = partial.first();
      headers
          .set("Content-Range", partial.contentRange())
          .set("Content-Length", Long.toString(r.length()));
      BodyWrites.end(response, body, (int) r.first(), (int) r.length());
      return true;
    }
    if (range instanceof RangeDecision.Unsatisfiable unsatisfiable) {
      endUnsatisfiable(response, unsatisfiable);
      return false;
    }
    response.setStatusCode(object.status());
    if (object.status() == 200) {
      headers.set(HitHeaders.ACCEPT_RANGES, HitHeaders.BYTES);
    }
    if (head) {
      response.end();
      return false;
    }
    BodyWrites.end(response, body, 0, body.length());
    return true;
  }

  /**
   * A {@code multipart/byteranges} body: each part's delimiter and headers, then a view of its
   * range, then the close delimiter; each view takes its own reference (the caller holds one).
   */
  private static void writeParts(
      HttpServerResponse response,
      StoredBody body,
      RangeDecision.Partial partial,
      MultipartByteranges multipart) {
    List<ByteRange> ranges = partial.ranges();
    for (int i = 0; i < ranges.size(); i++) {
      ByteRange r = ranges.get(i);
      response.write(Buffer.buffer(multipart.partHead(i)));
      if (body.retain()) {
        BodyWrites.write(response, body, (int) r.first(), (int) r.length());
      }
    }
    response.end(Buffer.buffer(multipart.closeDelimiter()));
  }

  private static void tierHeaders(
      MultiMap headers, int status, String xCache, HitHeaders.Rendered tier) {
    headers
        .set(HitHeaders.VIA, tier.via())
        .set(HitHeaders.AGE, tier.age())
        .set(HitHeaders.X_CACHE, StrataHeaders.xCache(status, xCache))
        .set(HitHeaders.CACHE_STATUS, tier.cacheStatus());
  }

  /** Ends a response as 416; it is generated per request and never stored. */
  static void endUnsatisfiable(
      HttpServerResponse response, RangeDecision.Unsatisfiable unsatisfiable) {
    response.setStatusCode(416);
    response.headers().remove("Content-Type");
    response
        .headers()
        .set("Content-Range", unsatisfiable.contentRange())
        .set("Content-Length", "0");
    response.end();
  }

  /** The headers each tier sets for itself on every response it serves. */
  static void tierHeaders(
      HttpServerResponse response,
      MultiMap upstreamHeaders,
      long ageSeconds,
      String viaToken,
      String xCache,
      String cacheStatusMember) {
    String upstreamVia = upstreamHeaders.get(StrataHeaders.VIA);
    response
        .headers()
        .set(StrataHeaders.VIA, upstreamVia == null ? viaToken : upstreamVia + ", " + viaToken)
        .set(StrataHeaders.AGE, Long.toString(ageSeconds))
        .set(StrataHeaders.X_CACHE, xCache)
        .set(
            CacheStatus.HEADER,
            CacheStatus.append(upstreamHeaders.get(CacheStatus.HEADER), cacheStatusMember));
  }

  /** A viewer request's values of a header, as {@link io.strata.core.cache.Vary} asks for them. */
  static Function<String, List<String>> requestValues(HttpServerRequest request) {
    return name -> request.headers().getAll(name);
  }

  /**
   * How a request header's value is normalised before it becomes part of a secondary key. {@code
   * Accept-Encoding} keys on what this tier sends upstream: its normalised form when the behavior
   * compresses, otherwise nothing (the upstream always gets {@code identity}).
   */
  static BiFunction<String, String, String> varyNormalizer(boolean compress) {
    return compress ? COMPRESSING : IDENTITY_ONLY;
  }

  private static final BiFunction<String, String, String> COMPRESSING =
      (name, value) -> name.equals("accept-encoding") ? AcceptEncoding.normalize(value) : value;
  private static final BiFunction<String, String, String> IDENTITY_ONLY =
      (name, value) -> name.equals("accept-encoding") ? "" : value;
}
