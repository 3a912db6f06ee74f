package io.strata.core.config;

import java.util.Set;

/**
 * CloudFront's {@code CustomErrorResponse}: for responses with {@code errorCode}, serve {@code
 * responsePagePath} (fetched through the behaviors) with {@code responseCode}, and keep the error
 * cached for at least {@code errorCachingMinTtl} seconds.
 *
 * @param errorCode the status to replace: 400, 403, 404, 405, 414, 416 or 500–504
 * @param responsePagePath the error page path, or {@code null} to only set the caching TTL
 * @param responseCode the status the viewer gets with the page; set exactly when the page is set
 * @param errorCachingMinTtl seconds; CloudFront's default is 10
 */
public record CustomErrorResponse(
    int errorCode, String responsePagePath, Integer responseCode, long errorCachingMinTtl) {
  public static final long DEFAULT_ERROR_CACHING_MIN_TTL = 10;
  private static final Set<Integer> ERROR_CODES =
      Set.of(400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504);

  public CustomErrorResponse {
    if (!ERROR_CODES.contains(errorCode)) {
      throw new InvalidValueException(
          "errorCode", errorCode + " (expected: one of 400, 403, 404, 405, 414, 416, 500-504)");
    }
    if ((responsePagePath == null) != (responseCode == null)) {
      throw new InvalidValueException(
          responsePagePath == null ? "responsePagePath" : "responseCode",
          "missing (expected: responsePagePath and responseCode set together or not at all)");
    }
    if (responsePagePath != null && !responsePagePath.startsWith("/")) {
      throw new InvalidValueException(
          "responsePagePath",
          Syntax.quote(responsePagePath) + " (expected: a path starting with /)");
    }
    if (responseCode != null && responseCode != 200 && !ERROR_CODES.contains(responseCode)) {
      throw new InvalidValueException(
          "responseCode", responseCode + " (expected: 200 or one of the error codes)");
    }
    if (errorCachingMinTtl < 0) {
      throw new InvalidValueException(
          "errorCachingMinTtl", errorCachingMinTtl + " (expected: >= 0 seconds)");
    }
  }
}
