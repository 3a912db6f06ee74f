package io.strata.core.upstream;

import io.strata.core.time.Clock;

/**
 * Caps retries at a share of the requests seen over a sliding window, so that when an upstream
 * fails everything, retries add at most {@code ratio} more load instead of multiplying it (the
 * retry budget of Finagle and Envoy). A small floor of {@code minPerSecond} keeps retries possible
 * at low traffic. Thread-safe; time comes from the injected clock.
 */
public final class RetryBudget {
  /** The window is this many one-second buckets. */
  static final int BUCKETS = 10;

  private final Clock clock;
  private final double ratio;
  private final int minPerSecond;
  private final long[] requests = new long[BUCKETS];
  private final long[] retries = new long[BUCKETS];
  private final long[] bucketSecond = new long[BUCKETS];

  /**
   * @param ratio retries allowed per request, 0..1 (0.2: at most 20 % extra)
   * @param minPerSecond retries allowed per second whatever the traffic, >= 0
   */
  public RetryBudget(Clock clock, double ratio, int minPerSecond) {
    if (!(ratio >= 0 && ratio <= 1)) {
      throw new IllegalArgumentException("ratio: " + ratio + " (expected: 0..1)");
    }
    if (minPerSecond < 0) {
      throw new IllegalArgumentException("minPerSecond: " + minPerSecond + " (expected: >= 0)");
    }
    this.clock = clock;
    this.ratio = ratio;
    this.minPerSecond = minPerSecond;
  }

  /** The default: retries at most 20 % of requests, and 3 per second at least. */
  public static RetryBudget standard(Clock clock) {
    return new RetryBudget(clock, 0.2, 3);
  }

  /** Counts a first attempt. */
  public synchronized void recordRequest() {
    requests[bucket()]++;
  }

  /**
   * Takes a retry from the budget; false when the budget is spent and the caller must not retry.
   */
  public synchronized boolean tryRetry() {
    int current = bucket();
    long requestSum = 0;
    long retrySum = 0;
    for (int i = 0; i < BUCKETS; i++) {
      requestSum += requests[i];
      retrySum += retries[i];
    }
    long allowed = Math.max((long) (requestSum * ratio), (long) minPerSecond * BUCKETS);
    if (retrySum >= allowed) {
      return false;
    }
    retries[current]++;
    return true;
  }

  /** The bucket of the current second, emptied first when it last served an older second. */
  private int bucket() {
    long second = Math.floorDiv(clock.millis(), 1000);
    int i = (int) Math.floorMod(second, BUCKETS);
    if (bucketSecond[i] != second) {
      bucketSecond[i] = second;
      requests[i] = 0;
      retries[i] = 0;
    }
    return i;
  }
}
