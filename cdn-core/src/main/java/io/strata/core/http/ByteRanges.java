package io.strata.core.http;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides how to answer a {@code Range} request header (RFC 9110 §14.2) for a representation of a
 * known length, with CloudFront's leniency: whatever cannot be served exactly as asked is answered
 * with the whole representation ({@code 200}), which a server is always allowed to do.
 *
 * <p>The rules, in order:
 *
 * <ul>
 *   <li>no header, an unknown or negative length, or a zero length: {@link RangeDecision.Full} (a
 *       zero-length representation has no byte to range over; a {@code 200} with an empty body is
 *       always correct);
 *   <li>a unit other than {@code bytes} (compared case-insensitively), a missing {@code =}, a
 *       range-spec that is not {@code first-last}, {@code first-} or {@code -suffix} in digits, a
 *       {@code first > last}, an empty range-set, or more than {@value #MAX_RANGES} range-specs:
 *       {@link RangeDecision.Full};
 *   <li>each range-spec is then resolved against the length: {@code first-last} with {@code first
 *       >= length} and the suffix {@code -0} are unsatisfiable and dropped; {@code last} beyond the
 *       end is clamped to {@code length - 1}; a suffix longer than the representation selects the
 *       whole of it;
 *   <li>satisfiable ranges that overlap or are not in ascending order: {@link RangeDecision.Full}
 *       (CloudFront: "non-ascending, overlapping or invalid ranges" get the full body; this also
 *       defeats the many-small-overlapping-ranges attack of RFC 9110 §17.15);
 *   <li>no satisfiable range left: {@link RangeDecision.Unsatisfiable} ({@code 416});
 *   <li>otherwise {@link RangeDecision.Partial}: one range is a plain {@code 206} with {@code
 *       Content-Range}; several are a {@code multipart/byteranges} body (see {@link
 *       MultipartByteranges}). Adjacent ranges are kept as sent, not coalesced.
 * </ul>
 *
 * <p>Optional whitespace is accepted around the {@code =}, around list elements and between commas;
 * empty list elements ({@code bytes=0-1,,5-6}) are skipped (RFC 9110 §5.6.1). Numbers too large for
 * a {@code long} saturate, so they behave as "beyond the end". Never throws; thread-safe.
 */
public final class ByteRanges {

  /** More range-specs than this in one header make the request fall back to the full body. */
  public static final int MAX_RANGES = 100;

  private ByteRanges() {}

  /**
   * The whole range step of a request, after {@link Preconditions} said {@code PROCEED}: {@code
   * Range} applies only to GET (RFC 9110 §14.2: HEAD and every other method ignore it), only when
   * {@link IfRange#rangeApplies If-Range} holds, and is then {@link #evaluate(String, long)
   * evaluated}. The caller applies it only to a {@code 200} representation.
   *
   * @param method the request method (case-sensitive)
   * @param range the request's {@code Range}, or {@code null}
   * @param ifRange the request's {@code If-Range}, or {@code null}
   * @param length the representation's length in bytes
   * @param etag the stored {@code ETag}, or {@code null}
   * @param lastModified the stored {@code Last-Modified}, or {@code null}
   * @param date the stored {@code Date}, or {@code null}
   * @return the decision; never {@code null}
   */
  public static RangeDecision forRequest(
      String method,
      String range,
      String ifRange,
      long length,
      String etag,
      String lastModified,
      String date) {
    if (range == null
        || !"GET".equals(method)
        || !IfRange.rangeApplies(ifRange, etag, lastModified, date)) {
      return RangeDecision.FULL;
    }
    return evaluate(range, length);
  }

  /**
   * Evaluates a {@code Range} field value.
   *
   * @param range the field value, or {@code null} when the request has none
   * @param length the length in bytes of the selected representation
   * @return the decision; never {@code null}
   */
  public static RangeDecision evaluate(String range, long length) {
    if (range == null || length <= 0) {
      return RangeDecision.FULL;
    }
    int end = EntityTags.trimEnd(range, 0);
    int i = EntityTags.skipOws(range, 0);
    if (!range.regionMatches(true, i, "bytes", 0, 5)) {
      return RangeDecision.FULL;
    }
    i = EntityTags.skipOws(range, i + 5);
    if (i >= end || range.charAt(i) != '=') {
      return RangeDecision.FULL;
    }
    i++;
    List<ByteRange> satisfiable = new ArrayList<>(2);
    int specs = 0;
    long previousLast = -1;
    while (i < end) {
      char c = range.charAt(i);
      if (c == ',' || c == ' ' || c == '\t') {
        i++;
        continue;
      }
      if (++specs > MAX_RANGES) {
        return RangeDecision.FULL;
      }
      int firstEnd = digitsEnd(range, i, end);
      long first = firstEnd > i ? parse(range, i, firstEnd) : -1;
      if (firstEnd >= end || range.charAt(firstEnd) != '-') {
        return RangeDecision.FULL;
      }
      int lastStart = firstEnd + 1;
      int lastEnd = digitsEnd(range, lastStart, end);
      long last = lastEnd > lastStart ? parse(range, lastStart, lastEnd) : -1;
      int next = EntityTags.skipOws(range, lastEnd);
      if ((first < 0 && last < 0) || (next < end && range.charAt(next) != ',')) {
        return RangeDecision.FULL;
      }
      i = next;
      long from;
      long to;
      if (first >= 0) {
        if (last >= 0 && last < first) {
          return RangeDecision.FULL;
        }
        if (first >= length) {
          continue;
        }
        from = first;
        to = last < 0 || last >= length ? length - 1 : last;
      } else {
        if (last == 0) {
          continue;
        }
        from = last >= length ? 0 : length - last;
        to = length - 1;
      }
      if (from <= previousLast) {
        return RangeDecision.FULL;
      }
      previousLast = to;
      satisfiable.add(new ByteRange(from, to));
    }
    if (specs == 0) {
      return RangeDecision.FULL;
    }
    if (satisfiable.isEmpty()) {
      return new RangeDecision.Unsatisfiable(length);
    }
    return new RangeDecision.Partial(satisfiable, length);
  }

  private static int digitsEnd(String s, int start, int limit) {
    int i = start;
    while (i < limit && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    return i;
  }

  /** The decimal number in {@code s[start, end)}, saturating at {@link Long#MAX_VALUE}. */
  private static long parse(String s, int start, int end) {
    long value = 0;
    for (int i = start; i < end; i++) {
      int digit = s.charAt(i) - '0';
      if (value > (Long.MAX_VALUE - digit) / 10) {
        return Long.MAX_VALUE;
      }
      value = value * 10 + digit;
    }
    return value;
  }
}
