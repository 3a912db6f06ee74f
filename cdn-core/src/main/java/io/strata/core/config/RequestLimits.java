package io.strata.core.config;

/**
 * Per-distribution request limits, checked at the edge before anything is forwarded. The listener
 * itself refuses a request line over 8,192 bytes (414) and a header block over 20,480 bytes (431)
 * for every distribution.
 *
 * @param maxUrlLength the longest request target (path and query) accepted; longer → 414
 * @param maxBodyBytes the largest declared {@code Content-Length} accepted; larger → 413
 */
public record RequestLimits(int maxUrlLength, long maxBodyBytes) {
  public static final int DEFAULT_MAX_URL_LENGTH = 8192;
  public static final long DEFAULT_MAX_BODY_BYTES = 1L << 30;
  public static final RequestLimits DEFAULT =
      new RequestLimits(DEFAULT_MAX_URL_LENGTH, DEFAULT_MAX_BODY_BYTES);

  public RequestLimits {
    if (maxUrlLength < 16 || maxUrlLength > DEFAULT_MAX_URL_LENGTH) {
      throw new InvalidValueException(
          "maxUrlLength", maxUrlLength + " (expected: 16.." + DEFAULT_MAX_URL_LENGTH + ")");
    }
    if (maxBodyBytes < 0) {
      throw new InvalidValueException("maxBodyBytes", maxBodyBytes + " (expected: >= 0)");
    }
  }
}
