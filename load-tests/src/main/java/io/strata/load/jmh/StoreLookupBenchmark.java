package io.strata.load.jmh;

import io.strata.core.cache.CacheDecision;
import io.strata.core.cache.CacheKey;
import io.strata.core.cache.CacheStore;
import io.strata.core.cache.CachedObject;
import io.strata.core.cache.StoredBody;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A hit's store lookup: {@link CacheStore#get} of a stored entry with a key built as a request
 * builds it, among 100 000 entries, including the store's retention check (and, before the seventh
 * pass, Caffeine's variable expiry).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StoreLookupBenchmark {
  private static final int ENTRIES = 100_000;

  private CacheStore store;
  private CacheKey[] keys;
  private int next;

  @Setup
  public void setUp() {
    store = new CacheStore(1L << 30, 60_000, Clock.SYSTEM);
    keys = new CacheKey[ENTRIES];
    long now = System.currentTimeMillis();
    for (int i = 0; i < ENTRIES; i++) {
      String path = "/gen/1k/object-" + i;
      store.put(
          new CacheKey("site", "localhost", path, "GET", "", ""),
          name -> List.of(),
          (name, value) -> value,
          new CachedObject(
              200,
              MultiMap.caseInsensitiveMultiMap(),
              StoredBody.heap(new byte[100]),
              now,
              0,
              new CacheDecision(true, 3600, false, 0, -1, false, "")));
      keys[i] = new CacheKey("site", "localhost", path, "GET", "", "");
    }
  }

  @TearDown
  public void tearDown() {
    store.close();
  }

  @Benchmark
  public CachedObject get() {
    int i = next;
    next = i + 1 == ENTRIES ? 0 : i + 1;
    return store.get(keys[i]);
  }
}
