package io.strata.core.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.core.time.ManualClock;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {
  private final ManualClock clock = new ManualClock(1_000_000);

  private static int retriesAllowed(RetryBudget budget, int requests) {
    int allowed = 0;
    for (int i = 0; i < requests; i++) {
      budget.recordRequest();
      if (budget.tryRetry()) {
        allowed++;
      }
    }
    return allowed;
  }

  @Test
  void retriesAreCappedAtTheRatioOfRequests() {
    RetryBudget budget = new RetryBudget(clock, 0.2, 0);
    assertEquals(200, retriesAllowed(budget, 1_000));
  }

  @Test
  void aFloorAllowsRetriesAtLowTraffic() {
    RetryBudget budget = new RetryBudget(clock, 0.2, 3);
    // 3 per second over a 10-second window.
    assertEquals(30, retriesAllowed(budget, 40));
  }

  @Test
  void theWindowSlidesSoOldRetriesStopCounting() {
    RetryBudget budget = new RetryBudget(clock, 0.1, 0);
    assertEquals(10, retriesAllowed(budget, 100));
    assertFalse(budget.tryRetry());
    clock.advance(java.time.Duration.ofSeconds(RetryBudget.BUCKETS));
    assertFalse(budget.tryRetry(), "no requests in the new window, no retries");
    assertEquals(10, retriesAllowed(budget, 100));
  }

  @Test
  void backoffIsJitteredAndGrowsExponentiallyUpToItsCap() {
    Backoff backoff = new Backoff(20, 100);
    assertEquals(10, backoff.delayMillis(1, bound -> 0));
    assertEquals(20, backoff.delayMillis(1, bound -> bound - 1));
    assertEquals(40, backoff.delayMillis(2, bound -> bound - 1));
    assertEquals(100, backoff.delayMillis(9, bound -> bound - 1));
    assertEquals(50, backoff.delayMillis(30, bound -> 0));
    assertTrue(backoff.delayMillis(40, bound -> bound - 1) <= 100);
  }
}
