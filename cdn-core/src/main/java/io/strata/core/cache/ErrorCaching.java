package io.strata.core.cache;

import io.strata.core.config.CustomErrorResponse;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * CloudFront's error-caching rules as one pure function, for the cache's freshness policy to call
 * when it stores an error response: how long an error status may be cached, given the origin's
 * explicit freshness, the distribution's custom error responses and the behavior's {@code maxTtl}.
 *
 * <ul>
 *   <li>416 is never cached;
 *   <li>404, 414, 500, 501, 502, 503 and 504 are always cached, for {@code max(errorCachingMinTtl,
 *       origin max-age)} with the origin's max-age at most {@code maxTtl}; {@code
 *       errorCachingMinTtl} is the custom error response's, 10 s when none is configured for the
 *       status;
 *   <li>400, 403, 405, 412 and 415 are cached only when the origin gave an explicit max-age (or
 *       s-maxage), then the same way;
 *   <li>other error statuses are not cached.
 * </ul>
 */
public final class ErrorCaching {
  private static final Set<Integer> ALWAYS = Set.of(404, 414, 500, 501, 502, 503, 504);
  private static final Set<Integer> WITH_MAX_AGE = Set.of(400, 403, 405, 412, 415);

  private ErrorCaching() {}

  /**
   * @param status the response status, 400 or more
   * @param originMaxAge the origin's {@code s-maxage} or {@code max-age} in seconds, if it sent one
   * @param rules the custom error responses in force for the request
   * @param maxTtl the behavior's {@code maxTtl} in seconds
   * @return the seconds to cache the error for, or -1 when it must not be stored
   */
  public static long ttlSeconds(
      int status, OptionalLong originMaxAge, List<CustomErrorResponse> rules, long maxTtl) {
    if (status == 416) {
      return -1;
    }
    boolean always = ALWAYS.contains(status);
    if (!always && !(WITH_MAX_AGE.contains(status) && originMaxAge.isPresent())) {
      return -1;
    }
    long minimum = CustomErrorResponse.DEFAULT_ERROR_CACHING_MIN_TTL;
    for (CustomErrorResponse rule : rules) {
      if (rule.errorCode() == status) {
        minimum = rule.errorCachingMinTtl();
      }
    }
    long origin = originMaxAge.isPresent() ? Math.min(originMaxAge.getAsLong(), maxTtl) : 0;
    return Math.max(minimum, origin);
  }
}
