package io.strata.load.jmh;

import io.strata.core.cache.CacheControl;
import io.strata.core.cache.Freshness;
import io.strata.core.config.CachePolicy;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The freshness decision of a fill: parse {@code Cache-Control} and compute the lifetime. The
 * {@code Expires} case also parses two HTTP dates.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FreshnessBenchmark {
  @Param({
    "public, max-age=3600",
    "public, s-maxage=600, max-age=60, stale-while-revalidate=30",
    ""
  })
  public String cacheControl;

  private final CachePolicy policy = new CachePolicy(0, 86_400, 31_536_000);
  private final String date = "Sun, 29 Nov 2026 05:00:00 GMT";
  private final String expires = "Sun, 29 Nov 2026 06:00:00 GMT";
  private final long now = 1_795_928_400_000L;
  private List<String> values;
  private CacheControl parsed;

  @Setup
  public void setUp() {
    values = cacheControl.isEmpty() ? List.of() : List.of(cacheControl);
    parsed = CacheControl.parse(values);
  }

  /** Parse and decide, as a fill does for every response. */
  @Benchmark
  public long parseAndDecide() {
    return Freshness.lifetimeSeconds(
        policy, 200, CacheControl.parse(values), values.isEmpty() ? expires : null, date, now);
  }

  /** The decision alone, on an already parsed header. */
  @Benchmark
  public long decide() {
    return Freshness.lifetimeSeconds(
        policy, 200, parsed, values.isEmpty() ? expires : null, date, now);
  }
}
