package io.strata.core.proxy;

import io.netty.util.AsciiString;
import io.strata.core.cache.CachedObject;

/**
 * The per-tier headers of a response served from a stored object ({@code Via}, {@code Age}, {@code
 * Cache-Status}), rendered once per object and second instead of once per hit: {@code Via} never
 * changes for an object, {@code Age} and the {@code ttl} of {@code Cache-Status} change once a
 * second. The rendering is kept on the object ({@link CachedObject#rendered}); concurrent hits on
 * other event loops may render the same value twice, which is harmless.
 */
final class HitHeaders {
  static final AsciiString VIA = AsciiString.cached(StrataHeaders.VIA);
  static final AsciiString AGE = AsciiString.cached(StrataHeaders.AGE);
  static final AsciiString X_CACHE = AsciiString.cached(StrataHeaders.X_CACHE);
  static final AsciiString CACHE_STATUS = AsciiString.cached(CacheStatus.HEADER);
  static final AsciiString ACCEPT_RANGES = AsciiString.cached("Accept-Ranges");
  static final AsciiString BYTES = AsciiString.cached("bytes");

  private final String viaToken;
  private final String nodeId;

  HitHeaders(String viaToken, String nodeId) {
    this.viaToken = viaToken;
    this.nodeId = nodeId;
  }

  /** What a response from {@code object} carries at one moment. */
  record Rendered(
      HitHeaders tier,
      long ageSeconds,
      long ttlSeconds,
      CharSequence via,
      CharSequence age,
      CharSequence cacheStatus) {}

  /**
   * The headers of a hit on {@code object} at {@code nowMillis}.
   *
   * @param detail the {@code Cache-Status} detail ({@code stale-while-revalidate}, {@code
   *     error-window}), or null for a fresh hit; only fresh hits are kept on the object
   */
  Rendered hit(CachedObject object, long nowMillis, String detail) {
    long age = object.ageSeconds(nowMillis);
    long ttl = object.ttlSeconds(nowMillis);
    Object slot = object.rendered();
    if (slot instanceof FastHits.Encoded encoded) {
      // The fast path keeps its encoded heads on the object, with the rendering they came from.
      slot = encoded.rendered();
    }
    Rendered last = slot instanceof Rendered r && r.tier == this ? r : null;
    if (detail == null && last != null && last.ageSeconds == age && last.ttlSeconds == ttl) {
      return last;
    }
    CharSequence via = last != null ? last.via : via(object);
    Rendered rendered =
        new Rendered(
            this,
            age,
            ttl,
            via,
            Long.toString(age),
            CacheStatus.append(
                object.header(CacheStatus.HEADER), CacheStatus.hit(nodeId, ttl, detail)));
    if (detail == null) {
      object.rendered(rendered);
    }
    return rendered;
  }

  /**
   * The headers of another response from a stored object (a stale object served on an upstream
   * error), with its own {@code Cache-Status} member; nothing is kept.
   */
  Rendered other(CachedObject object, long nowMillis, String cacheStatusMember) {
    long age = object.ageSeconds(nowMillis);
    return new Rendered(
        this,
        age,
        object.ttlSeconds(nowMillis),
        via(object),
        Long.toString(age),
        CacheStatus.append(object.header(CacheStatus.HEADER), cacheStatusMember));
  }

  private AsciiString via(CachedObject object) {
    String upstream = object.header(StrataHeaders.VIA);
    return new AsciiString(upstream == null ? viaToken : upstream + ", " + viaToken);
  }
}
