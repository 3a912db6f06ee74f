package io.strata.core.cache;

import static java.util.Objects.requireNonNull;

import io.strata.core.config.CachePolicy;
import io.strata.core.http.HttpDate;

/**
 * Decides how long an origin response may be served from cache, by CloudFront's rules ({@code
 * Expiration.md}).
 *
 * <p>{@link #lifetimeSeconds} applies, in order:
 *
 * <ol>
 *   <li>{@code maxTtl == 0}: caching is disabled → 0.
 *   <li>A status that is not cacheable by default ({@link #cacheableByDefault(int)}: anything but
 *       200, 203, 204, 300, 301, 308, 404, 405, 410, 414 and 501, so 206, 302, 307 and 5xx among
 *       others) without explicit freshness ({@code s-maxage}, {@code max-age} or an {@code Expires}
 *       header) → 0. With explicit freshness it continues below like any other response.
 *   <li>{@code no-store}, {@code private} or {@code no-cache}: {@code minTtl} when it is above 0
 *       (CloudFront caches for the minimum TTL regardless), else 0.
 *   <li>{@code s-maxage}, else {@code max-age} → that value clamped to {@code [minTtl, maxTtl]}.
 *       Conflicting duplicates count as 0 (see {@link CacheControl}).
 *   <li>{@code Expires} → {@code Expires − Date} (or {@code − now} when {@code Date} is absent or
 *       invalid), clamped to {@code [minTtl, maxTtl]}; an invalid {@code Expires} (such as {@code
 *       0}) means already expired, so the result is {@code minTtl}.
 *   <li>Otherwise → {@code defaultTtl} clamped to {@code [minTtl, maxTtl]}, that is {@code
 *       max(minTtl, defaultTtl)}.
 * </ol>
 *
 * The result is a freshness lifetime (RFC 9111 §4.2.1): the caller still accounts for the
 * response's current age.
 */
public final class Freshness {

  private Freshness() {}

  /**
   * Computes how many seconds a response may be served from cache.
   *
   * @param policy the behaviour's TTL bounds
   * @param status the response status code
   * @param cc the response's parsed {@code Cache-Control}; {@link CacheControl#EMPTY} when it has
   *     none
   * @param expiresHeader the {@code Expires} value; {@code null} when absent
   * @param dateHeader the {@code Date} value; {@code null} when absent
   * @param nowMillis the current time, in milliseconds since the epoch
   * @return the lifetime in seconds, {@code 0} when the response must not be stored
   */
  public static long lifetimeSeconds(
      CachePolicy policy,
      int status,
      CacheControl cc,
      String expiresHeader,
      String dateHeader,
      long nowMillis) {
    requireNonNull(policy, "policy");
    requireNonNull(cc, "cc");
    if (policy.cachingDisabled()) {
      return 0;
    }
    boolean hasExpires = expiresHeader != null && !expiresHeader.isBlank();
    if (!cacheableByDefault(status) && !cc.hasExplicitLifetime() && !hasExpires) {
      return 0;
    }
    if (cc.noStore() || cc.isPrivate() || cc.noCache()) {
      return policy.minTtl();
    }
    if (cc.sMaxAge() >= 0) {
      return policy.clamp(cc.sMaxAge());
    }
    if (cc.maxAge() >= 0) {
      return policy.clamp(cc.maxAge());
    }
    if (hasExpires) {
      return policy.clamp(expiresLifetimeSeconds(expiresHeader, dateHeader, nowMillis));
    }
    return policy.clamp(policy.defaultTtl());
  }

  /**
   * Tells whether a status code may be cached without explicit freshness information. These are the
   * codes CloudFront caches by default; others need {@code s-maxage}, {@code max-age} or {@code
   * Expires}.
   *
   * @param status a status code
   * @return {@code true} for 200, 203, 204, 300, 301, 308, 404, 405, 410, 414 and 501
   */
  public static boolean cacheableByDefault(int status) {
    return switch (status) {
      case 200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501 -> true;
      default -> false;
    };
  }

  /** {@code Expires − Date} in whole seconds, never negative; 0 for an invalid {@code Expires}. */
  private static long expiresLifetimeSeconds(
      String expiresHeader, String dateHeader, long nowMillis) {
    long expires = HttpDate.parseHttpDateMillis(expiresHeader);
    if (expires < 0) {
      return 0;
    }
    long date = HttpDate.parseHttpDateMillis(dateHeader);
    long base = date >= 0 ? date : nowMillis;
    return Math.max(0, Math.floorDiv(expires - base, 1000L));
  }
}
