package io.strata.core.proxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.AsciiString;
import io.strata.core.cache.CacheKey;
import io.strata.core.cache.CacheStore;
import io.strata.core.cache.CachedObject;
import io.strata.core.compress.AcceptEncoding;
import io.strata.core.metrics.NodeMetrics;
import io.strata.core.routing.AliasGuard;
import io.strata.core.routing.PathNormalizer;
import io.strata.core.routing.Route;
import io.strata.core.routing.Router;
import io.strata.core.server.netty.HitFastPath;
import io.strata.core.time.Clock;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.buffer.impl.BufferImpl;
import io.vertx.core.internal.buffer.BufferInternal;
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
 * once per object and second and kept on the object beside {@link HitHeaders}' rendering; a hit
 * then copies it and the body into one pooled buffer. A GET of a body above {@link
 * #COPY_BODY_BYTES} is left to the normal path, which writes it in slices under back-pressure: one
 * write of a large heap body makes the native transport copy all of it into a fresh direct buffer
 * per hit (measured: 1 MiB hits fell from about 5,900 to 4,000 req/s). Metrics are counted as the
 * normal path counts them, plus {@code strata.cache.hits.fast}.
 */
public final class FastHits implements HitFastPath {
  /** Bodies up to this size are copied after the head; larger ones take the normal path. */
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
  public ByteBuf answer(
      ByteBufAllocator alloc,
      boolean head,
      String host,
      String path,
      String acceptEncoding,
      boolean tls) {
    if (!enabled) {
      return null;
    }
    Router router = routes.get();
    Route route = router.plainRoute(host, path, tls);
    if (route == null
        || path.length() > route.distribution().edge().requestLimits().maxUrlLength()
        || PathNormalizer.normalize(path) != path
        || AliasGuard.check(router, host, path, route) != null) {
      return null;
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
      return null;
    }
    long now = clock.millis();
    if (!stored.isFresh(now)) {
      return null;
    }
    Buffer body = stored.body();
    int bodyLength = head ? 0 : body.length();
    if (bodyLength > COPY_BODY_BYTES) {
      return null;
    }
    Encoded encoded = encoded(stored, now);
    if (encoded == null) {
      return null;
    }
    byte[] rest = head ? encoded.headRest : encoded.getRest;
    ByteBuf out =
        alloc.directBuffer(STATUS_AND_ID.length + RequestIds.LENGTH + rest.length + bodyLength);
    out.writeBytes(STATUS_AND_ID);
    RequestIds.writeNext(out);
    out.writeBytes(rest);
    if (bodyLength > 0) {
      ByteBuf raw =
          body instanceof BufferImpl impl ? impl.byteBuf() : ((BufferInternal) body).getByteBuf();
      out.writeBytes(raw, raw.readerIndex(), bodyLength);
    }
    metrics.hit();
    metrics.response(200, bodyLength);
    fastHits.increment();
    return out;
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
