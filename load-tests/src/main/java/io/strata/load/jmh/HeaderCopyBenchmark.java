package io.strata.load.jmh;

import io.strata.core.http.Hop;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Header copying: an origin response's headers into a fresh map without hop-by-hop ones (a fill),
 * and a stored header set into a response's headers (what a hit does with {@code addAll}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HeaderCopyBenchmark {
  private MultiMap upstream;
  private MultiMap stored;

  @Setup
  public void setUp() {
    upstream =
        HttpHeaders.headers()
            .add("Date", "Sun, 29 Nov 2026 05:00:00 GMT")
            .add("Content-Type", "text/css; charset=utf-8")
            .add("Content-Length", "16384")
            .add("Cache-Control", "public, max-age=86400")
            .add("ETag", "\"5f3a-1f3a9c\"")
            .add("Last-Modified", "Sat, 28 Nov 2026 12:00:00 GMT")
            .add("Connection", "keep-alive")
            .add("Keep-Alive", "timeout=5")
            .add("Vary", "Accept-Encoding")
            .add("X-Origin-Hits", "42")
            .add("Via", "1.1 regional-8081 (strata)");
    stored = HttpHeaders.headers();
    Hop.copyEndToEnd(upstream, stored, name -> false);
  }

  @Benchmark
  public MultiMap copyEndToEnd() {
    MultiMap to = HttpHeaders.headers();
    Hop.copyEndToEnd(upstream, to, name -> name.equalsIgnoreCase("set-cookie"));
    return to;
  }

  @Benchmark
  public MultiMap addAllStored() {
    MultiMap to = HttpHeaders.headers();
    to.addAll(stored);
    return to;
  }
}
