package io.strata.core.http;

import java.util.List;

/**
 * What to answer to a {@code Range} request, as decided by {@link ByteRanges#evaluate(String,
 * long)}.
 *
 * <ul>
 *   <li>{@link Full}: ignore the {@code Range} header and send {@code 200} with the whole body;
 *   <li>{@link Partial}: send {@code 206} with the listed ranges;
 *   <li>{@link Unsatisfiable}: send {@code 416} with {@code Content-Range: bytes *}{@code /LENGTH}.
 * </ul>
 */
public sealed interface RangeDecision
    permits RangeDecision.Full, RangeDecision.Partial, RangeDecision.Unsatisfiable {

  /** The shared {@link Full} decision. */
  Full FULL = new Full();

  /** Serve {@code 200} with the whole representation; the {@code Range} header is ignored. */
  record Full() implements RangeDecision {}

  /**
   * Serve {@code 206 Partial Content}.
   *
   * <p>With one range, the response carries {@link #contentRange()} and the range's bytes. With
   * several, it is a {@code multipart/byteranges} body built by {@link MultipartByteranges}. The
   * ranges are ascending and do not overlap.
   *
   * @param ranges one or more satisfiable ranges, ascending, non-overlapping; copied
   * @param completeLength the length of the whole representation
   */
  record Partial(List<ByteRange> ranges, long completeLength) implements RangeDecision {

    /** Copies {@code ranges}, which must not be empty. */
    public Partial {
      ranges = List.copyOf(ranges);
      if (ranges.isEmpty()) {
        throw new IllegalArgumentException("ranges: [] (expected: at least one range)");
      }
    }

    /** True when the response must be {@code multipart/byteranges}. */
    public boolean isMultipart() {
      return ranges.size() > 1;
    }

    /** The first (for a single-range response, the only) range. */
    public ByteRange first() {
      return ranges.get(0);
    }

    /** {@code Content-Range} of a single-range response: {@code bytes FIRST-LAST/LENGTH}. */
    public String contentRange() {
      return first().contentRange(completeLength);
    }
  }

  /**
   * Serve {@code 416 Range Not Satisfiable} with {@link #contentRange()}.
   *
   * @param completeLength the length of the whole representation
   */
  record Unsatisfiable(long completeLength) implements RangeDecision {

    /** {@code Content-Range} of the 416 response: {@code bytes *}{@code /LENGTH}. */
    public String contentRange() {
      return "bytes */" + completeLength;
    }
  }
}
