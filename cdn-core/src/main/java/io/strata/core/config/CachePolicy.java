package io.strata.core.config;

import java.util.OptionalLong;

/**
 * The TTL bounds of a cache behaviour, in seconds, with CloudFront's meaning ({@code
 * Expiration.md}): {@code minTtl} is the shortest time an object stays cached even when the origin
 * asks for less (or for {@code no-store}), {@code defaultTtl} applies when the origin sends neither
 * {@code Cache-Control} freshness nor {@code Expires}, and {@code maxTtl} caps what the origin asks
 * for. {@code maxTtl == 0} disables caching.
 *
 * @param minTtl the minimum TTL in seconds, {@code >= 0}
 * @param defaultTtl the default TTL in seconds, between {@code minTtl} and {@code maxTtl}
 * @param maxTtl the maximum TTL in seconds, {@code >= defaultTtl}
 */
public record CachePolicy(long minTtl, long defaultTtl, long maxTtl) {

  /** CloudFront's default minimum TTL: 0 seconds. */
  public static final long DEFAULT_MIN_TTL = 0;

  /** CloudFront's default TTL: 86,400 seconds (one day). */
  public static final long DEFAULT_DEFAULT_TTL = 86_400;

  /** CloudFront's default maximum TTL: 31,536,000 seconds (365 days). */
  public static final long DEFAULT_MAX_TTL = 31_536_000;

  /** CloudFront's legacy defaults: 0 / 86,400 / 31,536,000 seconds. */
  public static final CachePolicy DEFAULT =
      new CachePolicy(DEFAULT_MIN_TTL, DEFAULT_DEFAULT_TTL, DEFAULT_MAX_TTL);

  /** Caching disabled, like CloudFront's managed {@code CachingDisabled} policy: 0 / 0 / 0. */
  public static final CachePolicy DISABLED = new CachePolicy(0, 0, 0);

  /**
   * Validates {@code 0 <= minTtl <= defaultTtl <= maxTtl}.
   *
   * @throws InvalidValueException naming the first field that breaks the order
   */
  public CachePolicy {
    if (minTtl < 0) {
      throw new InvalidValueException("minTtl", minTtl + " (expected: >= 0)");
    }
    if (maxTtl < minTtl) {
      throw new InvalidValueException("maxTtl", maxTtl + " (expected: >= minTtl " + minTtl + ")");
    }
    if (defaultTtl < minTtl || defaultTtl > maxTtl) {
      throw new InvalidValueException(
          "defaultTtl",
          defaultTtl + " (expected: " + minTtl + ".." + maxTtl + ", between minTtl and maxTtl)");
    }
  }

  /**
   * Builds a policy from the fields that were given, defaulting the others the way CloudFront does:
   *
   * <ul>
   *   <li>{@code minTtl} absent → 0;
   *   <li>{@code defaultTtl} absent → {@code max(minTtl, 86400)}, capped at {@code maxTtl} when
   *       that is given;
   *   <li>{@code maxTtl} absent → {@code max(31536000, defaultTtl)}.
   * </ul>
   *
   * @param minTtl the minimum TTL in seconds, if given
   * @param defaultTtl the default TTL in seconds, if given
   * @param maxTtl the maximum TTL in seconds, if given
   * @return the policy
   * @throws InvalidValueException if the resulting TTLs are not ordered {@code 0 <= min <= default
   *     <= max}
   */
  public static CachePolicy of(OptionalLong minTtl, OptionalLong defaultTtl, OptionalLong maxTtl) {
    long min = minTtl.orElse(DEFAULT_MIN_TTL);
    long def;
    if (defaultTtl.isPresent()) {
      def = defaultTtl.getAsLong();
    } else {
      def = Math.max(min, DEFAULT_DEFAULT_TTL);
      if (maxTtl.isPresent()) {
        def = Math.min(def, maxTtl.getAsLong());
      }
    }
    long max = maxTtl.isPresent() ? maxTtl.getAsLong() : Math.max(DEFAULT_MAX_TTL, def);
    return new CachePolicy(min, def, max);
  }

  /**
   * Tells whether caching is disabled ({@code maxTtl == 0}): responses are never stored.
   *
   * @return {@code true} if caching is disabled
   */
  public boolean cachingDisabled() {
    return maxTtl == 0;
  }

  /**
   * Clamps a TTL to {@code [minTtl, maxTtl]}.
   *
   * @param seconds a TTL in seconds
   * @return {@code min(max(seconds, minTtl), maxTtl)}
   */
  public long clamp(long seconds) {
    return Math.min(Math.max(seconds, minTtl), maxTtl);
  }
}
