package io.strata.core.config;

/**
 * Admission control for one origin at one node: at most {@code maxInFlight} requests are sent to it
 * at once; up to {@code queueLimit} more wait, each at most {@code queueTimeoutMs}; past that the
 * node sheds the request with {@code 503} and {@code Retry-After}, so an overloaded origin slows
 * nobody else down and the admitted requests keep their latency.
 *
 * @param maxInFlight requests in flight to the origin at once, 1..100000
 * @param queueLimit requests waiting for a slot, 0..100000
 * @param queueTimeoutMs the longest wait for a slot, 1..60000
 */
public record OriginLimits(int maxInFlight, int queueLimit, int queueTimeoutMs) {

  public static final int DEFAULT_MAX_IN_FLIGHT = 1_024;
  public static final int DEFAULT_QUEUE_LIMIT = 1_024;
  public static final int DEFAULT_QUEUE_TIMEOUT_MS = 2_000;

  public static final OriginLimits DEFAULT =
      new OriginLimits(DEFAULT_MAX_IN_FLIGHT, DEFAULT_QUEUE_LIMIT, DEFAULT_QUEUE_TIMEOUT_MS);

  /**
   * Validates the fields.
   *
   * @throws InvalidValueException naming the offending field
   */
  public OriginLimits {
    if (maxInFlight < 1 || maxInFlight > 100_000) {
      throw new InvalidValueException("maxInFlight", maxInFlight + " (expected: 1..100000)");
    }
    if (queueLimit < 0 || queueLimit > 100_000) {
      throw new InvalidValueException("queueLimit", queueLimit + " (expected: 0..100000)");
    }
    if (queueTimeoutMs < 1 || queueTimeoutMs > 60_000) {
      throw new InvalidValueException("queueTimeoutMs", queueTimeoutMs + " (expected: 1..60000)");
    }
  }
}
