package io.strata.core.viewer;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.strata.core.config.RateLimit;
import io.strata.core.time.Clock;
import java.time.Duration;
import java.util.HexFormat;

/**
 * A token bucket per viewer address and distribution ({@code rateLimit} of the distribution). An
 * empty bucket answers 429 with {@code Retry-After}. Buckets of idle viewers are dropped after a
 * minute, and at most 100,000 are kept, so the table cannot grow without bound.
 */
final class RateLimitStage implements ViewerStage {
  private final Clock clock;
  private final ViewerPipeline.Rejections rejections;
  private final Cache<String, Bucket> buckets;

  RateLimitStage(Clock clock, ViewerPipeline.Rejections rejections) {
    this.clock = clock;
    this.rejections = rejections;
    this.buckets =
        Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterAccess(Duration.ofMinutes(1))
            .ticker(clock.ticker())
            .build();
  }

  @Override
  public boolean onRequest(ViewerExchange exchange) {
    RateLimit limit = exchange.route().distribution().edge().rateLimit();
    if (limit == null) {
      return false;
    }
    byte[] address = exchange.clientAddress();
    String key =
        exchange.route().distribution().id()
            + '/'
            + (address == null ? "unknown" : HexFormat.of().formatHex(address));
    Bucket bucket = buckets.get(key, k -> new Bucket(limit.burst(), clock.millis()));
    if (bucket.take(limit, clock.millis())) {
      return false;
    }
    rejections.count("rate_limited");
    exchange.request().response().putHeader("Retry-After", "1");
    exchange.refuse(429, "text/plain; charset=utf-8", "Too many requests; slow down.\n");
    return true;
  }

  /** Tokens refill continuously at the configured rate up to the burst size. */
  static final class Bucket {
    private double tokens;
    private long updatedMillis;

    Bucket(int tokens, long nowMillis) {
      this.tokens = tokens;
      this.updatedMillis = nowMillis;
    }

    synchronized boolean take(RateLimit limit, long nowMillis) {
      long elapsed = Math.max(0, nowMillis - updatedMillis);
      tokens = Math.min(limit.burst(), tokens + elapsed * limit.requestsPerSecond() / 1000.0);
      updatedMillis = nowMillis;
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      return false;
    }
  }
}
