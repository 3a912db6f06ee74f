package io.strata.core.time;

import com.github.benmanes.caffeine.cache.Ticker;

/**
 * Wall-clock time in milliseconds since the epoch. Every freshness and age decision takes its time
 * from a {@code Clock}, so tests advance a manual clock instead of sleeping. Implementations must
 * be thread-safe.
 */
@FunctionalInterface
public interface Clock {
  Clock SYSTEM = System::currentTimeMillis;

  long millis();

  /** The same time as a Caffeine ticker (nanoseconds), so cache expiry follows this clock. */
  default Ticker ticker() {
    return () -> millis() * 1_000_000L;
  }
}
