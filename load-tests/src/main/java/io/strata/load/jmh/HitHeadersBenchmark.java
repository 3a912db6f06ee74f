package io.strata.load.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.AsciiString;
import io.strata.core.cache.CacheDecision;
import io.strata.core.cache.CachedObject;
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
 * The header work of one cache hit. {@link #asToday}: as the hit path did it before the second pass
 * of issue 8 (copy the stored header map, look up {@code Via}, concatenate this tier's token,
 * format {@code Age}, set {@code X-Cache}, plus a fresh request id); {@link #prebuilt}: a
 * pre-built, pre-encoded header set (tried, not kept); {@link #flatStored}: what the hit path does
 * now — the stored fields walked from the entry's flat array ({@link CachedObject#headerName}) and
 * added one by one, {@code Via}, {@code Age} and {@code Cache-Status} taken as already rendered for
 * this entry and second.
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
  private static final AsciiString VIA = AsciiString.cached("Via");
  private static final AsciiString X_CACHE = AsciiString.cached("X-Cache");
  private static final AsciiString HIT = AsciiString.cached("Hit from strata");
  private static final AsciiString CACHE_STATUS = AsciiString.cached("Cache-Status");
  private static final CharSequence REQUEST_ID = HttpHeaders.createOptimized("X-Strata-Request-Id");
  private MultiMap stored;
  private MultiMap prebuilt;
  private CachedObject entry;
  private CharSequence renderedVia;
  private CharSequence renderedAge;
  private CharSequence renderedCacheStatus;
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
    entry =
        new CachedObject(
            200,
            stored,
            io.strata.core.cache.StoredBody.heap(new byte[1024]),
            System.currentTimeMillis(),
            0,
            new CacheDecision(true, 3600, false, 0, -1, false, ""));
    renderedVia = HttpHeaders.createOptimized(stored.get("Via") + ", " + VIA_TOKEN);
    renderedAge = "12";
    renderedCacheStatus = "edge-8080; hit; ttl=3588";
  }

  @Benchmark
  public MultiMap flatStored() {
    MultiMap response = HttpHeaders.headers();
    response.add(REQUEST_ID, RequestIds.next());
    for (int i = 0, n = entry.headerCount(); i < n; i++) {
      CharSequence name = entry.headerName(i);
      if (!VIA.contentEqualsIgnoreCase(name) && !CACHE_STATUS.contentEqualsIgnoreCase(name)) {
        response.add(name, entry.headerValue(i));
      }
    }
    response
        .set(VIA, renderedVia)
        .set(AGE, renderedAge)
        .set(X_CACHE, HIT)
        .set(CACHE_STATUS, renderedCacheStatus);
    return response;
  }

  /** {@link #flatStored} plus the same encoding. */
  @Benchmark
  public ByteBuf flatStoredEncoded() {
    encoded.clear();
    ((HeadersMultiMap) flatStored()).encode(encoded, false);
    return encoded;
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
