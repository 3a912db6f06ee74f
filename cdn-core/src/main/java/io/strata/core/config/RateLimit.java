package io.strata.core.config;

/**
 * A token bucket per viewer IP address and distribution.
 *
 * @param requestsPerSecond the refill rate
 * @param burst the bucket size: requests a viewer may send at once
 */
public record RateLimit(int requestsPerSecond, int burst) {
  public RateLimit {
    if (requestsPerSecond < 1) {
      throw new InvalidValueException("requestsPerSecond", requestsPerSecond + " (expected: >= 1)");
    }
    if (burst < 1) {
      throw new InvalidValueException("burst", burst + " (expected: >= 1)");
    }
  }
}
