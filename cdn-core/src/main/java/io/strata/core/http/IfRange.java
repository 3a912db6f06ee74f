package io.strata.core.http;

/**
 * Evaluates {@code If-Range} (RFC 9110 §13.1.5): whether the {@code Range} of a request still
 * applies to the stored response, or the whole representation must be sent with {@code 200}.
 *
 * <p>The condition holds only when the validator provably designates the stored representation:
 *
 * <ul>
 *   <li>an entity-tag must be strong and strongly equal to the stored {@code ETag} (a weak tag on
 *       either side never matches);
 *   <li>an HTTP-date must exactly equal the stored {@code Last-Modified}, and that date must be a
 *       strong validator (§8.8.2.2): the stored response has a {@code Date} at least one second
 *       after {@code Last-Modified}; without a {@code Date} the date is weak and never matches;
 *   <li>anything else (malformed tag, invalid date) does not hold.
 * </ul>
 *
 * The caller ignores {@code If-Range} on a request without {@code Range}. Never throws;
 * thread-safe.
 */
public final class IfRange {

  private IfRange() {}

  /**
   * Whether the request's {@code Range} applies.
   *
   * @param ifRange the request's {@code If-Range} value; {@code null} or blank means no condition
   *     (the range applies)
   * @param etag the stored response's {@code ETag}, or {@code null}
   * @param lastModified the stored response's {@code Last-Modified}, or {@code null}
   * @param date the stored response's {@code Date}, or {@code null}
   * @return true to evaluate the {@code Range}; false to send the full representation
   */
  public static boolean rangeApplies(
      String ifRange, String etag, String lastModified, String date) {
    if (ifRange == null || ifRange.isBlank()) {
      return true;
    }
    int start = EntityTags.skipOws(ifRange, 0);
    char c = ifRange.charAt(start);
    if (c == '"' || ifRange.startsWith("W/", start)) {
      return EntityTags.strongEquals(ifRange, etag);
    }
    long requested = HttpDate.parseHttpDateMillis(ifRange);
    long modified = HttpDate.parseHttpDateMillis(lastModified);
    return requested >= 0
        && requested == modified
        && isStrongDate(modified, HttpDate.parseHttpDateMillis(date));
  }

  /**
   * Whether a {@code Last-Modified} time is a strong validator for a stored response (RFC 9110
   * §8.8.2.2): it is at least one second before the response's {@code Date}.
   *
   * @param lastModifiedMillis {@code Last-Modified} in epoch millis, or negative when absent
   * @param dateMillis {@code Date} in epoch millis, or negative when absent
   */
  public static boolean isStrongDate(long lastModifiedMillis, long dateMillis) {
    return lastModifiedMillis >= 0 && dateMillis >= 0 && lastModifiedMillis <= dateMillis - 1000;
  }
}
