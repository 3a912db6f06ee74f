package io.strata.core.upstream;

import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff with jitter: before retry {@code n} (1-based), wait a random time in {@code
 * [d/2, d]} where {@code d = min(maxMillis, baseMillis * 2^(n-1))}, so retries of many requests
 * failing together spread out instead of arriving at once.
 *
 * @param baseMillis the ceiling of the first wait, >= 1
 * @param maxMillis the largest ceiling, >= baseMillis
 */
public record Backoff(long baseMillis, long maxMillis) {
  public static final Backoff STANDARD = new Backoff(25, 1_000);

  public Backoff {
    if (baseMillis < 1 || maxMillis < baseMillis) {
      throw new IllegalArgumentException(
          "baseMillis, maxMillis: "
              + baseMillis
              + ", "
              + maxMillis
              + " (expected: 1 <= baseMillis <= maxMillis)");
    }
  }

  /**
   * The wait before retry {@code retry}.
   *
   * @param random given a bound, a uniformly random value in {@code [0, bound)}
   */
  public long delayMillis(int retry, LongUnaryOperator random) {
    int shift = Math.min(Math.max(retry - 1, 0), 30);
    long ceiling = Math.min(maxMillis, baseMillis << shift);
    long half = ceiling / 2;
    return half + random.applyAsLong(ceiling - half + 1);
  }
}
