package io.strata.load.jmh;

import io.strata.core.routing.Route;
import io.strata.core.routing.Router;
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

/** Behavior match: host to distribution, then the first path pattern that matches. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouterBenchmark {
  /** A path matched by the first behavior, one matched late, and one falling to the default. */
  @Param({"/api/v1/users", "/video/abc/segment-07.ts", "/gen/1k/hot-object"})
  public String path;

  /** A host as browsers send it (with port) and one needing lower-casing. */
  @Param({"localhost:8080", "WWW.Example.com"})
  public String host;

  private Router router;

  @Setup
  public void setUp() {
    router = Fixtures.router();
  }

  @Benchmark
  public Route route() {
    return router.route(host, path);
  }
}
