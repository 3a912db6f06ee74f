package io.strata.core.proxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.AsciiString;
import io.strata.core.cache.CacheKey;
import io.strata.core.cache.CacheStore;
import io.strata.core.cache.CachedObject;
import io.strata.core.cache.StoredBody;
import io.strata.core.compress.AcceptEncoding;
import io.strata.core.metrics.NodeMetrics;
import io.strata.core.routing.AliasGuard;
import io.strata.core.routing.PathNormalizer;
import io.strata.core.routing.Route;
import io.strata.core.routing.Router;
import io.strata.core.server.netty.HitFastPath;
import io.strata.core.time.Clock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The edge's hit fast path: answers a fresh 200 hit for a simple request (see {@code
 * io.strata.core.server.netty.SimpleHead}) as one buffer written straight to the connection, below
 * Vert.x's HTTP server, with the bytes {@link CachingProxy}'s hit branch would send: the same
 * status line, the same header fields in the same order (request id first, the stored fields, then
 * {@code Via}, {@code Age}, {@code X-Cache}, {@code Cache-Status}, {@code Accept-Ranges}, then the
 * {@code content-length} Vert.x adds when the object has none) and the same body; only the request
 * id and the {@code Age} of the moment differ from request to request.
 *
 * <p>Everything the normal path would decide differently is left to it ({@code null}): a host or
 * behavior that needs a viewer stage ({@link Router#plainRoute}), a path the normaliser or the
 * alias guard would touch or a URL over the distribution's limit, a miss, a {@code Vary} index, a
 * stale object, any status but 200. The response head (everything but the request id) is encoded
 * once per object and second and kept on the object beside {@link HitHeaders}' rendering. A hit
 * copies it into one pooled buffer; a heap body ({@link StoredBody}, below {@link
 * StoredBody#DIRECT_MIN_BYTES}) is copied after it, so the answer is one write; a direct body
 * follows as a second write of a view of the stored memory holding its own reference, which the
 * native transport writes as it is ({@code writev} of both, one flush, no copy of the body). A GET
 * of a heap body above {@link #COPY_BODY_BYTES} (a large body the JVM's direct-memory limit kept on
 * the heap) is left to the normal path: the transport would copy it into a fresh direct buffer per
 * hit. Metrics are counted as the normal path counts them, plus {@code strata.cache.hits.fast}.
 */
public final class FastHits implements HitFastPath {
  /** Heap bodies up to this size are copied after the head; larger ones take the normal path. */
  static final int COPY_BODY_BYTES = 64 * 1024;

  private static final byte[] STATUS_AND_ID =
      "HTTP/1.1 200 OK\r\nX-Strata-Request-Id: ".getBytes(StandardCharsets.US_ASCII);
  private static final AsciiString CONTENT_LENGTH = AsciiString.cached("content-length");

  private final Supplier<Router> routes;
  private final CacheStore store;
  private final NodeMetrics metrics;
  private final Clock clock;
  private final HitHeaders hitHeaders;
  private final Counter fastHits;
  private volatile boolean enabled;

  FastHits(
      Supplier<Router> routes,
      CacheStore store,
      NodeMetrics metrics,
      Clock clock,
      HitHeaders hitHeaders,
      MeterRegistry registry,
      String role,
      String nodeId) {
    this.routes = routes;
    this.store = store;
    this.metrics = metrics;
    this.clock = clock;
    this.hitHeaders = hitHeaders;
    this.fastHits =
        Counter.builder("strata.cache.hits.fast")
            .description("Hits answered below the HTTP server by the hit fast path")
            .tag("role", role)
            .tag("node", nodeId)
            .register(registry);
    this.enabled = !"false".equals(System.getProperty("strata.hitFastPath"));
  }

  /** Turns the fast path on or off (off: every request goes through the HTTP server). */
  public void enabled(boolean on) {
    this.enabled = on;
  }

  public boolean enabled() {
    return enabled;
  }

  @Override
  public boolean answer(
      ChannelHandlerContext ctx,
      boolean head,
      String host,
      String path,
      String acceptEncoding,
      boolean tls) {
    if (!enabled) {
      return false;
    }
    Router router = routes.get();
    Route route = router.plainRoute(host, path, tls);
    if (route == null
        || path.length() > route.distribution().edge().requestLimits().maxUrlLength()
        || PathNormalizer.normalize(path) != path
        || AliasGuard.check(router, host, path, route) != null) {
      return false;
    }
    String coding =
        route.behavior().compress()
            ? AcceptEncoding.normalize(acceptEncoding)
            : AcceptEncoding.IDENTITY;
    CacheKey primary = CacheKey.of(route, host, path, CacheKey.GET, coding);
    CachedObject stored = store.get(primary);
    if (stored == null) {
      stored = acceptEncodingVariant(primary, route.behavior().compress(), acceptEncoding);
    }
    if (stored == null || stored.status() != 200) {
      return false;
    }
    long now = clock.millis();
    if (!stored.isFresh(now)) {
      return false;
    }
    StoredBody body = stored.body();
    int bodyLength = head ? 0 : body.length();
    boolean separate = body.isDirect();
    if (bodyLength > COPY_BODY_BYTES && !separate) {
      return false;
    }
    Encoded encoded = encoded(stored, now);
    // Freed already: the entry left the store on another event loop; the normal path looks again.
    if (encoded == null || (bodyLength > 0 && !body.retain())) {
      return false;
    }
    byte[] rest = head ? encoded.headRest : encoded.getRest;
    int copied = separate ? 0 : bodyLength;
    ByteBuf out =
        ctx.alloc().directBuffer(STATUS_AND_ID.length + RequestIds.LENGTH + rest.length + copied);
    out.writeBytes(STATUS_AND_ID);
    RequestIds.writeNext(out);
    out.writeBytes(rest);
    if (copied > 0) {
      body.copyTo(out, 0, copied);
      body.release();
    }
    ctx.write(out, ctx.voidPromise());
    if (separate && bodyLength > 0) {
      // The view carries the reference taken above; Netty gives it back once written or failed.
      ctx.write(body.view(0, bodyLength), ctx.voidPromise());
    }
    metrics.hit();
    metrics.response(200, bodyLength);
    fastHits.increment();
    return true;
  }

  /**
   * The variant stored under a {@code Vary} index at {@code primary}, looked up exactly as the
   * normal path looks it up, when the index varies on nothing but {@code Accept-Encoding} (the one
   * varying header the fast path knows the request's value of); else null.
   */
  private CachedObject acceptEncodingVariant(
      CacheKey primary, boolean compress, String acceptEncoding) {
    boolean[] otherHeader = new boolean[1];
    CacheStore.Lookup lookup =
        store.lookup(
            primary,
            name -> {
              if (name.equals("accept-encoding")) {
                return acceptEncoding == null ? List.of() : List.of(acceptEncoding);
              }
              otherHeader[0] = true;
              return List.of();
            },
            StoredResponses.varyNormalizer(compress));
    return otherHeader[0] ? null : lookup.object();
  }

  /**
   * The response heads of {@code object} for this second, encoded once per second and kept on the
   * object; null when the stored fields are not what the fast path can reproduce exactly.
   */
  private Encoded encoded(CachedObject object, long now) {
    long age = object.ageSeconds(now);
    long ttl = object.ttlSeconds(now);
    if (object.rendered() instanceof Encoded e
        && e.rendered.tier() == hitHeaders
        && e.rendered.ageSeconds() == age
        && e.rendered.ttlSeconds() == ttl) {
      return e;
    }
    HitHeaders.Rendered rendered = hitHeaders.hit(object, now, null);
    Encoded encoded = encode(object, rendered);
    if (encoded != null) {
      object.rendered(encoded);
    }
    return encoded;
  }

  /**
   * Lays the fields out exactly as the normal path's {@code MultiMap} ends up: the stored fields
   * but {@code Via} and {@code Cache-Status}, then each field the hit branch {@code set}s (which
   * removes an earlier one of that name and appends), then Vert.x's {@code content-length} for a
   * GET when the object has none.
   */
  static Encoded encode(CachedObject object, HitHeaders.Rendered rendered) {
    List<CharSequence> fields = new ArrayList<>();
    for (int i = 0, n = object.headerCount(); i < n; i++) {
      CharSequence name = object.headerName(i);
      if (AsciiString.contentEqualsIgnoreCase(name, "transfer-encoding")) {
        return null;
      }
      if (!HitHeaders.VIA.contentEqualsIgnoreCase(name)
          && !HitHeaders.CACHE_STATUS.contentEqualsIgnoreCase(name)) {
        fields.add(name);
        fields.add(object.headerValue(i));
      }
    }
    set(fields, HitHeaders.VIA, rendered.via());
    set(fields, HitHeaders.AGE, rendered.age());
    set(fields, HitHeaders.X_CACHE, StrataHeaders.xCache(200, StrataHeaders.HIT));
    set(fields, HitHeaders.CACHE_STATUS, rendered.cacheStatus());
    set(fields, HitHeaders.ACCEPT_RANGES, HitHeaders.BYTES);
    byte[] headRest = render(fields);
    boolean hasLength = false;
    for (int i = 0; i < fields.size(); i += 2) {
      hasLength |= CONTENT_LENGTH.contentEqualsIgnoreCase(fields.get(i));
    }
    if (!hasLength) {
      fields.add(CONTENT_LENGTH);
      fields.add(Integer.toString(object.body().length()));
    }
    return new Encoded(rendered, render(fields), headRest);
  }

  private static void set(List<CharSequence> fields, AsciiString name, CharSequence value) {
    for (int i = fields.size() - 2; i >= 0; i -= 2) {
      if (name.contentEqualsIgnoreCase(fields.get(i))) {
        fields.remove(i + 1);
        fields.remove(i);
      }
    }
    fields.add(name);
    fields.add(value);
  }

  /** {@code \r\n} ending the request id line, the fields, and the blank line. */
  private static byte[] render(List<CharSequence> fields) {
    StringBuilder text = new StringBuilder("\r\n");
    for (int i = 0; i < fields.size(); i += 2) {
      text.append(fields.get(i)).append(": ").append(fields.get(i + 1)).append("\r\n");
    }
    text.append("\r\n");
    byte[] bytes = new byte[text.length()];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = AsciiString.c2b(text.charAt(i));
    }
    return bytes;
  }

  /**
   * One second's response heads of an object after the request id, for GET and HEAD (a HEAD gets no
   * {@code content-length} from Vert.x), with the {@link HitHeaders} rendering they came from.
   */
  record Encoded(HitHeaders.Rendered rendered, byte[] getRest, byte[] headRest) {}
}
