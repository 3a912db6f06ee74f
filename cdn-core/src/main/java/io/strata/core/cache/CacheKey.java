package io.strata.core.cache;

import io.strata.core.routing.Route;
import io.strata.core.routing.Router;

/**
 * What a stored response is filed under: the distribution, the normalised viewer host and the path.
 * GET and HEAD share a key. Built only by {@link #of}, so lookup, fill and store always agree.
 */
public record CacheKey(String distributionId, String host, String path) {

  public CacheKey {
    java.util.Objects.requireNonNull(distributionId, "distributionId");
    java.util.Objects.requireNonNull(host, "host");
    java.util.Objects.requireNonNull(path, "path");
  }

  /**
   * The key for a request routed to {@code route}, with its {@code Host} (or authority) and path
   * (no query).
   */
  public static CacheKey of(Route route, String host, String path) {
    String normalized = Router.normalizeHost(host);
    return new CacheKey(route.distribution().id(), normalized == null ? "" : normalized, path);
  }

  /** A stable string form, used to pick a regional node by consistent hashing. */
  public String hashInput() {
    return distributionId + '\n' + host + '\n' + path;
  }
}
