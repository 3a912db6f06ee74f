package io.strata.load.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.strata.core.proxy.RequestIds;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
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
 * The header work of one cache hit, as {@code CachingProxy.writeHit} does it today ({@link
 * #asToday}: copy the stored headers, look up {@code Via}, concatenate this tier's token, format
 * {@code Age}, set {@code X-Cache}, plus a fresh request id) against a pre-built variant ({@link
 * #prebuilt}: the stored set already carries this tier's {@code Via} and {@code X-Cache} as
 * pre-encoded values, so a hit adds one set and formats only {@code Age}). The difference is what
 * pre-building the header set at store time would save per hit.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HitHeadersBenchmark {
  private static final String VIA_TOKEN = "1.1 edge-8080 (strata)";
  private static final CharSequence AGE = HttpHeaders.createOptimized("Age");
  private static final CharSequence REQUEST_ID = HttpHeaders.createOptimized("X-Strata-Request-Id");
  private MultiMap stored;
  private MultiMap prebuilt;
  private final ByteBuf encoded = Unpooled.buffer(1024);

  @Setup
  public void setUp() {
    stored =
        HttpHeaders.headers()
            .add("Date", "Sun, 29 Nov 2026 05:00:00 GMT")
            .add("Content-Type", "application/octet-stream")
            .add("Content-Length", "1024")
            .add("Cache-Control", "public, max-age=3600")
            .add("X-Origin-Hits", "1")
            .add("Via", "1.1 regional-8081 (strata)");
    prebuilt = HttpHeaders.headers();
    stored.forEach(
        e ->
            prebuilt.add(
                HttpHeaders.createOptimized(e.getKey()),
                HttpHeaders.createOptimized(
                    e.getKey().equals("Via") ? e.getValue() + ", " + VIA_TOKEN : e.getValue())));
    prebuilt.add(
        HttpHeaders.createOptimized("X-Cache"), HttpHeaders.createOptimized("Hit from strata"));
  }

  @Benchmark
  public MultiMap asToday() {
    MultiMap response = HttpHeaders.headers();
    response.add("X-Strata-Request-Id", RequestIds.next());
    response.addAll(stored);
    String upstreamVia = stored.get("Via");
    response
        .set("Via", upstreamVia == null ? VIA_TOKEN : upstreamVia + ", " + VIA_TOKEN)
        .set("Age", Long.toString(12))
        .set("X-Cache", "Hit from strata");
    return response;
  }

  @Benchmark
  public MultiMap prebuilt() {
    MultiMap response = HttpHeaders.headers();
    response.add(REQUEST_ID, RequestIds.next());
    response.addAll(prebuilt);
    response.add(AGE, Long.toString(12));
    return response;
  }

  /**
   * {@link #asToday} plus the encoding Vert.x does when the response is written (the profile's
   * largest single cost: {@code HeadersMultiMap.encode}), into a reused buffer.
   */
  @Benchmark
  public ByteBuf asTodayEncoded() {
    encoded.clear();
    ((HeadersMultiMap) asToday()).encode(encoded, false);
    return encoded;
  }

  /** {@link #prebuilt} plus the same encoding. */
  @Benchmark
  public ByteBuf prebuiltEncoded() {
    encoded.clear();
    ((HeadersMultiMap) prebuilt()).encode(encoded, false);
    return encoded;
  }

  /** The request id alone: 128 random bits as 22 characters. */
  @Benchmark
  public String requestId() {
    return RequestIds.next();
  }
}
