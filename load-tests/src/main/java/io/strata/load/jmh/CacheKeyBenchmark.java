package io.strata.load.jmh;

import io.strata.core.cache.CacheKey;
import io.strata.core.routing.Route;
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

/** Cache key build, plus the hash and equality a store lookup performs with it. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CacheKeyBenchmark {
  @Param({"localhost:8080", "WWW.Example.com"})
  public String host;

  private final String path = "/static/app/main.1f3a9c.css";
  private Route route;
  private CacheKey stored;

  @Setup
  public void setUp() {
    route = Fixtures.router().route(host, path);
    stored = CacheKey.of(route, host, path);
  }

  @Benchmark
  public CacheKey build() {
    return CacheKey.of(route, host, path);
  }

  /** What a lookup costs beyond the build: the key's hash and one equality check. */
  @Benchmark
  public boolean buildHashAndCompare() {
    CacheKey key = CacheKey.of(route, host, path);
    return key.hashCode() == stored.hashCode() && key.equals(stored);
  }
}
