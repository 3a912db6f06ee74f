package io.strata.functions.env;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The function runtime's meters, tagged by function: {@code strata.function.invocations}, {@code
 * .errors}, {@code .throttles}, {@code .duration}, {@code .billed} (ms), {@code .init.duration}
 * (cold starts), and the gauges {@code strata.function.concurrent.executions} and {@code
 * strata.function.environments}.
 */
public final class FunctionMetrics {
  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, PerFunction> byFunction = new ConcurrentHashMap<>();

  public FunctionMetrics(MeterRegistry registry, IntSupplier concurrent, IntSupplier environments) {
    this.registry = registry;
    Gauge.builder("strata.function.concurrent.executions", concurrent::getAsInt)
        .description("Invocations running now, across all functions")
        .register(registry);
    Gauge.builder("strata.function.environments", environments::getAsInt)
        .description("Execution environments alive now (busy or warm)")
        .register(registry);
  }

  private record PerFunction(
      Counter invocations,
      Counter errors,
      Counter throttles,
      Timer duration,
      Counter billed,
      Timer init) {}

  private PerFunction of(String function) {
    return byFunction.computeIfAbsent(
        function,
        f ->
            new PerFunction(
                Counter.builder("strata.function.invocations")
                    .tag("function", f)
                    .description("Invocations that ran (successful or not)")
                    .register(registry),
                Counter.builder("strata.function.errors")
                    .tag("function", f)
                    .description("Invocations that ended with a function error")
                    .register(registry),
                Counter.builder("strata.function.throttles")
                    .tag("function", f)
                    .description("Invocations refused with 429 (concurrency limit)")
                    .register(registry),
                Timer.builder("strata.function.duration")
                    .tag("function", f)
                    .description("Handler time, from /next to /response")
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(100_000))
                    .maximumExpectedValue(Duration.ofSeconds(900))
                    .register(registry),
                Counter.builder("strata.function.billed")
                    .tag("function", f)
                    .baseUnit("milliseconds")
                    .description("Billed duration (1 ms units, init included)")
                    .register(registry),
                Timer.builder("strata.function.init.duration")
                    .tag("function", f)
                    .description("Init phase of cold starts: process start to first /next")
                    .register(registry)));
  }

  public void invoked(String function, InvocationResult r) {
    PerFunction m = of(function);
    m.invocations.increment();
    if (r.failed()) {
      m.errors.increment();
    }
    m.duration.record((long) (r.durationMs() * 1e6), TimeUnit.NANOSECONDS);
    m.billed.increment(r.billedMs());
    if (r.initDurationMs() >= 0) {
      m.init.record((long) (r.initDurationMs() * 1e6), TimeUnit.NANOSECONDS);
    }
  }

  public void throttled(String function) {
    of(function).throttles.increment();
  }
}
