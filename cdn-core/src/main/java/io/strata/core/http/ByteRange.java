package io.strata.core.http;

/**
 * One satisfiable byte range of a representation: offsets {@code first} to {@code last}, inclusive,
 * both within the representation ({@code 0 <= first <= last < length}).
 *
 * @param first the offset of the first byte
 * @param last the offset of the last byte (inclusive)
 */
public record ByteRange(long first, long last) {

  /** Checks {@code 0 <= first <= last}. */
  public ByteRange {
    if (first < 0 || last < first) {
      throw new IllegalArgumentException(
          "range: " + first + "-" + last + " (expected: 0 <= first <= last)");
    }
  }

  /** The number of bytes in the range. */
  public long length() {
    return last - first + 1;
  }

  /**
   * The {@code Content-Range} field value for this range of a representation of {@code
   * completeLength} bytes (RFC 9110 §14.4), such as {@code bytes 0-499/1234}.
   */
  public String contentRange(long completeLength) {
    return "bytes " + first + "-" + last + "/" + completeLength;
  }
}
