package io.strata.core.cache;

import io.strata.core.routing.Route;
import io.strata.core.routing.Router;

/**
 * What a stored response is filed under: the distribution, the normalised viewer host, the path,
 * the method ({@code GET} for GET and HEAD, which share entries; {@code OPTIONS} when the behavior
 * caches it, as CloudFront keys it), the normalised {@code Accept-Encoding} when the behavior
 * compresses ({@code br,gzip}, {@code gzip}, {@code br} or {@code ""}, as CloudFront keys it), and
 * — for a response with {@code Vary} — the secondary key of the request's values for the headers it
 * varies on ({@code ""} for the primary key). GET and HEAD share a key. Built only by {@link #of}
 * and {@link #withVariant}, so lookup, fill and store always agree.
 */
public record CacheKey(
    String distributionId,
    String host,
    String path,
    String method,
    String acceptEncoding,
    String variant) {

  public CacheKey {
    java.util.Objects.requireNonNull(distributionId, "distributionId");
    java.util.Objects.requireNonNull(host, "host");
    java.util.Objects.requireNonNull(path, "path");
    java.util.Objects.requireNonNull(method, "method");
    java.util.Objects.requireNonNull(acceptEncoding, "acceptEncoding");
    java.util.Objects.requireNonNull(variant, "variant");
  }

  /**
   * The primary key for a request routed to {@code route}, with its {@code Host} (or authority) and
   * path (no query).
   */
  public static CacheKey of(Route route, String host, String path) {
    return of(route, host, path, GET, "");
  }

  /**
   * The primary key for {@code method} ({@link #GET} or {@link #OPTIONS}) of the variant compressed
   * for a normalised {@code Accept-Encoding}.
   */
  public static CacheKey of(
      Route route, String host, String path, String method, String acceptEncoding) {
    String normalized = Router.normalizeHost(host);
    return new CacheKey(
        route.distribution().id(),
        normalized == null ? "" : normalized,
        path,
        method,
        acceptEncoding,
        "");
  }

  /** The method of entries that GET and HEAD requests share. */
  public static final String GET = "GET";

  /** The method of cached OPTIONS responses. */
  public static final String OPTIONS = "OPTIONS";

  /** The key of one variant of this primary key. */
  public CacheKey withVariant(String secondaryKey) {
    return new CacheKey(distributionId, host, path, method, acceptEncoding, secondaryKey);
  }

  /** The primary key this key is a variant of (itself when it is primary). */
  public CacheKey primary() {
    return variant.isEmpty()
        ? this
        : new CacheKey(distributionId, host, path, method, acceptEncoding, "");
  }

  /**
   * This key with its host as a shared instance: the host string of each request is otherwise kept
   * by every entry stored under it. What the store keeps.
   */
  CacheKey withSharedHost() {
    String shared = SharedText.text(host);
    return shared == host
        ? this
        : new CacheKey(distributionId, shared, path, method, acceptEncoding, variant);
  }

  /**
   * A stable string form of the primary key, used to pick a regional node by consistent hashing.
   */
  public String hashInput() {
    return distributionId + '\n' + host + '\n' + path;
  }
}
