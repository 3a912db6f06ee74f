package io.strata.load.jmh;

import io.strata.core.cache.CacheDecision;
import io.strata.core.cache.CacheKey;
import io.strata.core.cache.CacheStore;
import io.strata.core.cache.CachedObject;
import io.strata.core.cache.StoredBody;
import io.strata.core.routing.Route;
import io.strata.core.time.Clock;
import io.vertx.core.MultiMap;
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
 * Cache key build, plus the hash and equality a store lookup performs with it against the key the
 * store keeps for a stored entry (as on a hit).
 */
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
    CacheStore store = new CacheStore(1 << 20, 0, Clock.SYSTEM);
    store.put(
        CacheKey.of(route, host, path),
        name -> List.of(),
        (name, value) -> value,
        new CachedObject(
            200,
            MultiMap.caseInsensitiveMultiMap(),
            StoredBody.EMPTY,
            System.currentTimeMillis(),
            0,
            new CacheDecision(true, 3600, false, 0, -1, false, "")));
    CacheKey[] kept = new CacheKey[1];
    store.invalidateIf(
        (key, object) -> {
          kept[0] = key;
          return false;
        });
    stored = kept[0];
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
